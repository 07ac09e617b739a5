// PULL for calendar events (msgraph-pull source MSEVENT): read the user's calendarView delta, hand every change to the
// ERP, save the links, and save the new deltaUrl last. 410 / syncStateNotFound → a full read of the window.
import type { StoredSubscription } from "../../adapters/tables/subscriptionsTable.js";
import { AppError } from "../../domain/errors.js";
import type { SyncWindow } from "../../domain/window.js";
import type { AppDeps } from "../appDeps.js";
import type { HandlerContext } from "../dispatchMessage.js";
import type { PullMessageOf } from "../dispatchPull.js";
import { currentWindow } from "../sync/currentWindow.js";
import { describeEffects, rawDeltaItem, type PullRun } from "../sync/planPullRound.js";
import { pullRound } from "../sync/pullRound.js";
import { withSyncStatus } from "../sync/syncStatus.js";
import { linksByOutlookIds } from "./appointmentLinks.js";
import { appointmentPull } from "./appointmentPull.js";
import { fullWindowSync } from "./fullWindowSync.js";
import { anyAppointmentSwitch, loadAppointmentUser } from "./loadAppointmentUser.js";

/** The window a stored delta token was started with (its times are fixed into the token), if recorded. */
export function storedWindow(stored: Pick<StoredSubscription, "windowStart" | "windowEnd">): SyncWindow | undefined {
  if (!stored.windowStart || !stored.windowEnd) return undefined;
  const start = new Date(stored.windowStart);
  const end = new Date(stored.windowEnd);
  return Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) ? undefined : { start, end };
}

/**
 * Unknown user → PermanentError naming it; an invalid Users row (its status already says why) or a user with both
 * appointment switches off → logged, nothing read. A message for another subscription than the stored one (stale:
 * renewed/recreated meanwhile) → logged and ignored. The user's status records the outcome.
 */
export async function pullAppointments(
  deps: AppDeps,
  message: PullMessageOf<"MSEVENT">,
  hctx: HandlerContext,
): Promise<void> {
  const log = hctx.log;
  let user;
  try {
    user = await loadAppointmentUser(deps, message.user);
  } catch (error) {
    if (error instanceof AppError && error.code === "invalid_user") {
      log.warn(`pull ignored: ${error.message}`);
      return;
    }
    throw error;
  }
  if (!anyAppointmentSwitch(user)) {
    log.log(`pull ignored: ${user.userId} has syncAppointments and appointmentsFromOutlook off`);
    return;
  }
  const stored = await deps.subscriptions.get(user.userId, "events");
  if (!stored || stored.subscriptionId !== message.subscriptionId) {
    log.warn(
      `pull ignored: subscription ${message.subscriptionId} is not the stored events subscription of ${user.userId}` +
        ` (${stored ? stored.subscriptionId : "none"})`,
    );
    return;
  }
  const now = deps.now();
  const found = user;
  await withSyncStatus(deps, user, log, "calendar pull", async () => {
    if (stored.deltaUrl) {
      const run: PullRun = {
        deps,
        user: found,
        log,
        now,
        window: storedWindow(stored) ?? currentWindow(deps, now),
      };
      const read = await deps.graph.readCalendarDelta(found.mailbox, { deltaUrl: stored.deltaUrl });
      if (read.kind === "ok") {
        const links = await linksByOutlookIds(
          deps,
          found.userId,
          read.items.map((c) => c.id),
        );
        const { app, ctx } = await appointmentPull(run, links);
        const effects = await pullRound(run, app, ctx, read.items.map(rawDeltaItem));
        await deps.subscriptions.saveDeltaUrl(found.userId, "events", read.deltaUrl, {
          etag: stored.etag,
          lastSyncAt: now.toISOString(),
        });
        log.log(`pull ${found.userId}: ${read.items.length} changes: ${describeEffects(effects)}`);
        return;
      }
      log.warn(`pull ${found.userId}: delta token refused (${read.reason}); full read of the window follows`);
    }
    const run: PullRun = { deps, user: found, log, now, window: currentWindow(deps, now) };
    const result = await fullWindowSync(run, stored);
    log.log(`pull ${found.userId} (full read): ${result.summary}`);
  });
}
