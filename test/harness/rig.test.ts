// Checks the test rig itself: Azurite reachable from workers, the simulators' certificate trusted at process start.
import { describe, expect, it, inject } from "vitest";
import { TableClient } from "@azure/data-tables";
import { readFileSync } from "node:fs";

describe("test rig", () => {
  it("gives every worker Azurite and the loopback CA certificate", async () => {
    const caPath = process.env.NODE_EXTRA_CA_CERTS ?? "";
    expect(readFileSync(caPath, "utf8")).toContain("BEGIN CERTIFICATE");
    const table = TableClient.fromConnectionString(inject("storageConnectionString"), "rigcheck", {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.upsertEntity({ partitionKey: "p", rowKey: "r", n: 7 });
    expect((await table.getEntity<{ n: number }>("p", "r")).n).toBe(7);
  });
});
