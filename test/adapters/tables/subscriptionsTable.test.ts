// Subscriptions against Azurite: the webhook's lookup by subscription id is ONE point read; index rows follow the main rows.
import { beforeAll, describe, expect, it } from "vitest";
import { TransientError } from "../../../shared/domain/errors.js";
import {
  BY_SUBSCRIPTION_ID,
  SubscriptionsTable,
  type SubscriptionRecord,
} from "../../../shared/adapters/tables/subscriptionsTable.js";
import { azuriteOptions, requestCounter, type RequestLog } from "./tableTestOptions.js";

let subs: SubscriptionsTable;
let log: RequestLog;

beforeAll(async () => {
  const counter = requestCounter();
  log = counter.log;
  subs = await SubscriptionsTable.open(
    azuriteOptions("subs", { additionalPolicies: [{ policy: counter.policy, position: "perRetry" }] }),
  );
});

const record = (over: Partial<SubscriptionRecord> = {}): SubscriptionRecord => ({
  user: "JSMITH",
  kind: "events",
  subscriptionId: "7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
  clientState: "secret-client-state-1",
  expiresAt: "2026-12-02T04:00:00.000Z",
  resource: "/users/jsmith@contoso.com/events",
  ...over,
});

describe("SubscriptionsTable", () => {
  it("finds a subscription by id with exactly one HTTP request, a GET of one entity", async () => {
    await subs.save(record());
    log.reset();
    const found = await subs.getBySubscriptionId("7f105c7d-2dc5-4530-97cd-4e7ae6534c07");
    expect(found).toEqual({
      subscriptionId: "7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
      user: "JSMITH",
      kind: "events",
      clientState: "secret-client-state-1",
      expiresAt: "2026-12-02T04:00:00.000Z",
    });
    expect(log.requests).toHaveLength(1);
    expect(log.requests[0]!.method).toBe("GET");
    expect(log.requests[0]!.url).toContain(
      `(PartitionKey='${BY_SUBSCRIPTION_ID}',RowKey='7f105c7d-2dc5-4530-97cd-4e7ae6534c07')`,
    );

    log.reset();
    expect(await subs.getBySubscriptionId("00000000-0000-0000-0000-000000000000")).toBeUndefined();
    expect(log.requests).toHaveLength(1);
  });

  it("get returns the full record with its etag; listAll excludes index rows", async () => {
    await subs.save(
      record({
        user: "ann",
        kind: "todoTasks",
        subscriptionId: "sub-ann-tasks",
        resource: "/users/ann@contoso.com/todo/lists/L1/tasks",
        listId: "L1",
        windowStart: "2026-11-29",
        windowEnd: "2026-12-21",
      }),
    );
    const got = await subs.get("ANN", "todoTasks");
    expect(got).toMatchObject({ user: "ANN", kind: "todoTasks", listId: "L1", windowEnd: "2026-12-21" });
    expect(got?.etag).toMatch(/^W\/"/);
    const all = await subs.listAll();
    expect(all.map((s) => `${s.user}/${s.kind}`).sort()).toEqual(
      expect.arrayContaining(["ANN/todoTasks", "JSMITH/events"]),
    );
    expect(all.every((s) => s.user !== BY_SUBSCRIPTION_ID)).toBe(true);
  });

  it("replacing a subscription moves the index: the old id no longer resolves, the new one does", async () => {
    await subs.save(record({ user: "BOB", subscriptionId: "old-sub", clientState: "cs-old" }));
    await subs.save(record({ user: "BOB", subscriptionId: "new-sub", clientState: "cs-new" }));
    expect(await subs.getBySubscriptionId("old-sub")).toBeUndefined();
    expect(await subs.getBySubscriptionId("new-sub")).toMatchObject({ user: "BOB", clientState: "cs-new" });
    expect((await subs.get("BOB", "events"))?.subscriptionId).toBe("new-sub");
  });

  it("save with a stale etag is refused with etag_conflict; with the current one it succeeds", async () => {
    const saved = await subs.save(record({ user: "CAROL", subscriptionId: "carol-1" }));
    await subs.save(record({ user: "CAROL", subscriptionId: "carol-1", expiresAt: "2026-12-03T00:00:00.000Z" }));
    const stale = await subs
      .save(record({ user: "CAROL", subscriptionId: "carol-1" }), saved.etag)
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(TransientError);
    expect((stale as TransientError).code).toBe("etag_conflict");
    const current = await subs.get("CAROL", "events");
    const renewed = await subs.save(
      record({ user: "CAROL", subscriptionId: "carol-1", expiresAt: "2026-12-04T00:00:00.000Z" }),
      current!.etag,
    );
    expect(renewed.etag).not.toBe(current!.etag);
    expect((await subs.getBySubscriptionId("carol-1"))?.expiresAt).toBe("2026-12-04T00:00:00.000Z");
  });

  it("saveDeltaUrl merges the cursor, keeps the rest, and detects a concurrent change by etag", async () => {
    await subs.save(record({ user: "DAN", subscriptionId: "dan-1" }));
    const before = await subs.get("DAN", "events");
    const etag = await subs.saveDeltaUrl(
      "DAN",
      "events",
      "https://graph.microsoft.com/v1.0/users/x/events/delta?$deltatoken=A",
      {
        etag: before!.etag,
        lastSyncAt: "2026-11-30T04:00:00.000Z",
      },
    );
    const after = await subs.get("DAN", "events");
    expect(after).toMatchObject({
      subscriptionId: "dan-1",
      clientState: "secret-client-state-1",
      deltaUrl: "https://graph.microsoft.com/v1.0/users/x/events/delta?$deltatoken=A",
      lastSyncAt: "2026-11-30T04:00:00.000Z",
      etag,
    });
    const conflict = await subs
      .saveDeltaUrl("DAN", "events", "https://stale", { etag: before!.etag })
      .catch((e: unknown) => e);
    expect((conflict as TransientError).code).toBe("etag_conflict");
    expect((await subs.get("DAN", "events"))?.deltaUrl).toContain("deltatoken=A");

    // Without an etag, two racing cursor writes both succeed (retry); the last one wins.
    await Promise.all([
      subs.saveDeltaUrl("DAN", "events", "https://d/1"),
      subs.saveDeltaUrl("DAN", "events", "https://d/2"),
    ]);
    expect(["https://d/1", "https://d/2"]).toContain((await subs.get("DAN", "events"))?.deltaUrl);
  });

  it("saveDeltaUrl for a missing record is a PermanentError", async () => {
    await expect(subs.saveDeltaUrl("NOONE", "events", "https://x")).rejects.toMatchObject({
      code: "subscription_not_found",
    });
  });

  it("remove deletes the record and its index row", async () => {
    await subs.save(record({ user: "EVE", kind: "todoTasks", subscriptionId: "eve-1" }));
    const removed = await subs.remove("EVE", "todoTasks");
    expect(removed?.subscriptionId).toBe("eve-1");
    expect(await subs.get("EVE", "todoTasks")).toBeUndefined();
    expect(await subs.getBySubscriptionId("eve-1")).toBeUndefined();
    expect(await subs.remove("EVE", "todoTasks")).toBeUndefined();
  });

  it("pruneIndex removes index rows left behind by a crash, keeps live ones", async () => {
    await subs.save(record({ user: "FRED", subscriptionId: "fred-live" }));
    await subs.client.upsertEntity({
      partitionKey: BY_SUBSCRIPTION_ID,
      rowKey: "fred-orphan",
      user: "FRED",
      kind: "events",
      clientState: "x",
      expiresAt: "2026-12-01T00:00:00.000Z",
    });
    expect(await subs.pruneIndex(0)).toBeGreaterThanOrEqual(1);
    expect(await subs.getBySubscriptionId("fred-orphan")).toBeUndefined();
    expect(await subs.getBySubscriptionId("fred-live")).toMatchObject({ user: "FRED" });
  });

  it("rejects an unknown resource kind", async () => {
    await expect(subs.get("JSMITH", "mail" as never)).rejects.toMatchObject({ code: "invalid_resource_kind" });
  });
});
