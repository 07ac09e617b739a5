// SentMailTable on Azurite: per-user rows keyed by messageKey (any characters), read-change-write under the ETag.
import { describe, expect, it } from "vitest";
import { SentMailTable, type SentMailRecord } from "../../../shared/adapters/tables/sentMailTable.js";
import { azuriteOptions } from "./tableTestOptions.js";

const table = await SentMailTable.open(azuriteOptions("sentmail"));
const sending = (messageKey: string): SentMailRecord => ({
  messageKey,
  mailbox: "jsmith@contoso.test",
  state: "sending",
  attempts: 1,
  transientRetries: 0,
  outcomePublished: false,
  updatedAt: "2026-03-02T09:30:00.000Z",
});

describe("SentMailTable", () => {
  it("stores and reads a row; keys with / # ? and spaces round-trip; user ids are case-insensitive", async () => {
    const key = "MAIL/2026#1? x";
    expect(await table.get("jsmith", key)).toBeUndefined();
    await table.update("jsmith", key, () => sending(key));
    expect(await table.get("JSMITH", key)).toEqual({
      ...sending(key),
      mode: undefined,
      draftId: undefined,
      graphMessageId: undefined,
      sentAt: undefined,
      code: undefined,
      reason: undefined,
    });
  });

  it("update sees the current row, can leave it alone, and drops cleared fields", async () => {
    await table.update("ADOE", "K1", () => ({ ...sending("K1"), code: "TooManyRequests", reason: "429" }));
    const sent = await table.update("ADOE", "K1", (cur) => ({
      ...cur!,
      state: "sent",
      graphMessageId: "AAMk",
      code: undefined,
      reason: undefined,
    }));
    expect(sent).toMatchObject({ state: "sent", graphMessageId: "AAMk", code: undefined });
    const untouched = await table.update("ADOE", "K1", (cur) => (cur?.state === "sent" ? undefined : sending("K1")));
    expect(untouched).toMatchObject({ state: "sent", graphMessageId: "AAMk" });
    expect(await table.get("ADOE", "K1")).toMatchObject({ state: "sent", code: undefined, reason: undefined });
  });

  it("concurrent updates of one row both apply (ETag retry), none is lost", async () => {
    await table.update("BOB", "K2", () => sending("K2"));
    await Promise.all(
      Array.from({ length: 5 }, () =>
        table.update("BOB", "K2", (cur) => ({ ...cur!, attempts: (cur?.attempts ?? 0) + 1 })),
      ),
    );
    expect((await table.get("BOB", "K2"))?.attempts).toBe(6);
  });
});
