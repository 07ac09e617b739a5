// The Rejected table on Azurite: rows keep the original body (chunked when long) and reason; the replay use case is tested in
// test/functions/adminReplay.test.ts.
import { describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import {
  chunkText,
  createRejectedStore,
  REASON_MAX_CHARS,
  REJECTED_BODY_MAX_CHARS,
  type RejectedInput,
} from "../../../shared/adapters/servicebus/rejectedStore.js";

const connectionString = inject("storageConnectionString");
const store = createRejectedStore({ connectionString, tablePrefix: "rejstore" });
/** The same table read raw, to size the stored entity (Azurite does not enforce Azure's 1 MiB entity limit). */
const raw = TableClient.fromConnectionString(connectionString, "rejstoreRejected", { allowInsecureConnection: true });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * An entity's size as Azure Tables counts it: 4 + 2 × (PartitionKey + RowKey length) + per property 8 + 2 × name
 * length + the value (string: 4 + 2 × length; Int32 4; Int64/Double/DateTime 8; Boolean 1). Timestamp included.
 */
function entityBytes(e: Record<string, unknown>): number {
  let size = 4 + 2 * (String(e.partitionKey).length + String(e.rowKey).length) + 8 + 2 * "Timestamp".length + 8;
  for (const [name, v] of Object.entries(e)) {
    if (["partitionKey", "rowKey", "etag", "timestamp"].includes(name) || name.startsWith("odata")) continue;
    const value =
      typeof v === "string" ? 4 + 2 * v.length : typeof v === "boolean" ? 1 : v === null || v === undefined ? 0 : 8;
    size += 8 + 2 * name.length + value;
  }
  return size;
}

const entry = (over: Partial<RejectedInput> = {}): RejectedInput => ({
  queue: "msgraph-push",
  messageId: "push-abc/1?#",
  sessionId: "JSMITH",
  deliveryCount: 1,
  enqueuedTimeUtc: new Date("2026-11-30T04:00:00Z"),
  code: "invalid-message",
  reason: "data.start: expected ISO 8601 date-time with offset",
  body: '{"kind":"appointment","user":"JSMITH"}',
  bodyEncoding: "json",
  ...over,
});

describe("Rejected table", () => {
  it("keeps every column an admin needs, and a long body intact across chunks", async () => {
    const long = "x".repeat(95_000) + "é✓";
    const saved = await store.save(
      entry({ messageId: "long-1", body: long, bodyEncoding: "text" }),
      new Date("2026-11-30T05:00:00Z"),
    );
    const row = await store.get("msgraph-push", saved.id);
    expect(row).toMatchObject({
      queue: "msgraph-push",
      messageId: "long-1",
      sessionId: "JSMITH",
      deliveryCount: 1,
      code: "invalid-message",
      reason: "data.start: expected ISO 8601 date-time with offset",
      bodyEncoding: "text",
    });
    expect(row?.body).toBe(long);
    expect(row?.rejectedAt.toISOString()).toBe("2026-11-30T05:00:00.000Z");
    expect(row?.enqueuedTimeUtc?.toISOString()).toBe("2026-11-30T04:00:00.000Z");
  });

  it("is idempotent per MessageId (a redelivered copy overwrites its row) and encodes unsafe key characters", async () => {
    await store.save(entry());
    await store.save(entry({ deliveryCount: 2 }));
    const rows = (await store.list({ queue: "msgraph-push" })).filter((r) => r.messageId === "push-abc/1?#");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.deliveryCount).toBe(2);
    expect(rows[0]?.id).not.toMatch(/[/?#]/);
  });

  it("keeps the application properties, and remove deletes the row once", async () => {
    const props = { origin: "coins-esb", attempt: 2, urgent: true, none: null };
    const row = await store.save(entry({ messageId: "with-props", applicationProperties: props }));
    expect((await store.get("msgraph-push", row.id))?.applicationProperties).toEqual(props);
    const plain = await store.save(entry({ messageId: "without-props" }));
    expect((await store.get("msgraph-push", plain.id))?.applicationProperties).toBeUndefined();
    expect(await store.remove("msgraph-push", row.id)).toBe(true);
    expect(await store.get("msgraph-push", row.id)).toBeUndefined();
    expect(await store.remove("msgraph-push", row.id)).toBe(false);
  });

  it("keys a message without MessageId by the hash of its body", async () => {
    const row = await store.save(entry({ queue: "msgraph-pull", messageId: undefined, body: "garbage" }));
    expect(row.id).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect((await store.list({ queue: "msgraph-pull" })).map((r) => r.body)).toContain("garbage");
  });

  it("stores the largest body the limits allow, within Azure's 1 MiB per entity, and refuses one character more", async () => {
    const biggest = "{" + "x".repeat(REJECTED_BODY_MAX_CHARS - 2) + "}";
    const messageId = "/?#".repeat(42) + "ab"; // 128 characters, every one needing key encoding
    const saved = await store.save(
      entry({ messageId, body: biggest, bodyEncoding: "text", reason: "r".repeat(3 * REASON_MAX_CHARS) }),
    );
    const row = await store.get("msgraph-push", saved.id);
    expect(row?.body.length).toBe(450_000);
    expect(row?.body).toBe(biggest);
    expect(row?.reason).toHaveLength(REASON_MAX_CHARS);
    const stored = await raw.getEntity<Record<string, unknown>>("msgraph-push", saved.id);
    expect(entityBytes(stored)).toBeLessThan(1_048_576);
    expect(entityBytes(stored)).toBeGreaterThan(900_000);

    const tooBig = entry({ messageId: "too-big-1", body: biggest + " ", bodyEncoding: "text" });
    await expect(store.save(tooBig)).rejects.toMatchObject({
      kind: "transient", // not stored → not completed: the broker redelivers, then dead-letters (body kept in the DLQ)
      code: "rejected-too-large",
      message: expect.stringContaining("450001 characters; at most 450000"),
    });
    expect((await store.list({ queue: "msgraph-push" })).some((r) => r.messageId === "too-big-1")).toBe(false);
  });

  it("never splits a surrogate pair between chunks (each stored chunk is well-formed UTF-16)", async () => {
    const body = "x".repeat(29_999) + "😀" + "y".repeat(30_000) + "🎉";
    const saved = await store.save(entry({ messageId: "emoji-1", body, bodyEncoding: "text" }));
    expect((await store.get("msgraph-push", saved.id))?.body).toBe(body);
    const stored = await raw.getEntity<Record<string, unknown>>("msgraph-push", saved.id);
    const parts = [stored.body, stored.body1, stored.body2].map(String);
    expect(parts.map((p) => p.length)).toEqual([29_999, 30_000, 4]); // 😀 opens chunk 2, which ends on a plain "y"
    expect(parts.filter((p) => LONE_SURROGATE.test(p))).toEqual([]);
  });
});

describe("chunkText", () => {
  it.each([
    ["", 3, []],
    ["abcdefg", 3, ["abc", "def", "g"]],
    ["ab😀c", 3, ["ab", "😀c"]], // the pair would straddle 3 → the chunk ends before it
    ["😀😀", 2, ["😀", "😀"]],
    ["😀", 1, ["\ud83d", "\ude00"]], // a chunk of one unit cannot do better (never used: chunks are 30,000)
  ])("%j by %i", (text, size, expected) => {
    expect(chunkText(text, size)).toEqual(expected.map((x) => JSON.parse(`"${x}"`) as string));
  });
});
