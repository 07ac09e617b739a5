// The user's mailbox time zone for event writes: read from Graph (mailboxSettings), cached on the Users row.
import { cacheFromRead, mailboxZoneUnknown, writeZoneOf } from "../../domain/users/mailboxTimeZone.js";
import type { UserSettings } from "../../domain/users/userSettings.js";
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";

/**
 * Reads the mailbox's zone now and caches it on the Users row (`mailboxTimeZone`, `mailboxTimeZoneNote`, written only
 * when they change). A 403 (MailboxSettings.Read not granted) or a zone this app cannot convert never stops a sync:
 * the note says DEFAULT_TIME_ZONE is used. Returns the zone to write the user's events in. The nightly resync calls
 * this for every user so a zone the user changes in Outlook is picked up.
 */
export async function refreshMailboxTimeZone(
  deps: Pick<AppDeps, "graph" | "users" | "config">,
  user: UserSettings,
  log: Logger,
): Promise<string> {
  const read = await deps.graph.readMailboxTimeZone(user.mailbox);
  const cached = cacheFromRead(read, deps.config.defaultTimeZone);
  if (cached.note) log.warn(`${user.userId}: ${cached.note}`);
  if (cached.timeZone !== (user.mailboxTimeZone ?? "") || cached.note !== (user.mailboxTimeZoneNote ?? ""))
    await deps.users.recordMailboxTimeZone(user.userId, cached);
  return writeZoneOf({ mailboxTimeZone: cached.timeZone }, deps.config.defaultTimeZone);
}

/** The zone to write the user's events in: the cached one, else (never read yet) read now and cached. */
export async function mailboxWriteZone(
  deps: Pick<AppDeps, "graph" | "users" | "config">,
  user: UserSettings,
  log: Logger,
): Promise<string> {
  if (mailboxZoneUnknown(user)) return refreshMailboxTimeZone(deps, user, log);
  return writeZoneOf(user, deps.config.defaultTimeZone);
}
