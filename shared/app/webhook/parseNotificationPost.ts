// Parses the body Graph POSTs to the webhook (a notification collection); a bad body gives a reason naming the field.
import * as z from "zod";
import {
  changeNotificationSchema,
  lifecycleNotificationSchema,
  type ChangeNotification,
  type LifecycleNotification,
} from "../../adapters/graph/schemas.js";

export type PostedNotification = ChangeNotification | LifecycleNotification;

/**
 * Caps on one anonymous POST, so a stranger cannot make the webhook parse megabytes or issue thousands of table reads.
 * Graph batches several notifications into one POST, but a change notification without resource data is under 1 KB:
 * the caps are far above what Graph sends. Past a cap the answer is 413 (body) or 400 (value) and nothing is read.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
/** At most this many items in `value`. */
export const MAX_NOTIFICATIONS = 1_000;
/** At most this many distinct subscription ids per POST: each costs one point read of the Subscriptions table. */
export const MAX_SUBSCRIPTIONS_PER_POST = 100;

/** An item of `value` that is not a notification: dropped on its own (the others of the post go on). */
export interface DroppedItem {
  index: number;
  /** The item's subscriptionId when it has a string one (for the log), else undefined. */
  subscriptionId: string | undefined;
  /** Names the field, e.g. `value[1].changeType: …`. */
  reason: string;
}

export type ParsedPost =
  | { ok: true; notifications: PostedNotification[]; dropped: DroppedItem[] }
  /** `status`: 413 for a body over MAX_BODY_BYTES, else 400. */
  | { ok: false; status: 400 | 413; reason: string };

const pathText = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (out, p) => (typeof p === "number" ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)),
    "",
  ) || "body";

/** The envelope: a JSON object with a `value` array. Its items are screened one by one (screenItem). */
const envelopeSchema = z.looseObject({
  value: z.array(z.unknown(), { error: "expected an array of notifications" }),
  validationTokens: z.array(z.string()).optional(),
});

/** One item of `value`, checked with the schema it claims to follow (lifecycle or change notification). */
function screenItem(item: unknown, index: number): { ok: true; item: PostedNotification } | DroppedItem {
  if (item === null || typeof item !== "object" || Array.isArray(item))
    return { index, subscriptionId: undefined, reason: `value[${index}]: expected a notification object` };
  const schema = "lifecycleEvent" in item ? lifecycleNotificationSchema : changeNotificationSchema;
  const parsed = schema.safeParse(item);
  if (parsed.success) return { ok: true, item: parsed.data };
  const sub = (item as { subscriptionId?: unknown }).subscriptionId;
  const reasons = parsed.error.issues.map((i) => `${pathText(["value", index, ...i.path])}: ${i.message}`);
  return {
    index,
    subscriptionId: typeof sub === "string" && sub !== "" ? sub : undefined,
    reason: [...new Set(reasons)].slice(0, 3).join("; "),
  };
}

const bad = (reason: string): ParsedPost => ({ ok: false, status: 400, reason });

/** A post Graph would never send: a body over MAX_BODY_BYTES (by the Content-Length the client declared, if any). */
export function bodyTooLarge(bytes: number): ParsedPost {
  return { ok: false, status: 413, reason: `body: ${bytes} bytes exceeds the limit of ${MAX_BODY_BYTES} bytes` };
}

/** A 400 reason naming `value` when a post names more than MAX_SUBSCRIPTIONS_PER_POST distinct subscriptions. */
export function checkSubscriptionCount(notifications: readonly { subscriptionId: string }[]): string | undefined {
  const distinct = new Set(notifications.map((n) => n.subscriptionId)).size;
  return distinct > MAX_SUBSCRIPTIONS_PER_POST
    ? `value: notifications for ${distinct} distinct subscriptions exceed the limit of ${MAX_SUBSCRIPTIONS_PER_POST} per post`
    : undefined;
}

/** Parses and checks a posted body against the caps above; a failure names the field (body or value[i].…). */
export function parseNotificationPost(text: string): ParsedPost {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_BODY_BYTES) return bodyTooLarge(bytes);
  if (text.trim() === "") return bad("body: empty; expected a JSON object with a value array");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return bad(`body: malformed JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const value = (json as { value?: unknown } | null)?.value;
  if (Array.isArray(value) && value.length > MAX_NOTIFICATIONS)
    return bad(`value: ${value.length} notifications exceed the limit of ${MAX_NOTIFICATIONS} per post`);
  if (json === null || typeof json !== "object" || Array.isArray(json))
    return bad("body: expected a JSON object with a value array");
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    const reasons = envelope.error.issues.map((i) => `${pathText(i.path)}: ${i.message}`);
    return bad([...new Set(reasons)].slice(0, 3).join("; "));
  }
  const notifications: PostedNotification[] = [];
  const dropped: DroppedItem[] = [];
  envelope.data.value.forEach((raw, index) => {
    const r = screenItem(raw, index);
    if ("ok" in r) notifications.push(r.item);
    else dropped.push(r);
  });
  const tooMany = checkSubscriptionCount(notifications);
  if (tooMany) return bad(tooMany);
  return { ok: true, notifications, dropped };
}
