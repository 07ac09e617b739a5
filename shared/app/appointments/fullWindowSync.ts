// A calendarView delta read from scratch for a window (first sync, 410 / syncStateNotFound, nightly RESYNC): every
// event decided, every link whose event did not show confirmed, then the new window and deltaUrl saved last.
import type { StoredSubscription } from "../../adapters/tables/subscriptionsTable.js";
import { TransientError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import { windowToIso } from "../../domain/window.js";
import { describeEffects, rawDeltaItem, type PullRun } from "../sync/planPullRound.js";
import { pullRound } from "../sync/pullRound.js";
import { allAppointmentLinks } from "./appointmentLinks.js";
import { appointmentPull } from "./appointmentPull.js";

/**
 * Reads the whole window (run.window) from scratch, decides and commits (send, then links), then stores the window
 * and the new deltaUrl on the subscription record (ETag-checked against `stored`, so a concurrent change of the record
 * makes this run retry rather than overwrite it). `extra` messages are sent together with the changes (before the
 * links and the cursor), e.g. the ERP RESYNC request.
 */
export async function fullWindowSync(
  run: PullRun,
  stored: StoredSubscription,
  extra: readonly InboundMessage[] = [],
): Promise<{ deltaUrl: string; summary: string }> {
  const { deps, user } = run;
  const iso = windowToIso(run.window);
  const read = await deps.graph.readCalendarDelta(user.mailbox, { start: iso.startDateTime, end: iso.endDateTime });
  if (read.kind !== "ok") {
    throw new TransientError("resync_required", `a fresh calendarView/delta read was refused: ${read.reason}`);
  }
  const { app, ctx } = await appointmentPull(run, await allAppointmentLinks(deps, user.userId));
  const effects = await pullRound(run, app, ctx, read.items.map(rawDeltaItem), { checkUnseenLinks: true, extra });
  const { etag, ...record } = stored;
  await deps.subscriptions.save(
    {
      ...record,
      deltaUrl: read.deltaUrl,
      windowStart: iso.startDateTime,
      windowEnd: iso.endDateTime,
      lastSyncAt: run.now.toISOString(),
    },
    etag,
  );
  return { deltaUrl: read.deltaUrl, summary: `${read.items.length} events in the window: ${describeEffects(effects)}` };
}
