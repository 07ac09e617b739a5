// HTTP (anonymous) GET auth/signin?user=JSMITH — the link a user opens: redirect to Entra sign-in (code + PKCE).
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { getAppDeps, type AppDeps } from "../shared/app/appDeps.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The sign-in use case and its answer pages load with the first request, not at a cold start. */
const parts = onFirstUse(() =>
  Promise.all([import("../shared/app/auth/signInResponse.js"), import("../shared/app/auth/startSignIn.js")]),
);

export const authSignInRoute = { name: "authSignIn", methods: ["GET"], route: "auth/signin" } as const;

export async function runAuthSignIn(
  request: HttpRequest,
  context: InvocationContext,
  deps: Pick<AppDeps, "users" | "signIn" | "now">,
): Promise<HttpResponseInit> {
  const [{ signInFailure, signInResponse }, { startSignIn }] = await parts();
  try {
    return signInResponse(await startSignIn(deps, request.query.get("user")));
  } catch (error) {
    return signInFailure(error, context, "sign-in start");
  }
}

export async function authSignIn(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAuthSignIn(request, context, await getAppDeps());
}

app.http(authSignInRoute.name, {
  methods: [...authSignInRoute.methods],
  authLevel: "anonymous",
  route: authSignInRoute.route,
  handler: authSignIn,
});
