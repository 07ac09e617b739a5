// The erp-inbound outcome: SENT / FAILED built from the stored row, valid against the contract, same row → same id.
import { describe, expect, it } from "vitest";
import { emailOutcome } from "../../../shared/app/email/emailOutcome.js";
import type { SentMailRecord } from "../../../shared/adapters/tables/sentMailTable.js";
import { inboundMessageId } from "../../../shared/domain/messages/messageIds.js";
import type { PushMessageOf } from "../../../shared/domain/messages/pushMessage.js";

const message: PushMessageOf<"email"> = {
  kind: "email",
  op: "SEND",
  user: "JSMITH",
  kco: "1",
  messageKey: "MAIL-42",
  data: { to: ["a@fabrikam.test"], subject: "s", body: { contentType: "text", content: "" } },
};
const row = (r: Partial<SentMailRecord>): SentMailRecord => ({
  messageKey: "MAIL-42",
  mailbox: "jsmith@contoso.test",
  state: "sent",
  attempts: 1,
  transientRetries: 0,
  outcomePublished: false,
  updatedAt: "2026-03-02T09:30:00.000Z",
  ...r,
});

describe("emailOutcome", () => {
  it("SENT carries the Graph id (or null) and sentAt, and echoes messageKey", () => {
    expect(emailOutcome(message, row({ graphMessageId: "AAMk1", sentAt: "2026-03-02T09:30:01.000Z" }))).toEqual({
      kind: "email",
      op: "SENT",
      user: "JSMITH",
      kco: "1",
      messageKey: "MAIL-42",
      outlookId: "AAMk1",
      data: { sentAt: "2026-03-02T09:30:01.000Z" },
    });
    expect(emailOutcome(message, row({})).op === "SENT" && emailOutcome(message, row({}))).toMatchObject({
      outlookId: null,
    });
  });

  it("FAILED carries code and reason (capped at 1000 characters)", () => {
    const outcome = emailOutcome(message, row({ state: "failed", code: "blob_not_found", reason: "x".repeat(5000) }));
    expect(outcome).toMatchObject({ op: "FAILED", data: { code: "blob_not_found" } });
    expect(outcome.op === "FAILED" && outcome.data.reason.length).toBe(1000);
  });

  it("the same row gives the same MessageId (a redelivery's outcome is dropped as a duplicate)", () => {
    const r = row({ graphMessageId: "AAMk1", sentAt: "2026-03-02T09:30:01.000Z" });
    expect(inboundMessageId(emailOutcome(message, r))).toBe(inboundMessageId(emailOutcome(message, { ...r })));
    expect(inboundMessageId(emailOutcome(message, r))).not.toBe(
      inboundMessageId(emailOutcome(message, { ...r, graphMessageId: "AAMk2" })),
    );
  });

  it("refuses a row that would break the contract (a sentAt without offset)", () => {
    expect(() => emailOutcome(message, row({ sentAt: "2026-03-02T09:30:01" }))).toThrow(/data\.sentAt/);
  });
});
