// Use case: PUSH email SEND → one mail from the user's own mailbox, exactly once, and a SENT/FAILED outcome to the ERP.
//
// Exactly once: the SentMail row (user, messageKey) goes sending → sent | failed. Every mail/draft carries our key
// as an extended property, so when the row says "sending" (an earlier attempt may have sent, or left a draft) the
// mailbox is searched first: a sent item → SENT without sending; a draft → it is completed and sent, never a second.
// Throttling (a 429/503: the adapter tries every mail POST once, so it surfaces at once with its Retry-After) and
// Exchange's ~30 mails/min per mailbox become a scheduled copy of the push message (scheduledEnqueueTimeUtc), never a
// sleep in the function; that copy searches the mailbox first, since a 503 or a timeout may follow a send.
import { blobRefProblem } from "../../domain/messages/blobNames.js";
import { AppError, SignInRequiredError, TransientError, toAppError } from "../../domain/errors.js";
import { pushMessageId } from "../../domain/messages/messageIds.js";
import type { PushMessageOf } from "../../domain/messages/pushMessage.js";
import { MailSendLogTable } from "../../adapters/tables/mailSendLogTable.js";
import { SentMailTable, type SentMailRecord } from "../../adapters/tables/sentMailTable.js";
import type { AppDeps } from "../appDeps.js";
import type { DeliveryInfo, HandlerContext } from "../dispatchMessage.js";
import { nextReschedule } from "../../domain/messages/reschedule.js";
import {
  attachmentProblem,
  deliveryMode,
  fileAttachment,
  graphMessage,
  needsUploadSession,
  recipientProblem,
  type EmailFailure,
  type ResolvedAttachment,
} from "../../domain/email/emailPlan.js";
import { emailOutcome } from "./emailOutcome.js";
import { sendInbound } from "../sendInbound.js";
import { onFirstUse } from "../onFirstUse.js";
import { EXCHANGE_SEND_RATE, nextSendSlot, type SendRate } from "../../domain/email/sendSlot.js";

/** The mailbox operations (and the Graph client behind them) load with the first email, not at a cold start. */
const mailboxMessages = onFirstUse(() => import("../../adapters/graph/mailboxMessages.js"));
const graphGateway = onFirstUse(() => import("../../adapters/graph/graphGateway.js"));

export type EmailDeps = Pick<AppDeps, "config" | "now" | "users" | "graph" | "queues" | "blobs">;

export interface EmailStores {
  sent: SentMailTable;
  sendLog: MailSendLogTable;
}

export interface EmailOptions {
  /** Scheduled retries after transient Graph failures before the mail is reported FAILED (default 8). */
  maxTransientRetries?: number;
  rate?: SendRate;
}

type EmailMessage = PushMessageOf<"email">;

const storesByDeps = new WeakMap<object, Promise<EmailStores>>();

/** The email tables for these deps (opened once). */
export function emailStoresFor(deps: Pick<AppDeps, "config">): Promise<EmailStores> {
  let stores = storesByDeps.get(deps.config);
  if (!stores) {
    const options = { ...deps.config.storageConnection, tablePrefix: deps.config.tablePrefix };
    stores = Promise.all([SentMailTable.open(options), MailSendLogTable.open(options)]).then(([sent, sendLog]) => ({
      sent,
      sendLog,
    }));
    storesByDeps.set(deps.config, stores);
    stores.catch(() => storesByDeps.delete(deps.config));
  }
  return stores;
}

/** Delay before a scheduled retry when Graph gave no Retry-After: 10 s, 20 s, 40 s … at most 10 min. */
export const retryBackoffMs = (retry: number) => Math.min(10_000 * 2 ** Math.max(0, retry - 1), 600_000);

/**
 * The next scheduled copy of an email push: the queues' one reschedule scheme (`<push MessageId>-r<n>`, counted by the
 * copy's `rescheduleCount` property), so the dispatcher and the email use case never mint two ids for one attempt.
 */
export const emailReschedule = (message: EmailMessage, delivery: Pick<DeliveryInfo, "rescheduleCount">) =>
  nextReschedule(pushMessageId(message), delivery.rescheduleCount);

const SCHEDULE_MARGIN_MS = 500;

export async function handleEmailPush(
  deps: EmailDeps,
  message: EmailMessage,
  ctx: HandlerContext,
  stores?: EmailStores,
  options: EmailOptions = {},
): Promise<void> {
  const s = stores ?? (await emailStoresFor(deps));
  const { user, messageKey } = message;
  const emailKey = pushMessageId(message);
  const rate = options.rate ?? EXCHANGE_SEND_RATE;
  const nowIso = () => deps.now().toISOString();
  const log = (text: string) => ctx.log.log(`email ${messageKey} (${user}): ${text}`);

  const publish = async (record: SentMailRecord | undefined) => {
    if (!record || record.state === "sending") return;
    await sendInbound(deps, [{ message: emailOutcome(message, record) }]);
    await s.sent.update(user, messageKey, (cur) =>
      cur && !cur.outcomePublished ? { ...cur, outcomePublished: true } : undefined,
    );
  };

  const blank = (mailbox: string): SentMailRecord => ({
    messageKey,
    mailbox,
    state: "sending",
    attempts: 0,
    transientRetries: 0,
    outcomePublished: false,
    updatedAt: nowIso(),
  });

  /** Final FAILED (unless the row already reached a final state: then that one is answered). */
  const fail = async (failure: EmailFailure, mailbox: string) => {
    ctx.log.warn(`email ${messageKey} (${user}): FAILED ${failure.code}: ${failure.reason}`);
    const record = await s.sent.update(user, messageKey, (cur) =>
      cur && cur.state !== "sending"
        ? undefined
        : { ...(cur ?? blank(mailbox)), state: "failed", ...failure, updatedAt: nowIso() },
    );
    await publish(record);
  };

  const succeed = async (mailbox: string, graphMessageId: string | undefined) => {
    log(`sent${graphMessageId ? ` (Graph message ${graphMessageId})` : ""}`);
    const record = await s.sent.update(user, messageKey, (cur) =>
      cur && cur.state !== "sending"
        ? undefined
        : {
            ...(cur ?? blank(mailbox)),
            state: "sent",
            sentAt: nowIso(),
            ...(graphMessageId ? { graphMessageId } : {}),
            code: undefined,
            reason: undefined,
            updatedAt: nowIso(),
          },
    );
    await publish(record);
  };

  const scheduleCopy = async (at: number, why: string) => {
    const { messageId, properties } = emailReschedule(message, ctx.delivery);
    await deps.queues.send(deps.config.pushQueue, message, {
      sessionId: user,
      messageId,
      scheduledEnqueueTimeUtc: new Date(at),
      applicationProperties: { ...ctx.delivery.applicationProperties, ...properties },
    });
    ctx.log.warn(`email ${messageKey} (${user}): ${why}; scheduled ${messageId} for ${new Date(at).toISOString()}`);
  };

  // 1. Already answered?
  const existing = await s.sent.get(user, messageKey);
  if (existing && existing.state !== "sending") {
    if (existing.outcomePublished) log(`already ${existing.state}; nothing to do`);
    else await publish(existing);
    return;
  }

  // 2. A previous attempt may have sent (or left a draft): look before anything else.
  let leftoverDraft: string | undefined;
  if (existing) {
    const tagged = await (await mailboxMessages()).findTaggedMessages(deps.graph, existing.mailbox, emailKey);
    const sentItem = tagged.find((m) => !m.isDraft);
    if (sentItem) {
      log("a previous attempt already sent it; recording SENT without sending again");
      return succeed(existing.mailbox, sentItem.id);
    }
    // Only a draft Graph still shows is reused (a recorded draftId that search no longer finds may have been sent).
    leftoverDraft = tagged.find((m) => m.isDraft)?.id;
  }

  // 3. The user.
  const lookup = await deps.users.getUser(user);
  const knownMailbox = existing?.mailbox ?? "";
  if (!lookup) return fail({ code: "user_unknown", reason: `user ${user} is not in the Users table` }, knownMailbox);
  if (!lookup.valid)
    return fail(
      { code: "user_invalid", reason: `the Users row of ${user} is invalid: ${lookup.invalid.lastError}` },
      knownMailbox,
    );
  if (!lookup.user.emails) return fail({ code: "emails_disabled", reason: "emails disabled for user" }, knownMailbox);
  const mailbox = existing?.mailbox || lookup.user.mailbox;

  const badRecipient = recipientProblem(message.data);
  if (badRecipient) return fail(badRecipient, mailbox);

  // 4. The attachments (claim checks resolved to sizes; bytes are read only when sent).
  const resolved = await resolveAttachments(deps, message);
  if ("code" in resolved) return fail(resolved, mailbox);
  const attachments = resolved.attachments;
  const tooLarge = attachmentProblem(attachments);
  if (tooLarge) return fail(tooLarge, mailbox);

  // 5. Exchange's per-mailbox rate: send now, or reserve the next free slot and come back then.
  const now = deps.now().getTime();
  const entries = await s.sendLog.list(mailbox);
  const stale = entries.filter((e) => e.at < now - 2 * rate.windowMs && e.key !== emailKey).map((e) => e.key);
  if (stale.length) await s.sendLog.prune(mailbox, stale);
  const others = entries.filter((e) => e.key !== emailKey && e.at > now - rate.windowMs).map((e) => e.at);
  const slot = nextSendSlot(others, now, rate);
  if (slot > now) {
    await s.sendLog.set(mailbox, emailKey, slot);
    return scheduleCopy(
      slot + SCHEDULE_MARGIN_MS,
      `mailbox ${mailbox} is at ${rate.limit} mails per ${rate.windowMs / 1000} s`,
    );
  }
  await s.sendLog.set(mailbox, emailKey, now);

  // 6. Record the attempt before Graph sees it.
  const base = graphMessage(message.data, emailKey);
  const mode = leftoverDraft ? "draft" : deliveryMode(base, attachments);
  const attempt = await s.sent.update(user, messageKey, (cur) => ({
    ...(cur ?? blank(mailbox)),
    mailbox,
    state: "sending",
    mode,
    attempts: (cur?.attempts ?? 0) + 1,
    updatedAt: nowIso(),
  }));

  // 7. Send.
  try {
    if (mode === "sendMail") {
      const inline = [];
      for (const a of attachments) inline.push(fileAttachment(a, await bytesOf(deps, a, 0, a.size)));
      await deps.graph.sendMail(mailbox, inline.length ? { ...base, attachments: inline } : base, {
        saveToSentItems: true,
      });
    } else {
      const draftId =
        leftoverDraft ??
        (await (async () => {
          const draft = await deps.graph.createDraft(mailbox, base);
          await s.sent.update(user, messageKey, (cur) => (cur ? { ...cur, draftId: draft.id } : undefined));
          return draft.id;
        })());
      if (leftoverDraft) log(`completing and sending the draft a previous attempt left (${leftoverDraft})`);
      await completeDraft(deps, mailbox, draftId, attachments, leftoverDraft !== undefined);
      await deps.graph.sendDraft(mailbox, draftId);
    }
  } catch (error) {
    // Only our own error kinds are decided here; anything else (a bug, a crash) goes back to the broker.
    if (!(error instanceof AppError)) throw error;
    const e = error;
    // Delegated mode, the user must sign in: the dispatcher holds the message until they do (not a FAILED email).
    if (e instanceof SignInRequiredError) throw e;
    if (e instanceof TransientError) {
      const retries = (attempt?.transientRetries ?? 0) + 1;
      const max = options.maxTransientRetries ?? 8;
      if (retries > max)
        return fail(
          { code: e.code, reason: `Graph kept failing (${e.message}); gave up after ${max} retries` },
          mailbox,
        );
      await s.sent.update(user, messageKey, (cur) => (cur ? { ...cur, transientRetries: retries } : undefined));
      return scheduleCopy(
        deps.now().getTime() + (e.retryAfterMs ?? retryBackoffMs(retries)),
        `Graph answered ${e.code} (${e.message})`,
      );
    }
    const draftId = leftoverDraft ?? (await s.sent.get(user, messageKey))?.draftId;
    if (draftId)
      await mailboxMessages()
        .then((m) => m.deleteMessage(deps.graph, mailbox, draftId))
        .catch(() => undefined);
    return fail(failureOf(e, mode), mailbox);
  }

  // 8. The sent item's id, when Graph already shows it (best effort: sendMail and /send return none).
  let sentId: string | undefined;
  try {
    const { findTaggedMessages } = await mailboxMessages();
    sentId = (await findTaggedMessages(deps.graph, mailbox, emailKey)).find((m) => !m.isDraft)?.id;
  } catch (error) {
    log(`sent; its Graph id is not known (${toAppError(error).code})`);
  }
  await succeed(mailbox, sentId);
}

/** What the ERP reads for a permanent Graph failure. */
function failureOf(e: AppError, mode: string): EmailFailure {
  if (e.kind === "auth")
    return {
      code: e.code,
      reason:
        `Graph refused access (${e.message}). The app needs Mail.Send` +
        (mode === "draft" ? " and Mail.ReadWrite (drafts and attachments over 3 MB)" : "") +
        " for this mailbox.",
    };
  return { code: e.code, reason: e.message };
}

async function resolveAttachments(
  deps: EmailDeps,
  message: EmailMessage,
): Promise<{ attachments: ResolvedAttachment[] } | EmailFailure> {
  const out: ResolvedAttachment[] = [];
  for (const [index, a] of (message.data.attachments ?? []).entries()) {
    const where = `data.attachments[${index}] (${a.name})`;
    if ("contentBytes" in a) {
      const bytes = Buffer.from(a.contentBytes, "base64");
      out.push({
        index,
        name: a.name,
        contentType: a.contentType,
        size: bytes.length,
        source: { kind: "inline", bytes },
      });
      continue;
    }
    const badRef = blobRefProblem(a.blob);
    if (badRef)
      return {
        code: "invalid_blob_reference",
        reason: `data.attachments[${index}].blob.${badRef.field}: ${badRef.problem} (${a.name})`,
      };
    const container = a.blob.container ?? deps.blobs.defaultContainer;
    let info;
    try {
      info = await deps.blobs.stat({ container, name: a.blob.name });
    } catch (error) {
      const e = toAppError(error);
      if (e.kind === "transient") throw e;
      return { code: e.code, reason: `${where}: ${e.message}` };
    }
    if (!info) return { code: "blob_not_found", reason: `${where}: blob ${container}/${a.blob.name} not found` };
    if (a.size !== undefined && a.size !== info.size)
      return {
        code: "attachment_size_mismatch",
        reason: `${where}: the message says ${a.size} bytes, blob ${container}/${a.blob.name} has ${info.size}`,
      };
    out.push({
      index,
      name: a.name,
      contentType: a.contentType,
      size: info.size,
      source: { kind: "blob", container, name: a.blob.name },
    });
  }
  return { attachments: out };
}

function bytesOf(deps: EmailDeps, a: ResolvedAttachment, offset: number, count: number): Promise<Buffer> {
  if (a.source.kind === "inline") return Promise.resolve(a.source.bytes.subarray(offset, offset + count));
  return deps.blobs.readRange({ container: a.source.container, name: a.source.name }, offset, count);
}

/** Adds the attachments a draft lacks: small ones by POST, large ones through an upload session, range by range. */
async function completeDraft(
  deps: EmailDeps,
  mailbox: string,
  draftId: string,
  attachments: readonly ResolvedAttachment[],
  reused: boolean,
): Promise<void> {
  const [{ addAttachment, listAttachments, uploadRange }, { UPLOAD_CHUNK_BYTES }] = await Promise.all([
    mailboxMessages(),
    graphGateway(),
  ]);
  const present = reused ? await listAttachments(deps.graph, mailbox, draftId) : [];
  for (const a of attachments) {
    // By name: Graph's attachment `size` need not equal the file's byte count. An upload session's attachment only
    // appears once its last range arrived, so a name present means that file is complete.
    const i = present.findIndex((p) => p.name === a.name);
    if (i >= 0) {
      present.splice(i, 1);
      continue;
    }
    if (!needsUploadSession(a)) {
      await addAttachment(deps.graph, mailbox, draftId, fileAttachment(a, await bytesOf(deps, a, 0, a.size)));
      continue;
    }
    const session = await deps.graph.createUploadSession(mailbox, draftId, {
      name: a.name,
      size: a.size,
      contentType: a.contentType,
    });
    for (let start = 0; start < a.size; start += UPLOAD_CHUNK_BYTES) {
      const count = Math.min(UPLOAD_CHUNK_BYTES, a.size - start);
      await uploadRange(deps.graph, mailbox, session.uploadUrl, await bytesOf(deps, a, start, count), start, a.size);
    }
  }
}
