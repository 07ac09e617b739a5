// HTTP (anonymous) GET auth/callback — Entra's redirect after sign-in: state check, code redemption, a result page.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { getAppDeps, type AppDeps } from "../shared/app/appDeps.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The sign-in use case and its answer pages load with the first request, not at a cold start. */
const parts = onFirstUse(() =>
  Promise.all([import("../shared/app/auth/completeSignIn.js"), import("../shared/app/auth/signInResponse.js")]),
);

export const authCallbackRoute = { name: "authCallback", methods: ["GET"], route: "auth/callback" } as const;

export async function runAuthCallback(
  request: HttpRequest,
  context: InvocationContext,
  deps: Pick<AppDeps, "users" | "signIn" | "now" | "queues" | "config">,
): Promise<HttpResponseInit> {
  const [{ completeSignIn }, { signInFailure, signInResponse }] = await parts();
  const q = request.query;
  try {
    return signInResponse(
      await completeSignIn(
        deps,
        {
          code: q.get("code"),
          state: q.get("state"),
          error: q.get("error"),
          errorDescription: q.get("error_description"),
        },
        context,
      ),
    );
  } catch (error) {
    return signInFailure(error, context, "sign-in callback");
  }
}

export async function authCallback(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAuthCallback(request, context, await getAppDeps());
}

app.http(authCallbackRoute.name, {
  methods: [...authCallbackRoute.methods],
  authLevel: "anonymous",
  route: authCallbackRoute.route,
  handler: authCallback,
});
