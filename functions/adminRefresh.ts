// HTTP (function key) POST manage/users/{user}/refresh[?kind=events|todoTasks] — the REFRESH button: re-subscribe and
// queue a full resync.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { getAppDeps } from "../shared/app/appDeps.js";
import type { RefreshDeps } from "../shared/app/admin/refreshUser.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The use case, its input schemas and its outcome mapping load with the first request, not at a cold start. */
const parts = onFirstUse(() =>
  Promise.all([
    import("../shared/app/admin/adminOutcome.js"),
    import("../shared/app/admin/adminParams.js"),
    import("../shared/app/admin/refreshUser.js"),
  ]),
);

export const adminRefreshRoute = {
  name: "manageUserRefresh",
  methods: ["POST"],
  route: "manage/users/{user}/refresh",
} as const;

/** 202: subscribed, resync queued (it runs on the pull worker). */
export async function runAdminRefresh(
  request: HttpRequest,
  context: InvocationContext,
  deps: RefreshDeps,
): Promise<HttpResponseInit> {
  const [
    { failureResponse, toResponse, unexpectedResponse },
    { adminUserParams, parseAdminInput, subscriptionKindQuery },
    { refreshUser },
  ] = await parts();
  const params = parseAdminInput(adminUserParams, request.params);
  if (!params.ok) return failureResponse({ kind: "bad_request", reason: params.reason });
  const query = parseAdminInput(subscriptionKindQuery, Object.fromEntries(request.query.entries()));
  if (!query.ok) return failureResponse({ kind: "bad_request", reason: query.reason });
  const kind = query.data.kind;
  try {
    return toResponse(await refreshUser(deps, params.data.user, { log: context, ...(kind ? { kind } : {}) }), 202);
  } catch (error) {
    return unexpectedResponse(error, context, `refresh of ${params.data.user}`);
  }
}

export async function adminRefresh(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAdminRefresh(request, context, await getAppDeps());
}

app.http(adminRefreshRoute.name, {
  methods: [...adminRefreshRoute.methods],
  authLevel: "function",
  route: adminRefreshRoute.route,
  handler: adminRefresh,
});
