// A user's settings as the administrator keeps them (Users table columns), their parsing and their rules. Pure: no I/O.
import * as z from "zod";
import { didYouMean } from "../didYouMean.js";
import { toErpUserId } from "../erpUserId.js";

/** Status values the system writes to a user's row (the `status` column). */
export const USER_STATUSES = [
  "pending", // settings valid, not synchronised yet
  "ok",
  "invalid", // the row's admin columns are wrong: see lastError
  "error", // the last sync failed for another reason: see lastError
  "auth_required", // the user must sign in (again) or consent
  "needs_sign_in", // delegated mode: no usable token for the user (never signed in, revoked, expired); messages held
  "no_task_list", // the user's mailbox has no To Do list named TASK_LIST_NAME
  "mailbox_not_found",
] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const SWITCH_COLUMNS = [
  "emails",
  "syncAppointments",
  "appointmentsFromOutlook",
  "syncTasks",
  "tasksFromOutlook",
] as const;
export type SwitchColumn = (typeof SWITCH_COLUMNS)[number];

export interface UserSettings {
  userId: string;
  mailbox: string;
  /** ERP company (kco) for items created from Outlook; required when a *FromOutlook switch is on. */
  defaultCompany: string | undefined;
  emails: boolean;
  syncAppointments: boolean;
  appointmentsFromOutlook: boolean;
  syncTasks: boolean;
  tasksFromOutlook: boolean;
  status: string | undefined;
  lastError: string | undefined;
  lastSyncAt: string | undefined;
  grantedScopes: string | undefined;
  /** When the user last signed in (delegated mode), ISO 8601; written by auth/callback. */
  signedInAt?: string | undefined;
  /** The mailbox's time zone as Graph named it when last read (mailboxSettings); system column. */
  mailboxTimeZone?: string | undefined;
  /** Why events are written in DEFAULT_TIME_ZONE instead (the zone could not be read or is unknown); system column. */
  mailboxTimeZoneNote?: string | undefined;
  etag: string;
}

export interface UserColumnError {
  column: string;
  message: string;
}

export interface InvalidUser {
  userId: string;
  errors: UserColumnError[];
  /** The text written to the row's lastError column. */
  lastError: string;
}

/** A row under a PartitionKey other than USERS_PARTITION: invisible to the integration until it is moved. */
export interface MisplacedRow {
  partitionKey: string;
  rowKey: string;
}

export type UserLookup = { valid: true; user: UserSettings } | { valid: false; invalid: InvalidUser };

export interface StatusUpdate {
  status: UserStatus;
  /** Cleared (written as "") when not given. */
  lastError?: string;
  /** ISO 8601; left as it is when not given. */
  lastSyncAt?: string;
  /** Space-separated scopes or a list; left as it is when not given. */
  grantedScopes?: string | readonly string[];
  /** ISO 8601 of the user's last successful sign-in (delegated mode); left as it is when not given. */
  signedInAt?: string;
}

/** What a test or a seeding script writes: switches default to false. */
export interface UserInput {
  userId: string;
  mailbox: string;
  defaultCompany?: string;
  emails?: boolean;
  syncAppointments?: boolean;
  appointmentsFromOutlook?: boolean;
  syncTasks?: boolean;
  tasksFromOutlook?: boolean;
}

// ---- tolerant parsing of what Azure Storage Explorer writes ----------------------------------------------------

const show = (v: unknown): string => {
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (typeof v === "bigint") return `${v}`;
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === "object") return "an object";
  return String(v);
};

/** Int64 cells arrive as bigint (or {value,type} with type conversion off); unwrap to a plain value. */
const unwrap = (v: unknown): unknown => {
  if (v !== null && typeof v === "object" && !(v instanceof Date) && "value" in v && "type" in v)
    return (v as { value: unknown }).value;
  return v;
};

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/**
 * A switch: Edm.Boolean, or "true"/"True"/"TRUE"/"1"/1 (and the false forms); missing or blank = false.
 * "yes"/"on" are refused on purpose: an admin typo must show up as a status, not be guessed at.
 */
export const switchSchema = z.unknown().transform((raw, ctx): boolean => {
  const v = unwrap(raw);
  if (isBlank(v)) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number" || typeof v === "bigint") {
    if (Number(v) === 1) return true;
    if (Number(v) === 0) return false;
  }
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (s === "true" || s === "1") return true;
    if (s === "false" || s === "0") return false;
  }
  ctx.addIssue({ code: "custom", message: `expected true/false, got ${show(v)}` });
  return z.NEVER;
});

/** Text that may have been typed as a number (Int32/Int64/Double) in Storage Explorer. */
const textish = (required: boolean) =>
  z.unknown().transform((raw, ctx): string | undefined => {
    const v = unwrap(raw);
    if (isBlank(v)) {
      if (required) ctx.addIssue({ code: "custom", message: "is required but empty" });
      return undefined;
    }
    if (typeof v === "string") return v.trim();
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
    if (typeof v === "bigint") return v.toString();
    ctx.addIssue({ code: "custom", message: `expected text, got ${show(v)}` });
    return z.NEVER;
  });

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RFC 5322 dot-atom local part (ASCII), as Exchange and Entra UPNs allow it: no spaces, quotes, <>, :, ; or @. */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** A DNS name of at least two labels (letters, digits, inner hyphens), no trailing dot. */
const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Whether `v` is an SMTP address / UPN (`name@domain`, ASCII) or an Entra object id (a bare GUID). Pure. */
export function isMailboxId(v: string): boolean {
  if (GUID.test(v)) return true;
  const at = v.lastIndexOf("@");
  if (at <= 0 || v.length > 254) return false;
  const local = v.slice(0, at);
  const domain = v.slice(at + 1);
  return local.length <= 64 && LOCAL_PART.test(local) && DOMAIN.test(domain);
}

/** What the admin most likely typed instead of a bare address, for the status text. */
function mailboxHint(v: string): string {
  if (/^mailto:/i.test(v)) return " (write the address without mailto:)";
  if (/[<>]/.test(v)) return " (write only the address: no display name, no <>)";
  if (/[,;]/.test(v)) return " (one mailbox per row)";
  if (/\s/.test(v)) return " (no spaces)";
  return "";
}

const userRowSchema = z
  .object({
    mailbox: textish(true).superRefine((v, ctx) => {
      if (v !== undefined && !isMailboxId(v))
        ctx.addIssue({
          code: "custom",
          message:
            "expected a user principal name or SMTP address (name@domain) or an Entra object id (GUID), " +
            `got ${show(v)}${mailboxHint(v)}`,
        });
    }),
    defaultCompany: textish(false),
    emails: switchSchema,
    syncAppointments: switchSchema,
    appointmentsFromOutlook: switchSchema,
    syncTasks: switchSchema,
    tasksFromOutlook: switchSchema,
  })
  .superRefine((row, ctx) => {
    if (row.defaultCompany === undefined) {
      const needs = (["appointmentsFromOutlook", "tasksFromOutlook"] as const).filter((k) => row[k]);
      if (needs.length)
        ctx.addIssue({
          code: "custom",
          path: ["defaultCompany"],
          message: `is required when ${needs.join(" or ")} is true (items from Outlook are created in this company)`,
        });
    }
  });

type Row = Record<string, unknown>;

/** The columns an administrator maintains (status columns are the system's). */
export const ADMIN_COLUMNS = ["mailbox", "defaultCompany", ...SWITCH_COLUMNS] as const;

/**
 * Columns a row may carry that are not the admin's: the table's own (keys, Timestamp, ETag, in the forms the SDK
 * and Storage Explorer show them) and the status columns the integration writes. They are never flagged.
 */
export const SYSTEM_COLUMNS = [
  "PartitionKey",
  "RowKey",
  "Timestamp",
  "etag",
  "odata.etag",
  "odata.metadata",
  "status",
  "lastError",
  "lastSyncAt",
  "grantedScopes",
  "signedInAt",
  "mailboxTimeZone",
  "mailboxTimeZoneNote",
] as const;

/** The table's own columns, matched ignoring case (the SDK says partitionKey, Storage Explorer PartitionKey). */
const TABLE_KEYS = new Set(SYSTEM_COLUMNS.slice(0, 6).map((c) => c.toLowerCase()));
/** The status columns are matched exactly: a mis-cased `Status` is the admin's typo, not the system's column. */
const STATUS_KEYS = new Set<string>(SYSTEM_COLUMNS.slice(6));
const ADMIN_KEYS = new Set<string>(ADMIN_COLUMNS);

const isSystemColumn = (column: string): boolean =>
  column.endsWith("@odata.type") || TABLE_KEYS.has(column.toLowerCase()) || STATUS_KEYS.has(column);

/** One error per column that is neither the admin's nor the system's, naming the known column it most likely means. */
export function unknownColumns(entity: Row): UserColumnError[] {
  const errors: UserColumnError[] = [];
  for (const column of Object.keys(entity)) {
    if (ADMIN_KEYS.has(column) || isSystemColumn(column)) continue;
    const meant = didYouMean(column, ADMIN_COLUMNS);
    const guess = meant ? `did you mean ${meant}?` : `known columns: ${ADMIN_COLUMNS.join(", ")}`;
    errors.push({ column, message: `unknown column (${guess}); its value is ignored until it is renamed` });
  }
  return errors;
}

/** A Users row as the table returns it (its RowKey is the ERP user id; etag its concurrency token). */
export type UserRowEntity = Row & { rowKey?: string; etag?: string };

/** Parses one row as an admin left it. Pure: no I/O. */
export function parseUserRow(entity: UserRowEntity): UserLookup {
  const errors: UserColumnError[] = [];
  const userId = entity.rowKey ?? "";
  const normal = toErpUserId(userId);
  if (!normal.ok) errors.push({ column: "RowKey", message: `not an ERP user id: ${normal.reason}` });
  else if (normal.id !== userId)
    errors.push({
      column: "RowKey",
      message: `the ERP user id must be upper-case without spaces, got ${show(userId)} (use ${show(normal.id)})`,
    });
  // Every column present as a key (even when undefined): a missing switch then parses as false, not "required".
  const cells = Object.fromEntries(ADMIN_COLUMNS.map((k) => [k, entity[k]]));
  const parsed = userRowSchema.safeParse(cells);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      errors.push({ column: String(issue.path[0] ?? "row"), message: issue.message });
  }
  errors.push(...unknownColumns(entity));
  if (errors.length || !parsed.success) {
    const lastError = errors
      .map((e) => `${e.column}: ${e.message}`)
      .join("; ")
      .slice(0, 2000);
    return { valid: false, invalid: { userId, errors, lastError } };
  }
  const str = (k: string): string | undefined => {
    const v = entity[k];
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  return {
    valid: true,
    user: {
      userId,
      mailbox: parsed.data.mailbox!,
      defaultCompany: parsed.data.defaultCompany,
      emails: parsed.data.emails,
      syncAppointments: parsed.data.syncAppointments,
      appointmentsFromOutlook: parsed.data.appointmentsFromOutlook,
      syncTasks: parsed.data.syncTasks,
      tasksFromOutlook: parsed.data.tasksFromOutlook,
      status: str("status"),
      lastError: str("lastError"),
      lastSyncAt: str("lastSyncAt"),
      grantedScopes: str("grantedScopes"),
      signedInAt: str("signedInAt"),
      mailboxTimeZone: str("mailboxTimeZone"),
      mailboxTimeZoneNote: str("mailboxTimeZoneNote"),
      etag: entity.etag ?? "",
    },
  };
}
