// RESYNC (msgraph-pull source RESYNC, e.g. the nightly fan-out): renew or recreate the events subscription, read the
// NEW window from scratch, repair drift against the Links table, ask the ERP to push its items, save window + cursor last.
import { toAppError, TransientError } from "../../domain/errors.js";
import { appointmentKind } from "../../domain/appointments/appointmentKind.js";
import type { AppDeps } from "../appDeps.js";
import type { HandlerContext } from "../dispatchMessage.js";
import type { PullMessageOf } from "../dispatchPull.js";
import { ensureSubscription } from "../subscriptions/ensureSubscription.js";
import { currentWindow } from "../sync/currentWindow.js";
import { erpResyncRequest } from "../sync/erpResyncRequest.js";
import type { PullRun } from "../sync/planPullRound.js";
import { withSyncStatus } from "../sync/syncStatus.js";
import { fullWindowSync } from "./fullWindowSync.js";
import { anyAppointmentSwitch, loadAppointmentUser } from "./loadAppointmentUser.js";
import { refreshMailboxTimeZone } from "./refreshMailboxTimeZone.js";

/**
 * Users with both appointment switches off: nothing. Otherwise: ensureSubscription (renew, or recreate when Graph lost
 * it), a full calendarView/delta read of today's window: Outlook-side drift is repaired like a PULL that sees every event
 * (changed in Outlook since the last sync → UPDATE; gone → DELETE; moved out of the window → nothing; new with a
 * matching category → CREATE) — decideDrift with the ERP side unchanged. The ERP side comes back through the RESYNC
 * request: each item the ERP pushes goes through the PUSH handler, whose If-Match/412 path resolves "both changed" by
 * the conflict rule (decideDrift). The request is sent only when syncAppointments is on (else pushes are ignored).
 * With syncAppointments on, the mailbox's time zone is read again first (a zone the user changed in Outlook is used
 * from the ERP's pushes that follow); a failed read is logged and the cached zone kept, never stopping the resync.
 */
export async function resyncAppointments(
  deps: AppDeps,
  message: PullMessageOf<"RESYNC">,
  hctx: HandlerContext,
): Promise<void> {
  const log = hctx.log;
  const user = await loadAppointmentUser(deps, message.user);
  if (!anyAppointmentSwitch(user)) {
    log.log(`resync: ${user.userId} has no appointment switch on; nothing to do`);
    return;
  }
  const now = deps.now();
  const window = currentWindow(deps, now);
  const run: PullRun = { deps, user, log, now, window };
  const reason = message.reason ?? "resync";
  await withSyncStatus(deps, user, log, "calendar resync", async () => {
    if (user.syncAppointments) {
      try {
        await refreshMailboxTimeZone(deps, user, log);
      } catch (error) {
        const e = toAppError(error);
        log.warn(`resync ${user.userId}: mailbox time zone not read (${e.code}); the cached zone stays in use`);
      }
    }
    const subscription = await ensureSubscription(deps, user, "events");
    const stored = await deps.subscriptions.get(user.userId, "events");
    if (!stored || stored.subscriptionId !== subscription.subscriptionId) {
      throw new TransientError(
        "subscription_changed",
        `resync ${user.userId}: the stored events subscription changed while it was being renewed`,
      );
    }
    const extra = user.syncAppointments
      ? [erpResyncRequest(appointmentKind.name, user.userId, user.defaultCompany, reason, window)]
      : [];
    const result = await fullWindowSync(run, stored, extra);
    log.log(
      `resync ${user.userId} (${reason}): subscription ${subscription.subscriptionId} until ${subscription.expiresAt}; ` +
        `${result.summary}${extra.length ? "; ERP asked to push its appointments" : ""}`,
    );
  });
}
