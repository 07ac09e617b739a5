// HTTP (function key) GET manage/users/{user}/status: the user's settings, status and subscriptions (state masked).
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { getAppDeps } from "../shared/app/appDeps.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";
import type { AppDeps } from "../shared/app/appDeps.js";

/** The use case, its input schemas and its outcome mapping load with the first request, not at a cold start. */
const parts = onFirstUse(() =>
  Promise.all([
    import("../shared/app/admin/adminOutcome.js"),
    import("../shared/app/admin/adminParams.js"),
    import("../shared/app/admin/getUserStatus.js"),
  ]),
);

// Not "admin/…": the Functions host reserves routes starting with "admin" for its own API and refuses such functions.
export const adminStatusRoute = {
  name: "manageUserStatus",
  methods: ["GET"],
  route: "manage/users/{user}/status",
} as const;

export async function runAdminStatus(
  request: HttpRequest,
  context: InvocationContext,
  deps: Pick<AppDeps, "now" | "users" | "subscriptions" | "taskLists">,
): Promise<HttpResponseInit> {
  const [{ failureResponse, toResponse, unexpectedResponse }, { adminUserParams, parseAdminInput }, { getUserStatus }] =
    await parts();
  const params = parseAdminInput(adminUserParams, request.params);
  if (!params.ok) return failureResponse({ kind: "bad_request", reason: params.reason });
  try {
    return toResponse(await getUserStatus(deps, params.data.user), 200);
  } catch (error) {
    return unexpectedResponse(error, context, `status of ${params.data.user}`);
  }
}

export async function adminStatus(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAdminStatus(request, context, await getAppDeps());
}

app.http(adminStatusRoute.name, {
  methods: [...adminStatusRoute.methods],
  authLevel: "function",
  route: adminStatusRoute.route,
  handler: adminStatus,
});
