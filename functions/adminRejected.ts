// HTTP (function key) GET manage/rejected?queue=Q: the messages set aside in the Rejected table, newest first.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { getAppDeps } from "../shared/app/appDeps.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";
import type { ReplayDeps } from "../shared/app/admin/replayRejected.js";

/** The use case, its query schema and its outcome mapping load with the first request, not at a cold start. */
const parts = onFirstUse(() =>
  Promise.all([
    import("../shared/app/admin/adminOutcome.js"),
    import("../shared/app/admin/adminParams.js"),
    import("../shared/app/admin/listRejected.js"),
  ]),
);

export const adminRejectedRoute = { name: "manageRejectedList", methods: ["GET"], route: "manage/rejected" } as const;

export async function runAdminRejected(
  request: HttpRequest,
  context: InvocationContext,
  deps: Pick<ReplayDeps, "config" | "rejected">,
): Promise<HttpResponseInit> {
  const [
    { failureResponse, toResponse, unexpectedResponse },
    { parseAdminInput, rejectedListQuery },
    { listRejected },
  ] = await parts();
  const params = parseAdminInput(rejectedListQuery, { queue: request.query.get("queue") ?? undefined });
  if (!params.ok) return failureResponse({ kind: "bad_request", reason: params.reason });
  try {
    return toResponse(await listRejected(deps, params.data.queue), 200);
  } catch (error) {
    return unexpectedResponse(error, context, "listing rejected messages");
  }
}

export async function adminRejected(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAdminRejected(request, context, await getAppDeps());
}

app.http(adminRejectedRoute.name, {
  methods: [...adminRejectedRoute.methods],
  authLevel: "function",
  route: adminRejectedRoute.route,
  handler: adminRejected,
});
