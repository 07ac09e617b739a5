// Timer trigger (NIGHTLY_SCHEDULE, 02:00): RESYNC per syncing user to msgraph-pull, unneeded subscriptions removed.
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { getAppDeps } from "../shared/app/appDeps.js";
import type { FanOutDeps, FanOutSummary } from "../shared/app/nightly/fanOutResync.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The fan-out use case loads with the first run, not at a cold start. */
const fanOut = onFirstUse(() => import("../shared/app/nightly/fanOutResync.js"));

/** A late run (host was down at the scheduled time) still runs: missing a night would let subscriptions expire. */
export async function runNightly(timer: Timer, context: InvocationContext, deps: FanOutDeps): Promise<FanOutSummary> {
  if (timer.isPastDue) {
    const status = timer.scheduleStatus as Timer["scheduleStatus"] | undefined; // absent when the monitor is off
    const seen = status ? `; schedule status: last ${status.last}, next ${status.next}` : "";
    context.warn(`nightly: the timer is past due (the scheduled run was missed or late${seen}); running now`);
  }
  const { fanOutResync } = await fanOut();
  return fanOutResync(deps, { log: context });
}

export async function nightly(timer: Timer, context: InvocationContext): Promise<void> {
  await runNightly(timer, context, await getAppDeps());
}

app.timer("nightly", {
  // Resolved by the host from the app setting NIGHTLY_SCHEDULE (NCRONTAB, six fields; it must be set as a setting).
  schedule: "%NIGHTLY_SCHEDULE%",
  // A failed fan-out (Service Bus unreachable) is rerun; resent MessageIds are dropped by duplicate detection.
  retry: { strategy: "exponentialBackoff", maxRetryCount: 4, minimumInterval: 30_000, maximumInterval: 600_000 },
  handler: nightly,
});
