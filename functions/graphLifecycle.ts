// HTTP trigger for Graph lifecycle notifications (LIFECYCLE_WEBHOOK_URL): handshake, screen, enqueue LIFECYCLE, 202.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import type { AppDeps } from "../shared/app/appDeps.js";
import { getAppDeps } from "../shared/app/appDeps.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The endpoint's parsing and screening (with their zod schemas) load with the first POST, not at a cold start. */
const endpoint = onFirstUse(() => import("../shared/app/webhook/answerNotificationPost.js"));

/** The handler with explicit dependencies (tests pass the rig's, and may set the answer deadline). */
export async function runGraphLifecycle(
  request: HttpRequest,
  context: InvocationContext,
  deps: () => Promise<AppDeps> | AppDeps,
  options: { deadlineMs?: number } = {},
): Promise<HttpResponseInit> {
  const { answerNotificationPost } = await endpoint();
  return answerNotificationPost(request, context, deps, options);
}

export function graphLifecycle(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runGraphLifecycle(request, context, getAppDeps);
}

app.http("graphLifecycle", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "graph/notifications/lifecycle",
  handler: graphLifecycle,
});
