// Which zone a user's events are written in: the mailbox's own (cached from mailboxSettings) or DEFAULT_TIME_ZONE.
import { isKnownTimeZone } from "../graphDateTime.js";
import type { UserSettings } from "./userSettings.js";

/** What the Users row caches after a read of mailboxSettings.timeZone. */
export interface CachedMailboxTimeZone {
  /** The zone as Graph named it; "" when it could not be read. */
  timeZone: string;
  /** Why DEFAULT_TIME_ZONE is used instead; "" when the mailbox zone is used. */
  note: string;
}

/** A read of the mailbox zone: the name Graph returned, or why it was refused. */
export type MailboxZoneRead = { timeZone: string } | { denied: string };

/** What to cache after a read: a zone this app can compute with as is; otherwise a note saying the fallback is used. */
export function cacheFromRead(read: MailboxZoneRead, fallback: string): CachedMailboxTimeZone {
  if ("denied" in read)
    return {
      timeZone: "",
      note: `mailboxSettings not readable (${read.denied}); DEFAULT_TIME_ZONE "${fallback}" used until MailboxSettings.Read is granted`,
    };
  if (isKnownTimeZone(read.timeZone)) return { timeZone: read.timeZone, note: "" };
  return {
    timeZone: read.timeZone,
    note: `mailbox time zone "${read.timeZone}" is not one this app can convert; DEFAULT_TIME_ZONE "${fallback}" used`,
  };
}

/** Whether the row holds no result of an earlier read yet (neither a zone nor a note): the zone must be read. */
export const mailboxZoneUnknown = (u: Pick<UserSettings, "mailboxTimeZone" | "mailboxTimeZoneNote">): boolean =>
  !u.mailboxTimeZone && !u.mailboxTimeZoneNote;

/** The zone to write the user's events in: the cached mailbox zone when usable, else `fallback`. */
export function writeZoneOf(cached: { mailboxTimeZone?: string | undefined }, fallback: string): string {
  const zone = cached.mailboxTimeZone;
  return zone && isKnownTimeZone(zone) ? zone : fallback;
}
