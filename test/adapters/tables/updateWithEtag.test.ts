// ETag optimistic concurrency against Azurite: racing writers both survive via retry; exhausted retries say so clearly.
import { beforeAll, describe, expect, it } from "vitest";
import type { TableClient } from "@azure/data-tables";
import { TransientError } from "../../../shared/domain/errors.js";
import { openTable } from "../../../shared/adapters/tables/tableClients.js";
import { readEntity, updateWithEtag } from "../../../shared/adapters/tables/updateWithEtag.js";
import { azuriteOptions } from "./tableTestOptions.js";

type Row = { items: string; n: number };

let table: TableClient;
let other: TableClient;

beforeAll(async () => {
  const options = azuriteOptions("etag");
  table = await openTable(options, "Links");
  other = await openTable(options, "Links"); // a second, independent writer
});

/** A latch that opens when `count` parties have arrived. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return async () => {
    if (++arrived >= count) open();
    await opened;
  };
}

const append =
  (item: string) =>
  (current: { items?: string; n?: number } | undefined): Row => ({
    items: [...(current?.items ? current.items.split(",") : []), item].join(","),
    n: (current?.n ?? 0) + 1,
  });

describe("updateWithEtag", () => {
  it("creates a missing row, then updates it with If-Match", async () => {
    const first = await updateWithEtag<Row>(table, "p", "create", append("a"));
    expect(first).toMatchObject({ written: true, attempts: 1, entity: { items: "a", n: 1 } });
    const second = await updateWithEtag<Row>(table, "p", "create", append("b"));
    expect(second.etag).not.toBe(first.etag);
    expect((await readEntity<Row>(table, "p", "create"))?.items).toBe("a,b");
  });

  it("two writers that read the same version both survive: the loser gets 412, re-reads and retries", async () => {
    await table.createEntity({ partitionKey: "p", rowKey: "race", items: "", n: 0 });
    const bothRead = barrier(2);
    const attemptsSeen: Record<string, number[]> = { A: [], B: [] };
    const writer = (name: string, client: TableClient) =>
      updateWithEtag<Row>(client, "p", "race", async (current, attempt) => {
        attemptsSeen[name]!.push(attempt);
        if (attempt === 1) await bothRead(); // both hold the same ETag before either writes
        return append(name)(current);
      });
    const [a, b] = await Promise.all([writer("A", table), writer("B", other)]);
    expect([a.attempts, b.attempts].sort()).toEqual([1, 2]);
    const final = await readEntity<Row>(table, "p", "race");
    expect(final?.items.split(",").sort()).toEqual(["A", "B"]);
    expect(final?.n).toBe(2);
  });

  it("five concurrent increments all land", async () => {
    await table.createEntity({ partitionKey: "p", rowKey: "many", items: "", n: 0 });
    await Promise.all(
      ["1", "2", "3", "4", "5"].map((i) =>
        updateWithEtag<Row>(i === "3" ? other : table, "p", "many", append(i), { maxAttempts: 10 }),
      ),
    );
    const final = await readEntity<Row>(table, "p", "many");
    expect(final?.n).toBe(5);
    expect(final?.items.split(",").sort()).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("gives up after maxAttempts with TransientError etag_conflict naming table and keys", async () => {
    await table.createEntity({ partitionKey: "p", rowKey: "hot", items: "", n: 0 });
    let attempts = 0;
    const error = await updateWithEtag<Row>(
      table,
      "p",
      "hot",
      async (current) => {
        attempts++;
        // Another writer changes the row after every read, so our ETag is always stale.
        await other.updateEntity(
          { partitionKey: "p", rowKey: "hot", items: "interloper", n: 100 + attempts },
          "Replace",
        );
        return append("mine")(current);
      },
      { maxAttempts: 3, backoffMs: 1 },
    ).catch((e: unknown) => e);
    expect(attempts).toBe(3);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe("etag_conflict");
    expect((error as Error).message).toContain(`${table.tableName} "p"/"hot"`);
    expect((error as Error).message).toContain("3 times");
    expect(((error as Error).cause as { statusCode?: number }).statusCode).toBe(412);
    expect((await readEntity<Row>(table, "p", "hot"))?.items).toBe("interloper");
  });

  it("Merge mode leaves columns it does not return untouched; undefined from modify writes nothing", async () => {
    await table.createEntity({ partitionKey: "p", rowKey: "merge", items: "x", n: 1, admin: "keep" });
    await updateWithEtag<{ n: number }>(table, "p", "merge", (c) => ({ n: (c?.n ?? 0) + 1 }), { mode: "Merge" });
    const row = await readEntity<Row & { admin: string }>(table, "p", "merge");
    expect(row).toMatchObject({ items: "x", n: 2, admin: "keep" });
    const noop = await updateWithEtag<Row>(table, "p", "merge", () => undefined);
    expect(noop.written).toBe(false);
    expect(noop.etag).toBe(row?.etag);
  });
});
