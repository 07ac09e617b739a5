// HTTP (function key) DELETE manage/users/{user}/subscription[?kind=events|todoTasks]: remove in Graph and the table.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { getAppDeps, type AppDeps } from "../shared/app/appDeps.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The use case, its input schemas and its outcome mapping load with the first request, not at a cold start. */
const parts = onFirstUse(() =>
  Promise.all([
    import("../shared/app/admin/adminOutcome.js"),
    import("../shared/app/admin/adminParams.js"),
    import("../shared/app/admin/deleteSubscriptions.js"),
  ]),
);

export const adminDeleteSubscriptionRoute = {
  name: "manageUserSubscriptionDelete",
  methods: ["DELETE"],
  route: "manage/users/{user}/subscription",
} as const;

export async function runAdminDeleteSubscription(
  request: HttpRequest,
  context: InvocationContext,
  deps: Pick<AppDeps, "users" | "subscriptions" | "graph">,
): Promise<HttpResponseInit> {
  const [
    { failureResponse, toResponse, unexpectedResponse },
    { adminUserParams, parseAdminInput, subscriptionKindQuery },
    { deleteSubscriptions },
  ] = await parts();
  const params = parseAdminInput(adminUserParams, request.params);
  if (!params.ok) return failureResponse({ kind: "bad_request", reason: params.reason });
  const query = parseAdminInput(subscriptionKindQuery, Object.fromEntries(request.query.entries()));
  if (!query.ok) return failureResponse({ kind: "bad_request", reason: query.reason });
  try {
    return toResponse(await deleteSubscriptions(deps, params.data.user, query.data.kind, { log: context }), 200);
  } catch (error) {
    return unexpectedResponse(error, context, `deleting the subscription of ${params.data.user}`);
  }
}

export async function adminDeleteSubscription(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return runAdminDeleteSubscription(request, context, await getAppDeps());
}

app.http(adminDeleteSubscriptionRoute.name, {
  methods: [...adminDeleteSubscriptionRoute.methods],
  authLevel: "function",
  route: adminDeleteSubscriptionRoute.route,
  handler: adminDeleteSubscription,
});
