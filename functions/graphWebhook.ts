// HTTP trigger Graph posts change notifications to (WEBHOOK_URL): handshake, screen, enqueue PULL, answer 202 at once.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import type { AppDeps } from "../shared/app/appDeps.js";
import { getAppDeps } from "../shared/app/appDeps.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The endpoint's parsing and screening (with their zod schemas) load with the first POST, not at a cold start. */
const endpoint = onFirstUse(() => import("../shared/app/webhook/answerNotificationPost.js"));

/** The handler with explicit dependencies (tests pass the rig's, and may set the answer deadline). */
export async function runGraphWebhook(
  request: HttpRequest,
  context: InvocationContext,
  deps: () => Promise<AppDeps> | AppDeps,
  options: { deadlineMs?: number } = {},
): Promise<HttpResponseInit> {
  const { answerNotificationPost } = await endpoint();
  return answerNotificationPost(request, context, deps, options);
}

export function graphWebhook(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runGraphWebhook(request, context, getAppDeps);
}

app.http("graphWebhook", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "graph/notifications",
  handler: graphWebhook,
});
