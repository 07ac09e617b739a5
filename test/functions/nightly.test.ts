// The nightly timer function: registered on %NIGHTLY_SCHEDULE% with a retry policy; a past-due run is logged and runs.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InvocationContext, type Timer } from "@azure/functions";
import { runNightly } from "../../functions/nightly.js";
import { startAppRig, type AppRig } from "../harness/appRig.js";
import type { Registration } from "../harness/captureRegistrations.js";

const registrations = vi.hoisted(() => [] as Registration[]);
vi.mock("@azure/functions", async (importOriginal) =>
  (await import("../harness/captureRegistrations.js")).mockFunctionsApp(importOriginal, registrations, ["timer"]),
);

let rig: AppRig;
beforeAll(async () => {
  rig = await startAppRig({ now: new Date("2026-11-30T02:00:05Z") });
  await rig.deps.users.upsertUser({ userId: "JSMITH", mailbox: "jsmith@contoso.test", syncAppointments: true });
}, 30_000);
afterAll(async () => rig?.stop());

function contextWithLog() {
  const lines: { level: string; text: string }[] = [];
  const context = new InvocationContext({
    functionName: "nightly",
    invocationId: "test",
    logHandler: (level, ...args) => lines.push({ level, text: args.map(String).join(" ") }),
  });
  return { context, lines };
}

const timer = (isPastDue: boolean): Timer => ({
  isPastDue,
  schedule: { adjustForDST: true },
  scheduleStatus: {
    last: "2026-11-29T02:00:00.000Z",
    next: "2026-11-30T02:00:00.000Z",
    lastUpdated: "2026-11-29T02:00:00.000Z",
  },
});

describe("nightly timer", () => {
  it("is registered on the NIGHTLY_SCHEDULE app setting with a bounded retry policy", () => {
    expect(registrations).toHaveLength(1);
    const [reg] = registrations;
    expect(reg?.name).toBe("nightly");
    expect(reg?.options).toMatchObject({
      schedule: "%NIGHTLY_SCHEDULE%",
      retry: { strategy: "exponentialBackoff", maxRetryCount: 4 },
    });
    expect(typeof reg?.options.handler).toBe("function");
  });

  it("a past-due run logs that it is late and still fans out", async () => {
    const { context, lines } = contextWithLog();
    const summary = await runNightly(timer(true), context, rig.deps);
    expect(summary).toMatchObject({ runId: "nightly-2026-11-30", enqueued: 1, batches: 1 });
    expect(lines.find((l) => l.level === "warning")?.text).toMatch(
      /past due .*last 2026-11-29T02:00:00.000Z, next 2026-11-30T02:00:00.000Z/,
    );
    expect(lines.at(-1)?.text).toMatch(
      /^nightly nightly-2026-11-30: users=1 eligible=1 enqueued=1 batches=1 skipped=0 .* removed=0 /,
    );
    expect(
      rig.bus
        .queue("msgraph-pull")
        .messages()
        .map((m) => m.sessionId),
    ).toEqual(["JSMITH"]);
  });

  it("an on-time run does not warn", async () => {
    const { context, lines } = contextWithLog();
    await runNightly(timer(false), context, rig.deps);
    expect(lines.filter((l) => l.level === "warning")).toEqual([]);
  });
});
