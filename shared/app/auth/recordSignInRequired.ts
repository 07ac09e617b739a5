// Marks a user needs_sign_in (delegated mode) with the reason and the link that fixes it; other users are untouched.
import type { SignInRequiredError } from "../../domain/errors.js";
import type { AppDeps } from "../appDeps.js";
import { signInUrlFor } from "./signInUrl.js";

export async function recordSignInRequired(
  deps: Pick<AppDeps, "users" | "signIn">,
  user: string,
  error: SignInRequiredError,
): Promise<void> {
  const link = deps.signIn ? ` Sign in at ${signInUrlFor(deps.signIn.redirectUri, user)}` : "";
  await deps.users.recordStatus(user, {
    status: "needs_sign_in",
    lastError: `${error.code}: ${error.message}.${link}`.slice(0, 2000),
  });
}
