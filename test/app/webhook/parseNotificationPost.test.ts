// Pure parsing of what Graph posts: Microsoft's own payloads pass unchanged; every bad body names the field.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNotificationPost } from "../../../shared/app/webhook/parseNotificationPost.js";

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
    ['{"value": [1]}', /^value\[0\]: expected a notification object$/],
    ['{"value": [{"changeType":"created","resource":"r"}]}', /^value\[0\]\.subscriptionId: /],
    ['{"value": [{"subscriptionId":"","changeType":"created","resource":"r"}]}', /^value\[0\]\.subscriptionId: /],
    ['{"value": [{"subscriptionId":"s","changeType":"created"}]}', /^value\[0\]\.resource: /],
    ['{"value": [{"subscriptionId":"s","changeType":"renamed","resource":"r"}]}', /^value\[0\]\.changeType: /],
    [
      '{"value": [{"subscriptionId":"s","changeType":"created","resource":"r","clientState":5}]}',
      /^value\[0\]\.clientState: /,
    ],
    ['{"value": [{"subscriptionId":"s","lifecycleEvent":"renewed"}]}', /^value\[0\]\.lifecycleEvent: /],
    [
      '{"value": [{"subscriptionId":"s","changeType":"created","resource":"r"}, {"subscriptionId":"t","changeType":"created"}]}',
      /^value\[1\]\.resource: /,
    ],
  ])("%j → rejected: %s", (body, reason) => {
    const parsed = parseNotificationPost(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});
