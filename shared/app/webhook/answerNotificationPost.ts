// HTTP side of both Graph notification endpoints: validation handshake, body parsing, outcome → status code.
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";
import { toAppError } from "../../domain/errors.js";
import { acceptNotifications, beforeDeadline, DEFAULT_DEADLINE_MS } from "./acceptNotifications.js";
import { bodyTooLarge, MAX_BODY_BYTES, parseNotificationPost, type DroppedItem } from "./parseNotificationPost.js";

/** What the endpoint needs of a request (the @azure/functions HttpRequest has it). */
export interface NotificationRequest {
  readonly query: URLSearchParams;
  /** For Content-Length: a declared oversize body is refused before it is read. */
  readonly headers?: { get(name: string): string | null };
  text(): Promise<string>;
}

/** Structurally an @azure/functions HttpResponseInit. */
export interface NotificationResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A reason for the log: V8's JSON errors quote the posted text, so control characters are masked and length capped. */
const oneLine = (text: string) =>
  [...text.slice(0, 300)].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? "?" : c)).join("");

/** At most this many dropped items are logged one by one per post; the rest as a count. */
const MAX_DROPPED_LOG_LINES = 20;

/** Each dropped item by index and subscription id (never its clientState; the reasons name fields, not values). */
function logDropped(dropped: readonly DroppedItem[], log: Logger): void {
  for (const d of dropped.slice(0, MAX_DROPPED_LOG_LINES))
    log.warn(
      `graph webhook: dropped value[${d.index}] of subscription ${d.subscriptionId === undefined ? "?" : oneLine(d.subscriptionId.slice(0, 100))}: ${oneLine(d.reason)}`,
    );
  if (dropped.length > MAX_DROPPED_LOG_LINES)
    log.warn(`graph webhook: … and ${dropped.length - MAX_DROPPED_LOG_LINES} more dropped items`);
}

const json = (status: number, value: unknown): NotificationResponse => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify(value),
});

/**
 * `?validationToken=…` → 200 text/plain with the token (the query API has already URL-decoded it), without touching
 * settings or storage. Otherwise: body over MAX_BODY_BYTES → 413; malformed body, more than MAX_NOTIFICATIONS items or
 * MAX_SUBSCRIPTIONS_PER_POST subscriptions → 400 naming the field; store or queue down → 503 (Graph retries); else 202
 * — also when items were forged or unknown, since a retry of those could never succeed.
 *
 * The deadline (`deadlineMs`, default DEFAULT_DEADLINE_MS) runs from the request's arrival: reading the body, waiting
 * for the app to start (a cold start creates tables and opens the AMQP connection) and the reads and sends all count
 * against it, so Graph gets an answer inside its ~3 s. Past it: 503, and Graph posts again (the start goes on meanwhile).
 */
export async function answerNotificationPost(
  request: NotificationRequest,
  log: Logger,
  deps: () => Promise<AppDeps> | AppDeps,
  options: { deadlineMs?: number } = {},
): Promise<NotificationResponse> {
  const deadline = Date.now() + (options.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const token = request.query.get("validationToken");
  if (token !== null) {
    return {
      status: 200,
      headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
      body: token,
    };
  }
  const declared = Number(request.headers?.get("content-length") ?? "");
  const parsed =
    Number.isFinite(declared) && declared > MAX_BODY_BYTES
      ? bodyTooLarge(declared)
      : parseNotificationPost(await request.text());
  if (!parsed.ok) {
    log.warn(`graph webhook: bad request: ${oneLine(parsed.reason)}`);
    return json(parsed.status, {
      error: parsed.status === 413 ? "payload_too_large" : "invalid_notification",
      reason: parsed.reason,
    });
  }
  logDropped(parsed.dropped, log);
  let appDeps: AppDeps;
  try {
    appDeps = await beforeDeadline(Promise.resolve().then(deps), deadline, "starting the app");
  } catch (error) {
    const e = toAppError(error);
    log.error(`graph webhook: app not ready (${e.code}: ${e.message}); answering 503 so Graph retries`);
    return json(503, {
      error: "unavailable",
      reason: e.code === "timeout" ? "the app is still starting" : "the app could not start",
    });
  }
  const outcome = await acceptNotifications(appDeps, parsed.notifications, log, { deadline });
  if (outcome.status === "unavailable") return json(503, { error: "unavailable", reason: outcome.reason });
  if (outcome.status === "invalid") {
    log.warn(`graph webhook: bad request: ${outcome.reason}`);
    return json(400, { error: "invalid_notification", reason: outcome.reason });
  }
  return { status: 202 };
}
