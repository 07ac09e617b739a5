// Which subscriptions a refresh (re)creates for a user's switches.
import { describe, expect, it } from "vitest";
import { refreshKinds } from "../../../shared/app/admin/refreshUser.js";
import type { UserSettings } from "../../../shared/adapters/tables/usersTable.js";
import { sampleUserSettings } from "../sampleUserSettings.js";

const user = (switches: Partial<UserSettings>): UserSettings => sampleUserSettings("U", { etag: "", ...switches });

describe("refreshKinds", () => {
  it.each([
    [{ syncAppointments: true }, false, ["events"], []],
    [{ appointmentsFromOutlook: true }, false, ["events"], []],
    [{ emails: true }, false, [], []],
    [{ syncTasks: true }, false, [], ["todoTasks"]],
    [{ syncAppointments: true, tasksFromOutlook: true }, false, ["events"], ["todoTasks"]],
    [{ syncAppointments: true, syncTasks: true }, true, ["events", "todoTasks"], []],
  ] as const)("%j (tasks enabled: %s) → %j, not subscribed %j", (switches, includeTasks, kinds, skipped) => {
    const result = refreshKinds(user(switches), includeTasks);
    expect(result.kinds).toEqual(kinds);
    expect(Object.keys(result.skipped)).toEqual(skipped);
  });
});
