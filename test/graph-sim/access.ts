// Mailbox resolution (/me, /users/{id|upn}) and Graph's permission checks per resource.
import { GraphError, type Principal, type SimRequest } from "./http.js";
import { holds } from "./identity.js";
import type { Mailbox, Store } from "./store.js";

export const PERMS = {
  userRead: {
    app: ["User.Read.All", "User.ReadBasic.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
    delegated: [
      "User.Read",
      "User.ReadBasic.All",
      "User.Read.All",
      "User.ReadWrite",
      "User.ReadWrite.All",
      "Directory.Read.All",
    ],
  },
  calRead: {
    app: ["Calendars.Read", "Calendars.ReadWrite", "Calendars.ReadBasic"],
    delegated: ["Calendars.Read", "Calendars.ReadWrite", "Calendars.ReadBasic"],
  },
  calWrite: { app: ["Calendars.ReadWrite"], delegated: ["Calendars.ReadWrite"] },
  tasksRead: { app: ["Tasks.Read.All", "Tasks.ReadWrite.All"], delegated: ["Tasks.Read", "Tasks.ReadWrite"] },
  tasksWrite: { app: ["Tasks.ReadWrite.All"], delegated: ["Tasks.ReadWrite"] },
  mailRead: {
    app: ["Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic"],
    delegated: ["Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic"],
  },
  mailWrite: { app: ["Mail.ReadWrite"], delegated: ["Mail.ReadWrite"] },
  mailSend: { app: ["Mail.Send"], delegated: ["Mail.Send"] },
  mailboxSettingsRead: {
    app: ["MailboxSettings.Read", "MailboxSettings.ReadWrite"],
    delegated: ["MailboxSettings.Read", "MailboxSettings.ReadWrite"],
  },
} as const;

export function requirePerm(
  p: Principal,
  perm: { app: readonly string[]; delegated: readonly string[] },
  directory = false,
): void {
  if (holds(p, { app: [...perm.app], delegated: [...perm.delegated] })) return;
  if (directory)
    throw new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  throw new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
}

export interface Scoped {
  mb: Mailbox;
  /** "me" or "users/{segment}" as the caller wrote it (for links) */
  prefix: string;
  /** path after the mailbox prefix, e.g. "/events/{id}" */
  rest: string;
}

/** The mailbox segment a path addresses, without failing (for counters and fault matching). */
export function peekMailbox(path: string, principal: Principal | undefined, store: Store): Mailbox | undefined {
  if (/^\/me(\/|$)/i.test(path)) return principal?.oid ? store.mailboxes.get(principal.oid) : undefined;
  const m = /^\/users\/([^/]+)/i.exec(path);
  return m ? store.find(decodeURIComponent(m[1]!).replace(/^'(.*)'$/, "$1")) : undefined;
}

/** Resolves /me/… or /users/{x}/… (undefined for other paths); /me needs a delegated token, as Graph. */
export function scope(req: SimRequest, store: Store): Scoped | undefined {
  const p = req.principal!;
  const me = /^\/me(\/.*)?$/i.exec(req.path);
  if (me) {
    if (p.kind !== "delegated" || !p.oid)
      throw new GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
    return { mb: store.get(p.oid), prefix: "me", rest: me[1] ?? "" };
  }
  const u = /^\/users\/([^/]+)(\/.*)?$/i.exec(req.path);
  if (!u) return undefined;
  const seg = decodeURIComponent(u[1]!).replace(/^'(.*)'$/, "$1");
  return { mb: store.get(seg), prefix: `users/${u[1]}`, rest: u[2] ?? "" };
}

/**
 * Reading a user's profile (GET /me, GET /users/{id}), as the Get user page documents it: /me needs a signed-in user
 * (app-only → 400, see scope()); User.Read / User.ReadWrite reach the signed-in user's own profile only, another
 * user's needs User.ReadBasic.All or higher (delegated) or User.Read.All-class application permissions.
 */
export function requireProfileRead(p: Principal, mb: Mailbox): void {
  const self = p.kind === "delegated" && p.oid === mb.id;
  if (!self) return requirePerm(p, PROFILE_OF_OTHERS, true);
  requirePerm(p, PERMS.userRead, true);
}

const PROFILE_OF_OTHERS = {
  app: PERMS.userRead.app,
  delegated: PERMS.userRead.delegated.filter((s) => s !== "User.Read" && s !== "User.ReadWrite"),
};

/** Mailbox content (not the profile) is only the signed-in user's own for delegated tokens in this simulator. */
export function requireOwnMailbox(p: Principal, mb: Mailbox): void {
  if (p.kind === "delegated" && p.oid !== mb.id)
    throw new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
}
