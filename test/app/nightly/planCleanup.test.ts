// planCleanup, the pure half of the nightly clean-up: which stored subscriptions go, which stay, and why.
import { describe, expect, it } from "vitest";
import { planCleanup, type SubscriptionRef } from "../../../shared/app/nightly/planCleanup.js";
import type { UserSettings } from "../../../shared/adapters/tables/usersTable.js";
import { sampleUserSettings } from "../sampleUserSettings.js";

type Switches = Partial<
  Pick<UserSettings, "emails" | "syncAppointments" | "appointmentsFromOutlook" | "syncTasks" | "tasksFromOutlook">
>;

const user = (userId: string, switches: Switches = {}): UserSettings => sampleUserSettings(userId, switches);

const sub = (u: string, kind: SubscriptionRef["kind"]): SubscriptionRef => ({
  user: u,
  kind,
  subscriptionId: `${u}-${kind}`,
});

describe("planCleanup", () => {
  it.each([
    // [switches of a valid user, kind, expected verdict]
    [{ syncAppointments: true }, "events", "keep"],
    [{ appointmentsFromOutlook: true }, "events", "keep"],
    [{ syncTasks: true }, "todoTasks", "keep"],
    [{ tasksFromOutlook: true }, "todoTasks", "keep"],
    [{}, "events", "switchedOff"],
    [{}, "todoTasks", "switchedOff"],
    [{ emails: true }, "events", "switchedOff"],
    [{ syncTasks: true, tasksFromOutlook: true }, "events", "switchedOff"],
    [{ syncAppointments: true, appointmentsFromOutlook: true }, "todoTasks", "switchedOff"],
  ] as const)("valid user with %o and a %s subscription → %s", (switches, kind, expected) => {
    const plan = planCleanup([sub("U1", kind)], { valid: [user("U1", switches)], invalid: [] });
    if (expected === "keep") {
      expect(plan).toEqual({ remove: [], keptForInvalid: [], kept: 1 });
    } else {
      expect(plan).toEqual({ remove: [{ ...sub("U1", kind), reason: expected }], keptForInvalid: [], kept: 0 });
    }
  });

  it("removes a subscription whose user has no row, keeps one whose row is invalid (matched case-insensitively)", () => {
    const plan = planCleanup([sub("GONE", "events"), sub("BROKEN", "events"), sub("OK", "events")], {
      valid: [user("OK", { syncAppointments: true })],
      invalid: [{ userId: " broken" }],
    });
    expect(plan).toEqual({
      remove: [{ ...sub("GONE", "events"), reason: "unknownUser" }],
      keptForInvalid: [sub("BROKEN", "events")],
      kept: 1,
    });
  });

  it("never carries the clientState into the plan (it only reaches log lines through the plan)", () => {
    const stored = { ...sub("GONE", "events"), clientState: "s3cret-client-state-value" };
    expect(JSON.stringify(planCleanup([stored], { valid: [], invalid: [] }))).not.toContain("s3cret");
  });
});
