// Mail: sendMail, drafts with attachments and upload sessions (ranged PUTs), /send, and the Sent Items folder.
import { randomUUID } from "node:crypto";
import { PERMS, requireOwnMailbox, requirePerm, type Scoped } from "./access.js";
import type { SimCore } from "./core.js";
import { parseSvepExpand, storeBody } from "./events.js";
import { methodNotAllowed } from "./eventRoutes.js";
import { GraphError, jsonBody, type SimRequest, type SimResponse } from "./http.js";
import { newChangeKey, newItemId } from "./ids.js";
import { pageSize, svepFilter } from "./odata.js";
import type { Mailbox, Store } from "./store.js";
import { graphTimestamp } from "./time.js";
import type { Attachment, Message, Recipient, SentMessage } from "./types.js";

export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
export const MAX_INLINE_ATTACHMENTS_BYTES = 3 * 1024 * 1024;
export const MAX_UPLOAD_BYTES = 150 * 1024 * 1024;
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

const MSG_KEYS = new Set([
  "subject",
  "body",
  "toRecipients",
  "ccRecipients",
  "bccRecipients",
  "replyTo",
  "from",
  "sender",
  "importance",
  "attachments",
  "internetMessageHeaders",
  "singleValueExtendedProperties",
  "isDeliveryReceiptRequested",
  "isReadReceiptRequested",
  "categories",
  "flag",
]);

function recipients(v: unknown, field: string): Recipient[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v))
    throw new GraphError(400, "ErrorInvalidRecipients", `${field} must be an array of recipients.`);
  return (v as { emailAddress?: { address?: unknown; name?: unknown } }[]).map((r, i) => {
    const a = r?.emailAddress?.address;
    if (typeof a !== "string" || !/^[^@\s]+@[^@\s]+$/.test(a))
      throw new GraphError(400, "ErrorInvalidRecipients", `At least one recipient isn't valid (${field}[${i}]).`);
    return {
      emailAddress: { address: a, ...(typeof r.emailAddress?.name === "string" ? { name: r.emailAddress.name } : {}) },
    };
  });
}

function attachment(v: unknown, i: number): Attachment {
  const a = (v ?? {}) as Record<string, unknown>;
  const type = String(a["@odata.type"] ?? "");
  if (!/fileAttachment$/i.test(type))
    throw new GraphError(
      400,
      "BadRequest",
      `attachments[${i}] must be a #microsoft.graph.fileAttachment (got '${type}').`,
    );
  if (typeof a.name !== "string" || !a.name)
    throw new GraphError(400, "BadRequest", `attachments[${i}].name is required.`);
  if (typeof a.contentBytes !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(a.contentBytes))
    throw new GraphError(400, "BadRequest", `attachments[${i}].contentBytes must be base64.`);
  const size = Buffer.from(a.contentBytes, "base64").length;
  return {
    "@odata.type": "#microsoft.graph.fileAttachment",
    id: newItemId(),
    name: a.name,
    contentType: typeof a.contentType === "string" ? a.contentType : "application/octet-stream",
    size,
    isInline: Boolean(a.isInline),
    contentBytes: a.contentBytes,
  };
}

function buildMessage(mb: Mailbox, m: Record<string, unknown>, draft: boolean): Message {
  for (const k of Object.keys(m))
    if (!k.startsWith("@odata.") && !MSG_KEYS.has(k))
      throw new GraphError(
        400,
        "RequestBodyRead",
        `The property '${k}' does not exist on type 'microsoft.graph.message'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
  const atts = Array.isArray(m.attachments) ? (m.attachments as unknown[]).map(attachment) : [];
  if (atts.reduce((n, a) => n + a.size, 0) > MAX_INLINE_ATTACHMENTS_BYTES)
    throw new GraphError(
      413,
      "ErrorRequestEntityTooLarge",
      "The total size of inline attachments exceeds 3 MB; use an upload session on a draft for larger attachments.",
    );
  const headers = m.internetMessageHeaders as { name: string; value: string }[] | undefined;
  if (headers !== undefined) {
    if (!Array.isArray(headers) || headers.some((h) => typeof h?.name !== "string" || typeof h.value !== "string"))
      throw new GraphError(
        400,
        "InvalidInternetMessageHeader",
        "internetMessageHeaders must be name/value string pairs.",
      );
    const badName = headers.find((h) => !/^x-/i.test(h.name));
    if (badName)
      throw new GraphError(
        400,
        "InvalidInternetMessageHeader",
        `The internet message header name '${badName.name}' should start with 'x-' or 'X-'.`,
      );
  }
  const now = Date.now();
  const me = { emailAddress: { name: mb.displayName, address: mb.mail } };
  const msg: Message = {
    id: newItemId(),
    createdDateTime: graphTimestamp(now),
    lastModifiedDateTime: graphTimestamp(now),
    changeKey: newChangeKey(),
    subject: typeof m.subject === "string" ? m.subject : "",
    body: storeBody(m.body ?? { contentType: "text", content: "" }),
    from: me,
    sender: me,
    toRecipients: recipients(m.toRecipients, "toRecipients"),
    ccRecipients: recipients(m.ccRecipients, "ccRecipients"),
    bccRecipients: recipients(m.bccRecipients, "bccRecipients"),
    replyTo: recipients(m.replyTo, "replyTo"),
    internetMessageId: `<${randomUUID().replace(/-/g, "").toUpperCase()}@${mb.mail.split("@")[1] ?? "contoso.test"}>`,
    isDraft: draft,
    hasAttachments: atts.length > 0,
    importance: typeof m.importance === "string" ? m.importance : "normal",
    sentDateTime: null,
    attachments: atts,
  };
  if (headers) msg.internetMessageHeaders = headers;
  if (Array.isArray(m.singleValueExtendedProperties))
    msg.singleValueExtendedProperties = m.singleValueExtendedProperties as { id: string; value: string }[];
  return msg;
}

function deliver(store: Store, mb: Mailbox, msg: Message, saved: boolean, via: SentMessage["via"]): SentMessage {
  if (msg.toRecipients.length + msg.ccRecipients.length + msg.bccRecipients.length === 0)
    throw new GraphError(
      400,
      "ErrorInvalidRecipients",
      "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
    );
  const sent: SentMessage = {
    ...structuredClone(msg),
    isDraft: false,
    sentDateTime: new Date().toISOString().slice(0, 19) + "Z",
    savedToSentItems: saved,
    via,
  };
  mb.sent.push(sent);
  void store;
  return sent;
}

function parseSave(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  throw new GraphError(
    400,
    "BadRequest",
    `Invalid value for saveToSentItems: ${JSON.stringify(v)} (boolean expected).`,
  );
}

export function renderMessage(m: Message, expandAttachments = false, expandSvep?: string[]): Record<string, unknown> {
  const { attachments, singleValueExtendedProperties, ...rest } = structuredClone(m);
  const out: Record<string, unknown> = { "@odata.etag": `W/"${m.changeKey}"`, ...rest };
  if (expandSvep) {
    const want = expandSvep.map((x) => x.toLowerCase());
    const props = (singleValueExtendedProperties ?? []).filter(
      (p) => want.length === 0 || want.includes(p.id.toLowerCase()),
    );
    if (props.length) out.singleValueExtendedProperties = props;
  }
  if ("savedToSentItems" in out) delete out.savedToSentItems;
  if ("via" in out) delete out.via;
  if (expandAttachments) out.attachments = attachments;
  return out;
}

interface UploadSession {
  token: string;
  mailboxId: string;
  messageId: string;
  name: string;
  contentType: string;
  isInline: boolean;
  size: number;
  received: number;
  chunks: Buffer[];
  expires: number;
}

/** Upload sessions for large attachments; the upload URL needs no Authorization header (as Graph). */
export class Uploads {
  private sessions = new Map<string, UploadSession>();
  constructor(private readonly core: () => SimCore) {}

  create(mb: Mailbox, msg: Message, b: Record<string, unknown>): SimResponse {
    const item = (b.AttachmentItem ?? b.attachmentItem) as Record<string, unknown> | undefined;
    if (!item) throw new GraphError(400, "BadRequest", "AttachmentItem is required.");
    if (item.attachmentType !== undefined && item.attachmentType !== "file")
      throw new GraphError(400, "BadRequest", "Only attachmentType 'file' is supported.");
    if (typeof item.name !== "string" || !item.name)
      throw new GraphError(400, "BadRequest", "AttachmentItem.name is required.");
    const size = Number(item.size);
    if (!Number.isInteger(size) || size <= 0)
      throw new GraphError(400, "BadRequest", "AttachmentItem.size must be a positive integer.");
    if (size > MAX_UPLOAD_BYTES)
      throw new GraphError(
        400,
        "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
        `The attachment size ${size} exceeds the maximum of 150 MB.`,
      );
    const token = randomUUID().replace(/-/g, "") + randomUUID().replace(/-/g, "");
    const expires = Date.now() + 24 * 3600_000;
    this.sessions.set(token, {
      token,
      mailboxId: mb.id,
      messageId: msg.id,
      name: item.name,
      contentType: typeof item.contentType === "string" ? item.contentType : "application/octet-stream",
      isInline: Boolean(item.isInline),
      size,
      received: 0,
      chunks: [],
      expires,
    });
    return {
      status: 201,
      body: {
        "@odata.context": `${this.core().graphUrl}/$metadata#microsoft.graph.uploadSession`,
        uploadUrl: `${this.core().baseUrl}/upload/attachments/${token}`,
        expirationDateTime: new Date(expires).toISOString(),
        nextExpectedRanges: ["0-"],
      },
    };
  }

  /** PUT <uploadUrl> with Content-Range: bytes a-b/total. */
  put(token: string, headers: Record<string, string>, body: Buffer, method: string): SimResponse {
    const s = this.sessions.get(token);
    if (!s || s.expires < Date.now())
      return {
        status: 404,
        body: { error: { code: "ErrorItemNotFound", message: "The upload session was not found or has expired." } },
      };
    if (method === "DELETE") {
      this.sessions.delete(token);
      return { status: 204 };
    }
    if (method !== "PUT") return { status: 405, body: { error: { code: "MethodNotAllowed", message: "Use PUT." } } };
    const cr = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headers["content-range"] ?? "");
    const bad = (msg: string) => ({ status: 400, body: { error: { code: "InvalidContentRange", message: msg } } });
    if (!cr) return bad("Content-Range header is required: bytes {start}-{end}/{total}.");
    const [a, z, total] = [Number(cr[1]), Number(cr[2]), Number(cr[3])];
    if (total !== s.size) return bad(`The total ${total} does not match the session size ${s.size}.`);
    if (a !== s.received) return bad(`Unexpected range start ${a}; next expected range is ${s.received}-.`);
    if (z < a || z >= s.size) return bad("The range end is invalid.");
    if (body.length !== z - a + 1)
      return bad(`The body length ${body.length} does not match the Content-Range (${z - a + 1} bytes).`);
    if (body.length > MAX_CHUNK_BYTES)
      return {
        status: 413,
        body: { error: { code: "RequestEntityTooLarge", message: "A single upload request must be less than 4 MB." } },
      };
    s.chunks.push(body);
    s.received = z + 1;
    if (s.received < s.size)
      return {
        status: 200,
        body: { expirationDateTime: new Date(s.expires).toISOString(), nextExpectedRanges: [`${s.received}-`] },
      };
    this.sessions.delete(token);
    const mb = this.core().store.mailboxes.get(s.mailboxId);
    const msg = mb?.messages.get(s.messageId);
    if (!mb || !msg)
      return {
        status: 404,
        body: { error: { code: "ErrorItemNotFound", message: "The draft message no longer exists." } },
      };
    const att: Attachment = {
      "@odata.type": "#microsoft.graph.fileAttachment",
      id: newItemId(),
      name: s.name,
      contentType: s.contentType,
      size: s.size,
      isInline: s.isInline,
      contentBytes: Buffer.concat(s.chunks).toString("base64"),
    };
    msg.attachments.push(att);
    msg.hasAttachments = true;
    return {
      status: 201,
      headers: { location: `${this.core().graphUrl}/users('${mb.id}')/messages('${msg.id}')/attachments('${att.id}')` },
    };
  }
}

export async function mailRoutes(core: SimCore, req: SimRequest, s: Scoped): Promise<SimResponse | undefined> {
  const p = req.principal!;
  const { mb } = s;
  let m: RegExpExecArray | null;
  if (/^\/sendMail\/?$/i.test(s.rest)) {
    if (req.method !== "POST") throw methodNotAllowed();
    requireOwnMailbox(p, mb);
    requirePerm(p, PERMS.mailSend);
    if (req.body.length > MAX_REQUEST_BYTES)
      throw new GraphError(
        413,
        "RequestEntityTooLarge",
        "The request is larger than 4 MB; use an upload session for large attachments.",
      );
    const b = jsonBody(req);
    if (typeof b.message !== "object" || b.message === null)
      throw new GraphError(400, "ErrorInvalidParameter", "The 'message' parameter is required.");
    const save = parseSave(b.saveToSentItems);
    deliver(core.store, mb, buildMessage(mb, b.message as Record<string, unknown>, false), save, "sendMail");
    return { status: 202 };
  }
  if (/^\/messages\/?$/i.test(s.rest)) {
    requireOwnMailbox(p, mb);
    if (req.method === "POST") {
      requirePerm(p, PERMS.mailWrite);
      if (req.body.length > MAX_REQUEST_BYTES)
        throw new GraphError(413, "RequestEntityTooLarge", "The request is larger than 4 MB.");
      const msg = buildMessage(mb, jsonBody(req), true);
      mb.messages.set(msg.id, msg);
      return {
        status: 201,
        body: {
          "@odata.context": `${core.graphUrl}/$metadata#users('${mb.id}')/messages/$entity`,
          ...renderMessage(msg),
        },
      };
    }
    if (req.method === "GET") {
      requirePerm(p, PERMS.mailRead);
      return listMessages(core, req, s, [...mb.messages.values(), ...mb.sent.filter((x) => x.savedToSentItems)]);
    }
    throw methodNotAllowed();
  }
  if (/^\/mailFolders\/(sentitems|'sentitems'|\('sentitems'\))\/messages\/?$/i.test(s.rest)) {
    requireOwnMailbox(p, mb);
    if (req.method !== "GET") throw methodNotAllowed();
    requirePerm(p, PERMS.mailRead);
    return listMessages(
      core,
      req,
      s,
      mb.sent.filter((x) => x.savedToSentItems),
    );
  }
  if ((m = /^\/messages\/([^/]+)(\/.*)?$/i.exec(s.rest))) {
    requireOwnMailbox(p, mb);
    const id = decodeURIComponent(m[1]!);
    const tail = m[2] ?? "";
    const draft = mb.messages.get(id);
    const sent = mb.sent.find((x) => x.id === id && x.savedToSentItems);
    const msg = draft ?? sent;
    if (!msg) throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    if (tail === "" || tail === "/") {
      if (req.method === "GET") {
        requirePerm(p, PERMS.mailRead);
        return {
          status: 200,
          body: renderMessage(
            msg,
            /attachments/i.test(req.query.get("$expand") ?? ""),
            parseSvepExpand(req.query.get("$expand")),
          ),
        };
      }
      if (req.method === "DELETE") {
        requirePerm(p, PERMS.mailWrite);
        mb.messages.delete(id);
        return { status: 204 };
      }
      throw methodNotAllowed();
    }
    if (/^\/send\/?$/i.test(tail)) {
      if (req.method !== "POST") throw methodNotAllowed();
      requirePerm(p, PERMS.mailSend);
      if (!draft) throw new GraphError(400, "ErrorInvalidOperation", "Only draft messages can be sent.");
      deliver(core.store, mb, draft, true, "draft");
      mb.messages.delete(id);
      return { status: 202 };
    }
    if (/^\/attachments\/createUploadSession\/?$/i.test(tail)) {
      if (req.method !== "POST") throw methodNotAllowed();
      requirePerm(p, PERMS.mailWrite);
      if (!draft) throw new GraphError(400, "ErrorInvalidOperation", "Attachments can only be added to drafts.");
      return core.uploads.create(mb, draft, jsonBody(req));
    }
    if (/^\/attachments\/?$/i.test(tail)) {
      if (req.method === "GET") {
        requirePerm(p, PERMS.mailRead);
        return { status: 200, body: { value: msg.attachments } };
      }
      if (req.method === "POST") {
        requirePerm(p, PERMS.mailWrite);
        if (!draft) throw new GraphError(400, "ErrorInvalidOperation", "Attachments can only be added to drafts.");
        if (req.body.length > MAX_REQUEST_BYTES)
          throw new GraphError(413, "RequestEntityTooLarge", "The request is larger than 4 MB; use an upload session.");
        const a = attachment(jsonBody(req), 0);
        if (a.size > MAX_INLINE_ATTACHMENTS_BYTES)
          throw new GraphError(413, "ErrorRequestEntityTooLarge", "Attachments over 3 MB need an upload session.");
        draft.attachments.push(a);
        draft.hasAttachments = true;
        return { status: 201, body: a };
      }
      throw methodNotAllowed();
    }
  }
  return undefined;
}

function listMessages(core: SimCore, req: SimRequest, s: Scoped, all: Message[]): SimResponse {
  const filter = req.query.get("$filter");
  let list = all;
  if (filter) {
    const f = svepFilter(filter);
    const im = /^internetMessageId\s+eq\s+'((?:[^']|'')*)'$/i.exec(filter.trim());
    if (f) list = list.filter((x) => f(x.singleValueExtendedProperties));
    else if (im) list = list.filter((x) => x.internetMessageId === im[1]!.replace(/''/g, "'"));
    else if (/internetMessageHeaders/i.test(filter))
      throw new GraphError(
        400,
        "ErrorInvalidProperty",
        "The property 'InternetMessageHeaders' does not support filtering.",
      );
    else
      throw new GraphError(
        400,
        "ErrorInvalidUrlQueryFilter",
        `The simulator supports $filter on singleValueExtendedProperties/any(...) and internetMessageId eq '…' only; got: ${filter}`,
      );
  }
  const { size } = pageSize(req, core.opts.defaultPageSize);
  const skip = Number(req.query.get("$skip") ?? "0") || 0;
  const body: Record<string, unknown> = {
    "@odata.context": `${core.graphUrl}/$metadata#users('${s.mb.id}')/messages`,
    value: list.slice(skip, skip + size).map((x) => renderMessage(x, false, parseSvepExpand(req.query.get("$expand")))),
  };
  if (skip + size < list.length) {
    const q = new URLSearchParams(req.query);
    q.set("$skip", String(skip + size));
    body["@odata.nextLink"] = `${core.graphUrl}/${s.prefix}${s.rest}?${q.toString()}`;
  }
  return { status: 200, body };
}
