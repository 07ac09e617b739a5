// HTTP (function key) GET manage/users/{user}/profile — the profile test: Graph GET /me (delegated) or /users/{mailbox}.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { getAppDeps, type AppDeps } from "../shared/app/appDeps.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The use case, its input schemas and its outcome mapping load with the first request, not at a cold start. */
const parts = onFirstUse(() =>
  Promise.all([
    import("../shared/app/admin/adminOutcome.js"),
    import("../shared/app/admin/adminParams.js"),
    import("../shared/app/admin/profileTest.js"),
  ]),
);

export const adminProfileRoute = {
  name: "manageUserProfile",
  methods: ["GET"],
  route: "manage/users/{user}/profile",
} as const;

export async function runAdminProfile(
  request: HttpRequest,
  context: InvocationContext,
  deps: Pick<AppDeps, "users" | "graph" | "config" | "signIn">,
): Promise<HttpResponseInit> {
  const [{ failureResponse, toResponse, unexpectedResponse }, { adminUserParams, parseAdminInput }, { profileTest }] =
    await parts();
  const params = parseAdminInput(adminUserParams, request.params);
  if (!params.ok) return failureResponse({ kind: "bad_request", reason: params.reason });
  try {
    return toResponse(await profileTest(deps, params.data.user, { log: context }), 200);
  } catch (error) {
    return unexpectedResponse(error, context, `profile test of ${params.data.user}`);
  }
}

export async function adminProfile(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAdminProfile(request, context, await getAppDeps());
}

app.http(adminProfileRoute.name, {
  methods: [...adminProfileRoute.methods],
  authLevel: "function",
  route: adminProfileRoute.route,
  handler: adminProfile,
});
