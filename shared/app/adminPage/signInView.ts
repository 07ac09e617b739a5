// The admin page's sign-in column per user (pure): granted scopes, when they signed in, why they must sign in again,
// and — in delegated mode — the "Sign in" link to auth/signin?user=… that an admin opens or sends to the user.
import { esc } from "./html.js";

export interface SignInInput {
  status: string | null | undefined;
  lastError: string | null | undefined;
  grantedScopes: readonly string[];
  signedInAt?: string | null | undefined;
}

export interface SignInView {
  mode: "application" | "delegated";
  grantedScopes: string[];
  signedInAt: string | undefined;
  /** The reason (the row's lastError) when the user's status is needs_sign_in. */
  needsSignIn: string | undefined;
  /** Delegated mode: where the user signs in (or again). */
  link: string | undefined;
}

/** `linkFor` is given in delegated mode only (AUTH_MODE=delegated with sign-in set up). */
export function signInView(u: SignInInput, linkFor: ((user: string) => string) | undefined, user: string): SignInView {
  return {
    mode: linkFor ? "delegated" : "application",
    grantedScopes: [...u.grantedScopes],
    signedInAt: u.signedInAt ?? undefined,
    needsSignIn: u.status === "needs_sign_in" ? (u.lastError ?? "the user must sign in") : undefined,
    link: linkFor?.(user),
  };
}

/** The cell's HTML: state, scopes, time, reason and link (each in its own element, for tests and screen readers). */
export function renderSignIn(v: SignInView, user: string): string {
  if (v.mode === "application")
    return v.grantedScopes.length
      ? `<span data-field="grantedScopes">${esc(v.grantedScopes.join(" "))}</span>`
      : "not signed in (application permissions)";
  const parts: string[] = [];
  if (v.needsSignIn)
    parts.push(`<span class="attention" data-field="needsSignIn">needs sign-in: ${esc(v.needsSignIn)}</span>`);
  if (v.signedInAt)
    parts.push(
      `<span data-field="signedInAt">signed in ${esc(v.signedInAt)}</span>`,
      `<span data-field="grantedScopes">granted: ${esc(v.grantedScopes.join(" ") || "none")}</span>`,
    );
  else if (!v.needsSignIn) parts.push(`<span data-field="signedInAt">not signed in yet</span>`);
  if (v.link)
    parts.push(
      `<a data-field="signInLink" href="${esc(v.link)}" aria-label="Sign in ${esc(user)}">${v.signedInAt ? "Sign in again" : "Sign in"}</a>`,
    );
  return parts.join("<br>");
}
