// Nightly plans: renew or recreate every subscription to now + lifetime, and what a moved date window changes.
import { PermanentError } from "./errors.js";
import { sameWindow, type SyncWindow } from "./window.js";

export interface SubscriptionState {
  user: string;
  /** Resource kind, e.g. "appointments" or "tasks". */
  kind: string;
  subscriptionId?: string | undefined;
  /** Date, or an ISO string as stored in a table. */
  expiresAt?: Date | string | undefined;
}

export interface RenewalStep {
  user: string;
  kind: string;
  /** create: POST /subscriptions (none stored, or expired). renew: PATCH expirationDateTime (404 → create). */
  action: "create" | "renew";
  subscriptionId?: string;
  newExpiry: Date;
}

/** Whole hours 1..70 (the SUBSCRIPTION_LIFETIME_HOURS bounds; To Do allows at most ~70.5 h). */
function checkLifetime(hours: number): number {
  if (!Number.isInteger(hours) || hours < 1 || hours > 70) {
    throw new PermanentError("invalidSetting", `SUBSCRIPTION_LIFETIME_HOURS: expected 1..70, got ${hours}`);
  }
  return hours;
}

function expiry(value: Date | string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * One step per subscription, all to expire at exactly now + lifetimeHours. Without an id or expiry, with an
 * unreadable expiry, or already expired (expiry ≤ now) → create; otherwise renew.
 */
export function planRenewal(
  subscriptions: readonly SubscriptionState[],
  now: Date,
  lifetimeHours: number,
): RenewalStep[] {
  const newExpiry = new Date(now.getTime() + checkLifetime(lifetimeHours) * 3_600_000);
  return subscriptions.map((s) => {
    const expiresAt = expiry(s.expiresAt);
    const alive = s.subscriptionId && expiresAt !== undefined && expiresAt > now.getTime();
    return alive
      ? {
          user: s.user,
          kind: s.kind,
          action: "renew",
          subscriptionId: s.subscriptionId!,
          newExpiry: new Date(newExpiry),
        }
      : { user: s.user, kind: s.kind, action: "create", newExpiry: new Date(newExpiry) };
  });
}

export interface WindowShift {
  /** The window moved or changed size. */
  changed: boolean;
  /** A calendarView delta is bound to its window: a changed window needs a new delta round (old deltaUrl dropped). */
  restartDelta: boolean;
  /** Ranges now inside that were outside (ask the ERP to push them; new Outlook events there arrive via delta). */
  added: SyncWindow[];
  /** Ranges now outside that were inside (their items are left alone, not deleted). */
  removed: SyncWindow[];
}

/** Parts of `a` not covered by `b`. */
function minus(a: SyncWindow, b: SyncWindow): SyncWindow[] {
  const [as, ae, bs, be] = [a.start.getTime(), a.end.getTime(), b.start.getTime(), b.end.getTime()];
  if (be <= as || bs >= ae) return as < ae ? [{ start: new Date(as), end: new Date(ae) }] : [];
  const parts: SyncWindow[] = [];
  if (bs > as) parts.push({ start: new Date(as), end: new Date(bs) });
  if (be < ae) parts.push({ start: new Date(be), end: new Date(ae) });
  return parts;
}

/** What moving from `oldWindow` (undefined: none stored yet) to `newWindow` means. */
export function planWindowShift(oldWindow: SyncWindow | undefined, newWindow: SyncWindow): WindowShift {
  if (!oldWindow) return { changed: true, restartDelta: true, added: [newWindow], removed: [] };
  if (sameWindow(oldWindow, newWindow)) return { changed: false, restartDelta: false, added: [], removed: [] };
  return {
    changed: true,
    restartDelta: true,
    added: minus(newWindow, oldWindow),
    removed: minus(oldWindow, newWindow),
  };
}
