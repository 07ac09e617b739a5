// What every admin page function does first: check access, work out the page's base path, answer a refusal.
import type { Config } from "../../config/config.js";
import { checkPageAccess, platformFacts, type PageAccess } from "./pageAccess.js";

export interface PageRequestLike {
  url: string;
  method: string;
  headers: { get(name: string): string | null };
}

export function pageAccessFor(
  request: PageRequestLike,
  config: Pick<Config, "adminPageRoles" | "adminPageAllowAnonymous">,
  env: Record<string, string | undefined> = process.env,
): PageAccess {
  const access = checkPageAccess(
    request.headers.get("x-ms-client-principal"),
    { roles: config.adminPageRoles, allowAnonymous: config.adminPageAllowAnonymous },
    platformFacts(env),
  );
  // Actions must carry the page's own header: a cross-site form cannot send it (anti-forgery).
  if (access.ok && request.method !== "GET" && request.headers.get("x-admin-page") !== "1")
    return {
      ok: false,
      status: 403,
      reason: "admin page actions must be sent by the page (x-admin-page header missing)",
    };
  return access;
}

/** "/api/" for "http://host/api/manage/page/users/X": links and actions are built from it. */
export function pageBase(url: string): string {
  const path = new URL(url).pathname;
  const i = path.indexOf("manage/page");
  return i >= 0 ? path.slice(0, i) : "/api/";
}

export const htmlResponse = (status: number, html: string) => ({
  status,
  body: html,
  headers: {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "content-security-policy":
      "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  },
});

export function refusal(access: Extract<PageAccess, { ok: false }>, asHtml: boolean) {
  if (!asHtml) return { status: access.status, jsonBody: { error: "forbidden", reason: access.reason } };
  return htmlResponse(
    access.status,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Admin page</title></head><body><h1>Admin page</h1><p>${access.reason.replace(/[&<>]/g, "")}</p></body></html>`,
  );
}
