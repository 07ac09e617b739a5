// Use case of GET auth/signin?user=…: a PKCE verifier and a signed single-use state, then the redirect to Entra.
import { createHash, randomBytes } from "node:crypto";
import { newStateId, signState } from "../../adapters/auth/signedState.js";
import { toErpUserId } from "../../domain/erpUserId.js";
import type { AppDeps } from "../appDeps.js";
import { page, type SignInOutcome } from "./signInPage.js";

export const SIGN_IN_STATE_TTL_MS = 10 * 60_000;

export async function startSignIn(
  deps: Pick<AppDeps, "users" | "signIn" | "now">,
  userParam: string | null,
): Promise<SignInOutcome> {
  const signIn = deps.signIn;
  if (!signIn)
    return page(503, "Sign-in is not set up", "SIGNIN_REDIRECT_URI and a token cache key must be set for sign-in.");
  if (!userParam) return page(400, "Which user?", "The link must name the ERP user: auth/signin?user=JSMITH.");
  const id = toErpUserId(userParam);
  if (!id.ok) return page(400, "Not an ERP user id", `user: ${id.reason}`);
  const lookup = await deps.users.getUser(id.id);
  if (!lookup) return page(404, "Unknown user", `There is no Users row for ${id.id}; ask an administrator to add it.`);
  if (!lookup.valid)
    return page(409, "User row needs fixing", `The Users row of ${id.id} is invalid: ${lookup.invalid.lastError}`);
  const codeVerifier = randomBytes(32).toString("base64url");
  const stateId = newStateId();
  const expiresAt = new Date(deps.now().getTime() + SIGN_IN_STATE_TTL_MS);
  await signIn.states.put(stateId, { user: id.id, codeVerifier, expiresAt });
  const state = signState({ id: stateId, user: id.id, exp: expiresAt.getTime() }, signIn.stateKey);
  const location = await signIn.delegated.authorizeUrl(lookup.user.mailbox, {
    redirectUri: signIn.redirectUri,
    state,
    codeChallenge: createHash("sha256").update(codeVerifier).digest("base64url"),
  });
  return { kind: "redirect", location };
}
