// Timer trigger (TASK_POLL_SCHEDULE, every 5 minutes): AUTH_MODE application reads To Do by polling, one TASKPOLL per
// task user to msgraph-pull (Graph refuses app-only To Do subscriptions).
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { getAppDeps } from "../shared/app/appDeps.js";
import type { FanOutDeps, FanOutSummary } from "../shared/app/nightly/fanOutResync.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The poll fan-out loads with the first run, not at a cold start. */
const pollTasks = onFirstUse(() => import("../shared/app/tasks/pollTasks.js"));

/** A late run just runs (the next one follows on schedule; a missed run only delays changes). */
export async function runTaskPoll(
  timer: Timer,
  context: InvocationContext,
  deps: FanOutDeps,
): Promise<FanOutSummary | undefined> {
  if (timer.isPastDue) context.warn("task poll: the timer is past due; running now");
  const { fanOutTaskPoll } = await pollTasks();
  return fanOutTaskPoll(deps, context);
}

export async function taskPoll(timer: Timer, context: InvocationContext): Promise<void> {
  await runTaskPoll(timer, context, await getAppDeps());
}

app.timer("taskPoll", {
  // Resolved by the host from the app setting TASK_POLL_SCHEDULE (NCRONTAB, six fields).
  schedule: "%TASK_POLL_SCHEDULE%",
  handler: taskPoll,
});
