// HTTP side of both Graph notification endpoints: validation handshake, body parsing, outcome → status code.
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";
import { acceptNotifications } from "./acceptNotifications.js";
import { parseNotificationPost } from "./parseNotificationPost.js";

/** What the endpoint needs of a request (the @azure/functions HttpRequest has it). */
export interface NotificationRequest {
  readonly query: URLSearchParams;
  text(): Promise<string>;
}

/** Structurally an @azure/functions HttpResponseInit. */
export interface NotificationResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const json = (status: number, value: unknown): NotificationResponse => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify(value),
});

/**
 * `?validationToken=…` → 200 text/plain with the token (the query API has already URL-decoded it), without touching
 * settings or storage. Otherwise: malformed body → 400 naming the field; store or queue down → 503 (Graph retries);
 * else 202 — also when items were forged or unknown, since a retry of those could never succeed.
 */
export async function answerNotificationPost(
  request: NotificationRequest,
  log: Logger,
  deps: () => Promise<AppDeps> | AppDeps,
): Promise<NotificationResponse> {
  const token = request.query.get("validationToken");
  if (token !== null) {
    return {
      status: 200,
      headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
      body: token,
    };
  }
  const parsed = parseNotificationPost(await request.text());
  if (!parsed.ok) {
    log.warn(`graph webhook: bad request: ${parsed.reason}`);
    return json(400, { error: "invalid_notification", reason: parsed.reason });
  }
  let appDeps: AppDeps;
  try {
    appDeps = await deps();
  } catch (error) {
    log.error(`graph webhook: app not ready (${error instanceof Error ? error.message : String(error)})`);
    return json(503, { error: "unavailable", reason: "the app could not start" });
  }
  const outcome = await acceptNotifications(appDeps, parsed.notifications, log);
  if (outcome.status === "unavailable") return json(503, { error: "unavailable", reason: outcome.reason });
  return { status: 202 };
}
