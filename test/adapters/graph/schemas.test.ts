// Every Graph response body in test/fixtures/graph parses with the adapter's schemas; the fixture README's traps hold.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  batchResponseSchema,
  changeNotificationSchema,
  eventDeltaPageSchema,
  eventSchema,
  graphDateTimeSchema,
  graphDateTimeToMs,
  graphErrorBodySchema,
  isLifecycleNotification,
  notificationCollectionSchema,
  subscriptionSchema,
  todoTaskDeltaPageSchema,
  todoTaskListCollectionSchema,
} from "../../../shared/adapters/graph/schemas.js";

const dir = join(import.meta.dirname, "../../fixtures/graph");
const load = (file: string): unknown => JSON.parse(readFileSync(join(dir, file), "utf8"));

/** Response bodies we read → the schema that must accept them unchanged. */
const RESPONSES: Record<string, z.ZodType> = {
  "batch-response.json": batchResponseSchema,
  "error-429-throttled.json": graphErrorBodySchema,
  "event-create-response.json": eventSchema,
  "event-delta-final-deltalink.json": eventDeltaPageSchema,
  "event-delta-page1-nextlink.json": eventDeltaPageSchema,
  "lifecycle-reauthorization-required.json": notificationCollectionSchema,
  "notification-message-created.json": notificationCollectionSchema,
  "subscription-create-response.json": subscriptionSchema,
  "todotask-delta-response.json": todoTaskDeltaPageSchema,
  "todotasklists-list-response.json": todoTaskListCollectionSchema,
};
/** Request bodies we write (not parsed by the adapter). */
const REQUESTS = new Set([
  "batch-request.json",
  "event-create-request.json",
  "sendmail-request.json",
  "subscription-create-request.json",
]);

describe("Graph fixtures parse with the adapter's schemas", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

  it("every fixture file is classified (a new fixture must get a schema)", () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
    for (const f of files) expect(f in RESPONSES || REQUESTS.has(f), f).toBe(true);
  });

  it.each(Object.entries(RESPONSES))("%s", (file, schema) => {
    const body = load(file);
    const parsed = schema.safeParse(body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    // Passthrough: unknown keys survive (nothing Graph sent is silently dropped).
    expect(parsed.data).toEqual(body);
  });
});

describe("fixture traps", () => {
  it("a change notification keeps lower-case resource and capitalised @odata.type; placeholders are accepted", () => {
    const parsed = notificationCollectionSchema.parse(load("notification-message-created.json"));
    const n = parsed.value[0];
    expect(n && !isLifecycleNotification(n)).toBe(true);
    if (!n || isLifecycleNotification(n)) return;
    expect(n.subscriptionId).toBe("{subscription_guid}");
    expect(n.resource?.startsWith("users/")).toBe(true);
    expect(n.resourceData?.["@odata.type"]).toBe("#Microsoft.Graph.Message");
  });

  it("a lifecycle notification is told apart by lifecycleEvent and has no resource", () => {
    const parsed = notificationCollectionSchema.parse(load("lifecycle-reauthorization-required.json"));
    const n = parsed.value[0];
    expect(n && isLifecycleNotification(n) && n.lifecycleEvent).toBe("reauthorizationRequired");
  });

  it("a notification with an unknown changeType or without subscriptionId is refused, naming the field", () => {
    const bad = changeNotificationSchema.safeParse({ subscriptionId: "x", changeType: "exploded", resource: "r" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["changeType"]);
    const noSub = changeNotificationSchema.safeParse({ changeType: "created", resource: "r" });
    expect(noSub.error?.issues[0]?.path).toEqual(["subscriptionId"]);
  });

  it("a delta page with @removed entries carrying only @odata.type, id and @removed parses", () => {
    const page = eventDeltaPageSchema.parse({
      "@odata.deltaLink": "https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=x",
      value: [
        { "@odata.type": "#microsoft.graph.event", id: "A", "@removed": { reason: "deleted" } },
        { id: "B", subject: "only the changed field" },
      ],
    });
    expect(page.value).toHaveLength(2);
    expect(page.value[0]).toHaveProperty("@removed");
  });

  it("a delta page needs exactly one of nextLink and deltaLink", () => {
    expect(eventDeltaPageSchema.safeParse({ value: [] }).success).toBe(false);
    expect(
      eventDeltaPageSchema.safeParse({
        value: [],
        "@odata.nextLink": "https://a/v1.0/x",
        "@odata.deltaLink": "https://a/v1.0/y",
      }).success,
    ).toBe(false);
  });

  it.each([
    ["2017-04-15T03:00:50.7579581Z", Date.UTC(2017, 3, 15, 3, 0, 50, 757)],
    ["2016-03-19T22:11:09.952Z", Date.UTC(2016, 2, 19, 22, 11, 9, 952)],
    ["2019-09-18T00:52:45.9696658+00:00", Date.UTC(2019, 8, 18, 0, 52, 45, 969)],
    ["2016-12-12T02:00:00.0000000", Date.UTC(2016, 11, 12, 2, 0, 0)],
    ["2025-02-13T10:17:05", Date.UTC(2025, 1, 13, 10, 17, 5)],
    ["0001-01-01T00:00:00Z", Date.parse("0001-01-01T00:00:00Z")],
  ])("timestamp %s is accepted and read as %d", (value, ms) => {
    expect(graphDateTimeSchema.safeParse(value).success).toBe(true);
    expect(graphDateTimeToMs(value)).toBe(ms);
  });

  it.each(["2017-04-15", "yesterday", "2017-04-15T03:00:50.12345678Z", "2017-04-15 03:00:50Z"])(
    "timestamp %s is refused",
    (value) => {
      expect(graphDateTimeSchema.safeParse(value).success).toBe(false);
    },
  );

  it("inner-error key names vary (request-id / requestId, innerError / innererror)", () => {
    const a = graphErrorBodySchema.parse(load("error-429-throttled.json"));
    expect(a.error.innerError?.["request-id"]).toBe("94fb3b52-452a-4535-a601-69e0a90e3aa2");
    const b = graphErrorBodySchema.parse({ error: { code: "X", message: "m", innererror: { requestId: "r1" } } });
    expect(b.error.innererror?.requestId).toBe("r1");
  });

  it("an event without id is refused, naming the field", () => {
    const bad = eventSchema.safeParse({ subject: "no id" });
    expect(bad.error?.issues[0]?.path).toEqual(["id"]);
  });
});
