// Parses the body Graph POSTs to the webhook (a notification collection); a bad body gives a reason naming the field.
import type { z } from "zod";
import {
  changeNotificationSchema,
  lifecycleNotificationSchema,
  notificationCollectionSchema,
  type ChangeNotification,
  type LifecycleNotification,
} from "../../adapters/graph/schemas.js";

export type PostedNotification = ChangeNotification | LifecycleNotification;

export type ParsedPost = { ok: true; notifications: PostedNotification[] } | { ok: false; reason: string };

type Issue = z.core.$ZodIssue;

const pathText = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (out, p) => (typeof p === "number" ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)),
    "",
  ) || "body";

/** A union failure on value[i] says little: re-check the item with the schema it claims to follow. */
function explain(issue: Issue, json: unknown): string[] {
  const [head, index] = issue.path;
  if (issue.code === "invalid_union" && head === "value" && typeof index === "number" && issue.path.length === 2) {
    const item = (json as { value: unknown[] }).value[index];
    if (item === null || typeof item !== "object" || Array.isArray(item))
      return [`value[${index}]: expected a notification object`];
    const schema = "lifecycleEvent" in item ? lifecycleNotificationSchema : changeNotificationSchema;
    const sub = schema.safeParse(item);
    if (!sub.success) return sub.error.issues.map((i) => `${pathText(["value", index, ...i.path])}: ${i.message}`);
  }
  return [`${pathText(issue.path)}: ${issue.message}`];
}

export function parseNotificationPost(text: string): ParsedPost {
  if (text.trim() === "") return { ok: false, reason: "body: empty; expected a JSON object with a value array" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `body: malformed JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const result = notificationCollectionSchema.safeParse(json);
  if (result.success) return { ok: true, notifications: result.data.value };
  const reasons = result.error.issues.flatMap((i) => explain(i, json));
  return { ok: false, reason: [...new Set(reasons)].slice(0, 3).join("; ") };
}
