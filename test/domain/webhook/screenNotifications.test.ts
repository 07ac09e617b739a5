// Table-driven tests of the webhook's pure screening: clientState check, unknown subscriptions, grouping, keys.
import { describe, expect, it } from "vitest";
import {
  screenNotifications,
  type IncomingNotification,
  type KnownSubscription,
} from "../../../shared/domain/webhook/screenNotifications.js";
import { secretsEqual } from "../../../shared/domain/webhook/secretsEqual.js";

const subs = new Map<string, KnownSubscription | undefined>([
  ["sub-a", { user: "JSMITH", kind: "events", clientState: "a".repeat(44) }],
  ["sub-b", { user: "ADOE", kind: "todoTasks", clientState: "b".repeat(44) }],
]);

const n = (subscriptionId: string, clientState: string, id: string, etag = 'W/"1"'): IncomingNotification => ({
  id,
  subscriptionId,
  clientState,
  changeType: "updated",
  resource: `users/x/events/${id}`,
  resourceData: { id, "@odata.etag": etag },
});

describe("secretsEqual", () => {
  it.each([
    ["same", "s3cret", "s3cret", true],
    ["different", "s3cret", "s3creT", false],
    ["prefix", "s3c", "s3cret", false],
    ["missing received", undefined, "s3cret", false],
    ["empty expected never matches", "", "", false],
  ])("%s", (_name, received, expected, result) => {
    expect(secretsEqual(received, expected)).toBe(result);
  });
});

describe("screenNotifications", () => {
  it("groups accepted notifications into one entry per subscription and rejects forged or unknown ones", () => {
    const result = screenNotifications(
      [
        n("sub-a", "a".repeat(44), "1"),
        n("sub-a", "a".repeat(44), "2"),
        n("sub-b", "forged", "3"),
        n("sub-x", "x", "4"),
        n("sub-b", "b".repeat(44), "5"),
      ],
      subs,
    );
    expect(result.accepted.map((g) => [g.subscriptionId, g.user, g.kind, g.changes])).toEqual([
      ["sub-a", "JSMITH", "events", 2],
      ["sub-b", "ADOE", "todoTasks", 1],
    ]);
    expect(result.rejected).toEqual([
      { subscriptionId: "sub-b", reason: "clientStateMismatch" },
      { subscriptionId: "sub-x", reason: "unknownSubscription" },
    ]);
  });

  it("gives an identical re-post the same idempotency key and a different change a different one", () => {
    const first = screenNotifications([n("sub-a", "a".repeat(44), "1"), n("sub-a", "a".repeat(44), "2")], subs);
    const reordered = screenNotifications([n("sub-a", "a".repeat(44), "2"), n("sub-a", "a".repeat(44), "1")], subs);
    const changed = screenNotifications(
      [n("sub-a", "a".repeat(44), "1", 'W/"2"'), n("sub-a", "a".repeat(44), "2")],
      subs,
    );
    expect(first.accepted[0]?.idempotencyKey).toBe(reordered.accepted[0]?.idempotencyKey);
    expect(first.accepted[0]?.idempotencyKey).not.toBe(changed.accepted[0]?.idempotencyKey);
  });
});
