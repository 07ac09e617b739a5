// Which subscriptions a refresh (re)creates for a user's switches.
import { describe, expect, it } from "vitest";
import { refreshKinds } from "../../../shared/app/admin/refreshUser.js";
import type { UserSettings } from "../../../shared/adapters/tables/usersTable.js";
import { sampleUserSettings } from "../sampleUserSettings.js";

const user = (switches: Partial<UserSettings>): UserSettings => sampleUserSettings("U", { etag: "", ...switches });

describe("refreshKinds", () => {
  it.each([
    [{ syncAppointments: true }, "application", undefined, ["events"], [], false],
    [{ appointmentsFromOutlook: true }, "application", undefined, ["events"], [], false],
    [{ emails: true }, "application", undefined, [], [], false],
    [{ syncTasks: true }, "application", undefined, [], ["todoTasks"], true],
    [{ syncAppointments: true, tasksFromOutlook: true }, "application", undefined, ["events"], ["todoTasks"], true],
    [{ syncAppointments: true, syncTasks: true }, "delegated", undefined, ["events", "todoTasks"], [], true],
    [{ syncAppointments: true, syncTasks: true }, "delegated", "todoTasks", ["todoTasks"], [], true],
    [{ syncAppointments: true, syncTasks: true }, "delegated", "events", ["events"], [], false],
    [{ syncTasks: true }, "delegated", "events", [], [], false],
  ] as const)("%j (%s, kind %s) → %j, not subscribed %j, tasks %s", (switches, mode, only, kinds, skipped, tasks) => {
    const result = refreshKinds(user(switches), mode, only);
    expect(result.kinds).toEqual(kinds);
    expect(Object.keys(result.skipped)).toEqual(skipped);
    expect(result.tasks).toBe(tasks);
  });
});
