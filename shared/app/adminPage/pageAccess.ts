// Who may use the admin page: App Service Authentication's principal (x-ms-client-principal) with a role or group
// from ADMIN_PAGE_ROLES; ADMIN_PAGE_ALLOW_ANONYMOUS only outside Azure; no serving in Azure with authentication off.
export interface PageAccessSettings {
  roles: readonly string[];
  allowAnonymous: boolean;
}

/** Facts about where the app runs, from the platform's own settings (WEBSITE_INSTANCE_ID, WEBSITE_AUTH_ENABLED). */
export interface PlatformFacts {
  runningInAzure: boolean;
  authEnabled: boolean;
}

export type PageAccess = { ok: true; who: string } | { ok: false; status: 401 | 403 | 500 | 503; reason: string };

export function platformFacts(env: Record<string, string | undefined>): PlatformFacts {
  return {
    runningInAzure: Boolean(env.WEBSITE_INSTANCE_ID),
    authEnabled: (env.WEBSITE_AUTH_ENABLED ?? "").toLowerCase() === "true",
  };
}

interface Principal {
  auth_typ?: string;
  name_typ?: string;
  role_typ?: string;
  claims?: { typ?: string; val?: string }[];
}

const ROLE_CLAIMS = ["roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"];
const GROUP_CLAIMS = ["groups", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"];

/** Decodes the principal header (base64 JSON); undefined when absent or not readable. */
export function readPrincipal(header: string | null | undefined): Principal | undefined {
  if (!header) return undefined;
  try {
    const p = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as unknown;
    return p && typeof p === "object" ? (p as Principal) : undefined;
  } catch {
    return undefined;
  }
}

export function checkPageAccess(
  principalHeader: string | null | undefined,
  settings: PageAccessSettings,
  platform: PlatformFacts,
): PageAccess {
  if (settings.allowAnonymous) {
    if (platform.runningInAzure)
      return {
        ok: false,
        status: 500,
        reason: "ADMIN_PAGE_ALLOW_ANONYMOUS is for local use only and is refused in Azure: remove the setting",
      };
    return { ok: true, who: "anonymous (ADMIN_PAGE_ALLOW_ANONYMOUS, local only)" };
  }
  if (platform.runningInAzure && !platform.authEnabled)
    return {
      ok: false,
      status: 503,
      reason: "App Service Authentication is off: the admin page is not served without Entra sign-in",
    };
  const principal = readPrincipal(principalHeader);
  if (!principal) return { ok: false, status: 401, reason: "sign in first (no App Service Authentication principal)" };
  if (settings.roles.length === 0)
    return { ok: false, status: 403, reason: "no admin role configured: set ADMIN_PAGE_ROLES" };
  const claims = principal.claims ?? [];
  const roleTypes = new Set([...ROLE_CLAIMS, ...GROUP_CLAIMS, ...(principal.role_typ ? [principal.role_typ] : [])]);
  const held = new Set(claims.filter((c) => c.typ && roleTypes.has(c.typ)).map((c) => c.val ?? ""));
  const nameType = principal.name_typ ?? "name";
  const who =
    claims.find((c) => c.typ === nameType)?.val ??
    claims.find((c) => c.typ === "preferred_username")?.val ??
    "signed-in user";
  if (!settings.roles.some((r) => held.has(r)))
    return { ok: false, status: 403, reason: `${who} has none of the roles in ADMIN_PAGE_ROLES` };
  return { ok: true, who };
}
