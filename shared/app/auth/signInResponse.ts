// Maps a sign-in outcome to the HTTP answer: 302 with Location, or the HTML page with its status; no caching.
import type { HttpResponseInit } from "@azure/functions";
import { renderPage, type SignInOutcome } from "./signInPage.js";

export function signInResponse(outcome: SignInOutcome): HttpResponseInit {
  const headers = { "cache-control": "no-store", "referrer-policy": "no-referrer" };
  if (outcome.kind === "redirect") return { status: 302, headers: { ...headers, location: outcome.location } };
  return {
    status: outcome.status,
    headers: { ...headers, "content-type": "text/html; charset=utf-8" },
    body: renderPage(outcome.title, outcome.message),
  };
}

/** Anything unexpected: a plain page, the detail only in the log (by code, never a token or the auth code). */
export function signInFailure(error: unknown, log: { error(...a: unknown[]): void }, what: string): HttpResponseInit {
  const code = (error as { code?: unknown })?.code;
  log.error(`${what} failed: ${typeof code === "string" ? code : ((error as Error)?.name ?? "error")}`);
  return signInResponse({
    kind: "page",
    status: 500,
    title: "Sign-in failed",
    message: "Something went wrong on our side; try again in a minute. If it keeps failing, tell your administrator.",
  });
}
