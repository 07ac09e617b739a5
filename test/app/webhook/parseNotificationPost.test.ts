// Pure parsing of what Graph posts: Microsoft's own payloads pass unchanged; every bad body names the field.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  MAX_BODY_BYTES,
  MAX_NOTIFICATIONS,
  MAX_SUBSCRIPTIONS_PER_POST,
  parseNotificationPost,
} from "../../../shared/app/webhook/parseNotificationPost.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "../../fixtures/graph", name), "utf8");

describe("parseNotificationPost", () => {
  it.each(["notification-message-created.json", "lifecycle-reauthorization-required.json"])(
    "accepts Microsoft's %s unchanged",
    (name) => {
      const parsed = parseNotificationPost(fixture(name));
      expect(parsed.ok).toBe(true);
      if (parsed.ok)
        expect(parsed.notifications[0]?.subscriptionId).toBe(JSON.parse(fixture(name)).value[0].subscriptionId);
    },
  );

  it("keeps lifecycle and change notifications of one post apart", () => {
    const parsed = parseNotificationPost(
      JSON.stringify({
        value: [
          { subscriptionId: "a", changeType: "deleted", resource: "Users/x/Events/1", clientState: "s" },
          { subscriptionId: "a", lifecycleEvent: "missed", clientState: "s" },
        ],
      }),
    );
    expect(
      parsed.ok && parsed.notifications.map((n) => ("lifecycleEvent" in n ? n.lifecycleEvent : n.changeType)),
    ).toEqual(["deleted", "missed"]);
  });

  it.each([
    ["", /^body: empty/],
    ["   ", /^body: empty/],
    ["{", /^body: malformed JSON \(/],
    ["[]", /^body: /],
    ["null", /^body: /],
    ['{"value": {}}', /^value: /],
    ['{"items": []}', /^value: /],
  ])("%j → rejected: %s", (body, reason) => {
    const parsed = parseNotificationPost(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe("parseNotificationPost caps (anonymous endpoint: bounded work per post)", () => {
  const item = (sub: string, i: number) => ({
    subscriptionId: sub,
    changeType: "updated",
    resource: `Users/x/Events/${i}`,
    clientState: "s",
  });
  const post = (n: number, subs: number) =>
    JSON.stringify({ value: Array.from({ length: n }, (_, i) => item(`sub-${i % subs}`, i)) });

  it.each([
    ["the largest allowed post", post(MAX_NOTIFICATIONS, MAX_SUBSCRIPTIONS_PER_POST), true, undefined, /./],
    [
      "a body over 1 MiB",
      JSON.stringify({ value: [item("s", 1)], pad: "x".repeat(MAX_BODY_BYTES) }),
      false,
      413,
      /^body: \d+ bytes exceeds the limit of 1048576 bytes$/,
    ],
    [
      "more than 1000 notifications",
      post(MAX_NOTIFICATIONS + 1, 1),
      false,
      400,
      /^value: 1001 notifications exceed the limit of 1000 per post$/,
    ],
    [
      "more than 100 distinct subscriptions",
      post(MAX_SUBSCRIPTIONS_PER_POST + 1, MAX_SUBSCRIPTIONS_PER_POST + 1),
      false,
      400,
      /^value: notifications for 101 distinct subscriptions exceed the limit of 100 per post$/,
    ],
  ])("%s", (_what, body, ok, status, reason) => {
    const parsed = parseNotificationPost(body);
    expect(parsed.ok).toBe(ok);
    if (!parsed.ok) {
      expect(parsed.status).toBe(status);
      expect(parsed.reason).toMatch(reason);
    } else expect(parsed.notifications).toHaveLength(MAX_NOTIFICATIONS);
  });

  it("a malformed body is a 400, not a 413", () => {
    expect(parseNotificationPost("{")).toMatchObject({ ok: false, status: 400 });
  });
});

describe("parseNotificationPost: item by item", () => {
  it.each([
    ['{"value": [1]}', 0, undefined, /^value\[0\]: expected a notification object$/],
    ['{"value": [{"changeType":"created","resource":"r"}]}', 0, undefined, /^value\[0\]\.subscriptionId: /],
    ['{"value": [{"subscriptionId":"","changeType":"created"}]}', 0, undefined, /^value\[0\]\.subscriptionId: /],
    ['{"value": [{"subscriptionId":"s","changeType":"renamed","resource":"r"}]}', 0, "s", /^value\[0\]\.changeType: /],
    [
      '{"value": [{"subscriptionId":"s","changeType":"created","clientState":5}]}',
      0,
      "s",
      /^value\[0\]\.clientState: /,
    ],
    ['{"value": [{"subscriptionId":"s","lifecycleEvent":"renewed"}]}', 0, "s", /^value\[0\]\.lifecycleEvent: /],
    [
      '{"value": [{"subscriptionId":"s","changeType":"created"}, {"subscriptionId":"t","changeType":"made"}]}',
      1,
      "t",
      /^value\[1\]\.changeType: /,
    ],
  ])("%j → item %i of subscription %s dropped: %s", (body, index, subscriptionId, reason) => {
    const parsed = parseNotificationPost(body);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.dropped).toHaveLength(1);
    expect(parsed.dropped[0]).toMatchObject({ index, subscriptionId });
    expect(parsed.dropped[0]?.reason).toMatch(reason);
    expect(parsed.notifications).toHaveLength(index);
  });

  it("accepts items without resource, subscriptionExpirationDateTime and tenantId", () => {
    const parsed = parseNotificationPost('{"value":[{"subscriptionId":"s","changeType":"updated","clientState":"c"}]}');
    expect(parsed).toMatchObject({ ok: true, dropped: [], notifications: [{ subscriptionId: "s" }] });
  });
});
