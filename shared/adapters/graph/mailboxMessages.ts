// Graph calls for tagged mail: search by our extended property, attachments, one ranged upload PUT — through the
// gateway's own GraphHttp (token, retry bound, per-mailbox permits, error mapping).
import * as z from "zod";
import { PermanentError } from "../../domain/errors.js";
import type { GraphGateway } from "./graphGateway.js";
import { query, seg } from "./graphHttp.js";
import { mapGraphError, mapGraphHttpFailure } from "./mapGraphError.js";
import { parseGraph } from "./parseGraph.js";
import { TRY_ONCE } from "./retryAfterHandler.js";
import { EMAIL_KEY_PROPERTY_ID } from "../../domain/email/emailPlan.js";

const foundSchema = z.looseObject({
  value: z.array(z.looseObject({ id: z.string().min(1), isDraft: z.boolean().optional() })),
});
const attachmentsSchema = z.looseObject({
  value: z.array(z.looseObject({ name: z.string().nullable().optional(), size: z.number().optional() })),
});

const user = (mailbox: string) => `/users/${seg(mailbox)}`;
const quote = (v: string) => v.replace(/'/g, "''");

export interface TaggedMessage {
  id: string;
  isDraft: boolean;
}

/** Messages (any folder: Drafts, Sent Items…) tagged with `emailKey` — Graph's documented extended-property filter. */
export async function findTaggedMessages(graph: GraphGateway, mailbox: string, emailKey: string) {
  const filter =
    `singleValueExtendedProperties/any(ep: ep/id eq '${quote(EMAIL_KEY_PROPERTY_ID)}' ` +
    `and ep/value eq '${quote(emailKey)}')`;
  const path = `${user(mailbox)}/messages${query({ $filter: filter, $select: "id,isDraft", $top: 10 })}`;
  const res = await graph.http.send(mailbox, { method: "GET", path });
  const body = parseGraph(foundSchema, res.body, "message collection");
  return body.value.map((m): TaggedMessage => ({ id: m.id, isDraft: m.isDraft === true }));
}

/** Name and size of each attachment already on a message (a draft a previous attempt left). */
export async function listAttachments(graph: GraphGateway, mailbox: string, messageId: string) {
  const path = `${user(mailbox)}/messages/${seg(messageId)}/attachments${query({ $select: "name,size" })}`;
  const res = await graph.http.send(mailbox, { method: "GET", path });
  return parseGraph(attachmentsSchema, res.body, "attachment collection").value.map((a) => ({
    name: a.name ?? "",
    size: a.size ?? -1,
  }));
}

/** POST one file attachment (< 3 MB) to a draft. Tried once: a re-POST after a 503 could attach the file twice. */
export async function addAttachment(
  graph: GraphGateway,
  mailbox: string,
  messageId: string,
  attachment: Record<string, unknown>,
): Promise<void> {
  const path = `${user(mailbox)}/messages/${seg(messageId)}/attachments`;
  await graph.http.send(mailbox, { method: "POST", path, body: attachment, retry: TRY_ONCE });
}

/** Deletes a message (a draft left by a mail that failed for good); already gone is fine. */
export async function deleteMessage(graph: GraphGateway, mailbox: string, messageId: string): Promise<void> {
  const res = await graph.http.sendRaw(mailbox, {
    method: "DELETE",
    path: `${user(mailbox)}/messages/${seg(messageId)}`,
  });
  if (res.status !== 404 && (res.status < 200 || res.status >= 300)) throw mapGraphHttpFailure(res);
}

/**
 * PUTs bytes [start, start + chunk.length) of a `total`-byte file to an upload session (no Authorization header: the
 * URL carries its own token). Lets the caller read the file range by range instead of holding 150 MB in memory.
 */
export async function uploadRange(
  graph: GraphGateway,
  mailbox: string,
  uploadUrl: string,
  chunk: Uint8Array,
  start: number,
  total: number,
): Promise<void> {
  if (!/^https:\/\//i.test(uploadUrl)) throw new PermanentError("invalid_upload_url", "upload URL must be https");
  const end = Math.max(start, start + chunk.length - 1);
  const res = await graph.http.limiter
    .run(mailbox, () =>
      fetch(uploadUrl, {
        method: "PUT",
        headers: {
          "Content-Type": "application/octet-stream",
          "Content-Length": String(chunk.length),
          "Content-Range": `bytes ${start}-${end}/${total}`,
        },
        body: chunk,
        signal: AbortSignal.timeout(120_000),
      }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.text() })),
    )
    .catch((error: unknown) => {
      throw mapGraphError(error);
    });
  if (res.status < 200 || res.status >= 300) {
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      body = undefined;
    }
    throw mapGraphHttpFailure({ status: res.status, headers: res.headers, body });
  }
}
