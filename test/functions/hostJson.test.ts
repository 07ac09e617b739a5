// host.json as the Functions host reads it: schema version, extension bundle, and Service Bus lock renewal that
// outlasts the longest invocation (else a long pull loses its session lock and another instance reads the cursor).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readHostJson } from "../../sandbox/host/hostJson.js";
import { MAX_BATCH_SIZE } from "../../shared/adapters/graph/batch.js";

const host = JSON.parse(readFileSync(new URL("../../host.json", import.meta.url), "utf8")) as {
  version: string;
  functionTimeout: string;
  extensionBundle: { id: string; version: string };
  extensions: { serviceBus: Record<string, unknown> };
};
const seconds = (t: string) => t.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);

describe("host.json", () => {
  it("is a v2 host with the v4 extension bundle", () => {
    expect(host.version).toBe("2.0");
    expect(host.extensionBundle).toEqual({ id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" });
  });

  it("renews Service Bus locks for at least as long as a function may run", () => {
    const renewal = seconds(String(host.extensions.serviceBus.maxAutoLockRenewalDuration));
    expect(seconds(host.functionTimeout)).toBeGreaterThan(0);
    expect(renewal).toBeGreaterThanOrEqual(seconds(host.functionTimeout));
  });

  it("hands a batch trigger (the push worker) up to maxMessageBatchSize messages: room for full $batch calls", () => {
    const size = Number(host.extensions.serviceBus.maxMessageBatchSize);
    expect(size).toBeGreaterThanOrEqual(MAX_BATCH_SIZE);
    // The local host reads the same value.
    expect(
      readHostJson(fileURLToPath(new URL("../../host.json", import.meta.url))).serviceBus.maxMessageBatchSize,
    ).toBe(size);
  });
});
