// The taskPoll timer function: registered on %TASK_POLL_SCHEDULE%; application mode sends one TASKPOLL per task user
// (deduplicated per minute), delegated mode sends nothing (To Do is subscribed there).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runTaskPoll } from "../../functions/taskPoll.js";
import { startAppRig, QUEUES, type AppRig } from "../harness/appRig.js";
import type { Registration } from "../harness/captureRegistrations.js";
import { contextWithLog, timer } from "../e2e/taskRig.js";

const registrations = vi.hoisted(() => [] as Registration[]);
vi.mock("@azure/functions", async (importOriginal) =>
  (await import("../harness/captureRegistrations.js")).mockFunctionsApp(importOriginal, registrations, ["timer"]),
);

let rig: AppRig;
beforeAll(async () => {
  rig = await startAppRig({ now: new Date("2026-12-07T08:05:00Z") });
  for (const [userId, switches] of [
    ["JSMITH", { syncTasks: true }],
    ["ADOE", { tasksFromOutlook: true }],
    ["MBROWN", { syncAppointments: true, emails: true }],
  ] as const)
    await rig.deps.users.upsertUser({
      userId,
      mailbox: `${userId.toLowerCase()}@contoso.test`,
      defaultCompany: "1",
      ...switches,
    });
}, 30_000);
afterAll(async () => rig?.stop());

const polls = () =>
  rig.bus
    .queue(QUEUES.pull)
    .messages()
    .map((m) => m.bodyJson as { source: string; user: string });

describe("taskPoll timer", () => {
  it("is registered on the TASK_POLL_SCHEDULE app setting", () => {
    const reg = registrations.filter((r) => r.name === "taskPoll");
    expect(reg.map((r) => r.options.schedule)).toEqual(["%TASK_POLL_SCHEDULE%"]);
  });

  it("application mode: one TASKPOLL per user with a task switch; a second run in the same minute is dropped", async () => {
    const summary = await runTaskPoll(timer, contextWithLog("taskPoll").context, rig.deps);
    expect(summary).toMatchObject({ runId: "taskpoll-2026-12-07T08:05", eligible: 2, enqueued: 2 });
    await runTaskPoll(timer, contextWithLog("taskPoll").context, rig.deps);
    expect(polls().sort((a, b) => a.user.localeCompare(b.user))).toEqual([
      { source: "TASKPOLL", user: "ADOE" },
      { source: "TASKPOLL", user: "JSMITH" },
    ]);
  });

  it("delegated mode: nothing is sent", async () => {
    const before = polls().length;
    const deps = { ...rig.deps, config: { ...rig.deps.config, authMode: "delegated" as const } };
    const { context, lines } = contextWithLog("taskPoll");
    expect(await runTaskPoll(timer, context, deps)).toBeUndefined();
    expect(polls()).toHaveLength(before);
    expect(lines.join("\n")).toMatch(/AUTH_MODE is delegated/);
  });
});
