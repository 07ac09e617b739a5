// HTTP (function key) POST manage/rejected/{queue}/{id}/replay[?dryRun=true]: re-send a Rejected message, remove its row.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { getAppDeps } from "../shared/app/appDeps.js";
import type { ReplayDeps } from "../shared/app/admin/replayRejected.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The use case, its input schema and its outcome mapping load with the first request, not at a cold start. */
const parts = onFirstUse(() =>
  Promise.all([
    import("../shared/app/admin/adminOutcome.js"),
    import("../shared/app/admin/adminParams.js"),
    import("../shared/app/admin/replayRejected.js"),
  ]),
);

export const adminReplayRoute = {
  name: "manageRejectedReplay",
  methods: ["POST"],
  route: "manage/rejected/{queue}/{id}/replay",
} as const;

/** 200 with what was (or, on a dry run, would be) sent; 404 unknown row; 422 the current parser still rejects it. */
export async function runAdminReplay(
  request: HttpRequest,
  context: InvocationContext,
  deps: ReplayDeps,
): Promise<HttpResponseInit> {
  const [
    { failureResponse, toResponse, unexpectedResponse },
    { parseAdminInput, rejectedReplayInput },
    { replayRejected },
  ] = await parts();
  const params = parseAdminInput(rejectedReplayInput, {
    ...request.params,
    dryRun: request.query.get("dryRun") ?? undefined,
  });
  if (!params.ok) return failureResponse({ kind: "bad_request", reason: params.reason });
  const { queue, id, dryRun } = params.data;
  try {
    const outcome = await replayRejected(deps, { queue, id, dryRun });
    if (outcome.ok && outcome.value.sent)
      context.log(`replayed rejected ${queue}/${id} as ${outcome.value.replayMessageId} (${outcome.value.route})`);
    return toResponse(outcome, 200);
  } catch (error) {
    return unexpectedResponse(error, context, `replay of ${queue}/${id}`);
  }
}

export async function adminReplay(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAdminReplay(request, context, await getAppDeps());
}

app.http(adminReplayRoute.name, {
  methods: [...adminReplayRoute.methods],
  authLevel: "function",
  route: adminReplayRoute.route,
  handler: adminReplay,
});
