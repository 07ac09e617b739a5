// Deterministic Service Bus MessageIds (idempotency keys), so broker duplicate detection drops re-sends.
import { createHash } from "node:crypto";
import type { InboundMessage } from "./inboundMessage.js";
import type { PullMessage } from "./pullMessage.js";
import type { PushMessage } from "./pushMessage.js";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** JSON with object keys sorted at every level, so equal content always gives equal bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** `<prefix>-<sha256 of the canonical body>` (≤ 128 chars, Service Bus' MessageId limit). */
export const contentMessageId = (prefix: string, value: unknown) => `${prefix}-${sha256(canonicalJson(value))}`;

/** An email is keyed by (user, messageKey): the ERP re-sending the same email is dropped even if a field changed. */
export function pushMessageId(message: PushMessage): string {
  if (message.kind === "email") return `email-${sha256(`${message.user}\n${message.messageKey}`)}`;
  return contentMessageId("push", message);
}

/**
 * `version` (e.g. the Outlook changeKey the message was read at) tells apart two sends of identical content that
 * are different changes (an event edited A → B → A): without it the last A would be dropped as a duplicate.
 */
export const inboundMessageId = (message: InboundMessage, version?: string) =>
  contentMessageId("inbound", version === undefined ? message : { message, version });

export interface NotificationKeyInput {
  subscriptionId: string;
  changeType: string;
  resource: string;
  /** The notification's `resourceData.@odata.etag`; present for events and tasks, changes on every change. */
  etag?: string | undefined;
  /** When the webhook received it; used only when there is no etag. */
  receivedAt: Date;
  /** Width of the time bucket used without an etag (default 60 s). */
  bucketMs?: number;
}

/**
 * PULL message id for a Graph change notification. Graph redelivers a notification it thinks failed and may send
 * duplicates; those carry the same subscription, change type, resource and etag, so they collapse. Without an etag
 * the key falls back to a time bucket: repeats within the bucket collapse (the delta read they trigger covers them).
 */
export function notificationMessageId(n: NotificationKeyInput): string {
  const discriminator = n.etag ?? `t${Math.floor(n.receivedAt.getTime() / (n.bucketMs ?? 60_000))}`;
  return `pull-${sha256([n.subscriptionId, n.changeType, n.resource, discriminator].join("\n"))}`;
}

/** Non-notification PULL messages (RESYNC fan-out, LIFECYCLE): keyed by content plus a run id (e.g. the date). */
export const pullMessageId = (message: PullMessage, runId: string) => contentMessageId("pull", { message, runId });
