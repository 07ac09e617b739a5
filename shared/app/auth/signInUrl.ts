// Where a user (or an admin on their behalf) starts the sign-in: the auth/signin route next to the callback.

/** SIGNIN_REDIRECT_URI …/auth/callback → …/auth/signin?user=USER. */
export function signInUrlFor(redirectUri: string, user: string): string {
  const u = new URL(redirectUri);
  u.pathname = u.pathname.replace(/\/auth\/callback$/, "/auth/signin");
  u.search = "";
  u.searchParams.set("user", user);
  return u.toString();
}
