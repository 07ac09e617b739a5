// Pure: the Graph message for an ERP email (recipients, body, our key tag), attachment limits, and sendMail vs draft.
import { ERP_KEY_PROPERTY_GUID as ERP_PROPERTY_SET } from "../appointments/erpKey.js";
import type { EmailData } from "../messages/pushMessage.js";

/** `String {guid} Name CoinsMessageKey`: tags every mail/draft with its email key, so a retry can find it. */
export const EMAIL_KEY_PROPERTY_ID = `String {${ERP_PROPERTY_SET}} Name CoinsMessageKey`;

const MB = 1024 * 1024;
/** sendMail / POST attachments: Graph's limit for attachments sent in the request. */
export const INLINE_ATTACHMENT_LIMIT = 3 * MB;
/** Graph rejects requests over 4 MB (base64 makes attachments a third larger). */
export const MAX_REQUEST_BYTES = 4 * MB;
/** Upload sessions: Outlook's maximum attachment size. */
export const MAX_ATTACHMENT_BYTES = 150 * MB;
/** Room left for headers and JSON we do not count exactly. */
const REQUEST_MARGIN = 16 * 1024;

export type AttachmentSource = { kind: "inline"; bytes: Buffer } | { kind: "blob"; container: string; name: string };

export interface ResolvedAttachment {
  /** Position in data.attachments (named in FAILED reasons). */
  index: number;
  name: string;
  contentType: string;
  size: number;
  source: AttachmentSource;
}

export interface EmailFailure {
  code: string;
  reason: string;
}

type Recipient = EmailData["to"][number];

export const toGraphRecipient = (r: Recipient) =>
  typeof r === "string"
    ? { emailAddress: { address: r } }
    : { emailAddress: { address: r.address, ...(r.name !== undefined ? { name: r.name } : {}) } };

/** The Graph message without attachments, tagged with `emailKey`. */
export function graphMessage(data: EmailData, emailKey: string): Record<string, unknown> {
  const message: Record<string, unknown> = {
    subject: data.subject,
    body: { contentType: data.body.contentType, content: data.body.content },
    toRecipients: data.to.map(toGraphRecipient),
    singleValueExtendedProperties: [{ id: EMAIL_KEY_PROPERTY_ID, value: emailKey }],
  };
  if (data.cc?.length) message.ccRecipients = data.cc.map(toGraphRecipient);
  if (data.bcc?.length) message.bccRecipients = data.bcc.map(toGraphRecipient);
  if (data.replyTo?.length) message.replyTo = data.replyTo.map(toGraphRecipient);
  return message;
}

export const fileAttachment = (a: { name: string; contentType: string }, bytes: Buffer) => ({
  "@odata.type": "#microsoft.graph.fileAttachment",
  name: a.name,
  contentType: a.contentType,
  contentBytes: bytes.toString("base64"),
});

const base64Length = (n: number) => 4 * Math.ceil(n / 3);

/** The first attachment Outlook cannot take, as a FAILED outcome (code attachment_too_large). */
export function attachmentProblem(attachments: readonly ResolvedAttachment[]): EmailFailure | undefined {
  const big = attachments.find((a) => a.size > MAX_ATTACHMENT_BYTES);
  if (!big) return undefined;
  return {
    code: "attachment_too_large",
    reason:
      `data.attachments[${big.index}] (${big.name}): ${big.size} bytes exceeds Outlook's limit of ` +
      `${MAX_ATTACHMENT_BYTES} bytes (150 MB) per attachment`,
  };
}

/**
 * "sendMail" when every attachment fits in one request (total ≤ 3 MB and the request, base64 included, under 4 MB);
 * otherwise "draft": a draft, small files POSTed one by one, files ≥ 3 MB through upload sessions, then /send.
 */
export function deliveryMode(message: Record<string, unknown>, attachments: readonly ResolvedAttachment[]) {
  const total = attachments.reduce((n, a) => n + a.size, 0);
  const request =
    Buffer.byteLength(JSON.stringify({ message, saveToSentItems: true })) +
    attachments.reduce((n, a) => n + base64Length(a.size) + Buffer.byteLength(a.name + a.contentType) + 128, 0);
  return total <= INLINE_ATTACHMENT_LIMIT && request <= MAX_REQUEST_BYTES - REQUEST_MARGIN ? "sendMail" : "draft";
}

/** In a draft: files under 3 MB whose POST stays under 4 MB are POSTed; the others need an upload session. */
export const needsUploadSession = (a: { size: number; name: string; contentType: string }) =>
  a.size >= INLINE_ATTACHMENT_LIMIT ||
  base64Length(a.size) + Buffer.byteLength(a.name + a.contentType) + 128 > MAX_REQUEST_BYTES - REQUEST_MARGIN;

const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/** Whether Exchange could deliver to `address`: local@domain with a dotted domain, within SMTP's length limits. */
export function isDeliverableAddress(address: string): boolean {
  const at = address.lastIndexOf("@");
  if (at <= 0 || address.length > 254) return false;
  const local = address.slice(0, at);
  const labels = address.slice(at + 1).split(".");
  return (
    local.length <= 64 &&
    LOCAL_PART.test(local) &&
    labels.length >= 2 &&
    labels.every((l) => DOMAIN_LABEL.test(l)) &&
    /^\p{L}{2,}$/u.test(labels.at(-1) ?? "")
  );
}

/** The first recipient Exchange could not deliver to, as a FAILED outcome (code ErrorInvalidRecipients, as Graph's). */
export function recipientProblem(data: EmailData): EmailFailure | undefined {
  for (const field of ["to", "cc", "bcc", "replyTo"] as const) {
    for (const [i, r] of (data[field] ?? []).entries()) {
      const address = typeof r === "string" ? r : r.address;
      if (!isDeliverableAddress(address))
        return {
          code: "ErrorInvalidRecipients",
          reason: `data.${field}[${i}]: ${JSON.stringify(address)} is not a deliverable email address`,
        };
    }
  }
  return undefined;
}
