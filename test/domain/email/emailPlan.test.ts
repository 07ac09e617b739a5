// The pure email plan: Graph message shape, recipient checks, the 3 MB / 4 MB / 150 MB limits, sendMail vs draft.
import { describe, expect, it } from "vitest";
import {
  EMAIL_KEY_PROPERTY_ID,
  attachmentProblem,
  deliveryMode,
  graphMessage,
  isDeliverableAddress,
  needsUploadSession,
  recipientProblem,
  type ResolvedAttachment,
} from "../../../shared/domain/email/emailPlan.js";
import type { EmailData } from "../../../shared/domain/messages/pushMessage.js";

const MB = 1024 * 1024;
const data: EmailData = {
  to: ["a@fabrikam.test", { address: "b@fabrikam.test", name: "B" }],
  cc: [],
  subject: "S",
  body: { contentType: "html", content: "<p>x</p>" },
};
const att = (size: number, index = 0): ResolvedAttachment => ({
  index,
  name: `f${index}.bin`,
  contentType: "application/octet-stream",
  size,
  source: { kind: "blob", container: "c", name: `f${index}` },
});

describe("graphMessage", () => {
  it("maps recipients, body and subject, tags the key, and omits empty recipient lists", () => {
    expect(graphMessage({ ...data, replyTo: ["r@fabrikam.test"] }, "email-abc")).toEqual({
      subject: "S",
      body: { contentType: "html", content: "<p>x</p>" },
      toRecipients: [
        { emailAddress: { address: "a@fabrikam.test" } },
        { emailAddress: { address: "b@fabrikam.test", name: "B" } },
      ],
      replyTo: [{ emailAddress: { address: "r@fabrikam.test" } }],
      singleValueExtendedProperties: [{ id: EMAIL_KEY_PROPERTY_ID, value: "email-abc" }],
    });
    expect(EMAIL_KEY_PROPERTY_ID).toMatch(/^String \{[0-9a-f-]{36}\} Name CoinsMessageKey$/);
  });
});

describe("recipients", () => {
  it.each([
    ["jan.de-vries@bouw.example.nl", true],
    ["o'brien+orders@fabrikam.co.uk", true],
    ["josé@exämple.de", true],
    ["site@localhost", false],
    ["a@b", false],
    [".dot@fabrikam.test", false],
    ["a..b@fabrikam.test", false],
    ["a@-fabrikam.test", false],
    ["a@fabrikam.t3st", false],
    [`${"x".repeat(65)}@fabrikam.test`, false],
  ])("%s → %s", (address, ok) => {
    expect(isDeliverableAddress(address)).toBe(ok);
  });

  it("names the first undeliverable recipient's field", () => {
    expect(recipientProblem({ ...data, bcc: ["ok@fabrikam.test", { address: "x@y" }] })).toEqual({
      code: "ErrorInvalidRecipients",
      reason: 'data.bcc[1]: "x@y" is not a deliverable email address',
    });
    expect(recipientProblem(data)).toBeUndefined();
  });
});

describe("attachment limits", () => {
  it("refuses an attachment over 150 MB, naming it", () => {
    expect(attachmentProblem([att(1), att(150 * MB, 1)])).toBeUndefined();
    expect(attachmentProblem([att(1), att(150 * MB + 1, 1)])).toEqual({
      code: "attachment_too_large",
      reason: `data.attachments[1] (f1.bin): ${150 * MB + 1} bytes exceeds Outlook's limit of ${150 * MB} bytes (150 MB) per attachment`,
    });
  });

  it.each([
    { name: "no attachments", sizes: [], want: "sendMail" },
    { name: "1 MB", sizes: [MB], want: "sendMail" },
    { name: "two files, 2.9 MB in all", sizes: [1.5 * MB, 1.4 * MB], want: "sendMail" },
    { name: "3 MB exactly: base64 alone is 4 MB, over the request limit", sizes: [3 * MB], want: "draft" },
    { name: "3.1 MB in all", sizes: [2 * MB, 1.1 * MB], want: "draft" },
    { name: "10 MB", sizes: [10 * MB], want: "draft" },
  ])("$name → $want", ({ sizes, want }) => {
    const m = graphMessage(data, "k");
    expect(
      deliveryMode(
        m,
        sizes.map((s, i) => att(Math.round(s), i)),
      ),
    ).toBe(want);
  });

  it.each([
    [MB, false],
    [2.9 * MB, false],
    [3.0 * MB - 1, true],
    [3 * MB, true],
    [100 * MB, true],
  ])("in a draft, %d bytes needs an upload session: %s", (size, want) => {
    expect(needsUploadSession(att(Math.round(size)))).toBe(want);
  });
});
