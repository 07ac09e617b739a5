// Application mode's To Do change detection: the TASK_POLL_SCHEDULE timer fans out one TASKPOLL per task user (the
// nightly fan-out with another message), and the pull worker reads each user's list delta from the stored cursor.
import { pullMessageId } from "../../domain/messages/messageIds.js";
import type { PullMessage } from "../../domain/messages/pullMessage.js";
import type { OutgoingMessage } from "../../adapters/servicebus/queueSender.js";
import type { Logger } from "../dispatchMessage.js";
import { fanOutResync, type FanOutDeps, type FanOutSummary } from "../nightly/fanOutResync.js";
import { needsSubscription } from "../subscriptions/handleLifecycle.js";

/** `taskpoll-YYYY-MM-DDTHH:MM` (UTC): a timer firing twice in one minute sends the same MessageIds (dropped). */
export const taskPollRunId = (at: Date): string => `taskpoll-${at.toISOString().slice(0, 16)}`;

/** The poll request for one user in one run, with its deterministic MessageId. */
export function taskPollMessageFor(user: string, runId: string): OutgoingMessage {
  const body: PullMessage = { source: "TASKPOLL", user };
  return { body, sessionId: user, messageId: pullMessageId(body, runId) };
}

/**
 * AUTH_MODE application: one TASKPOLL per valid user with a task switch on, sent to the pull queue in batches (no
 * subscription clean-up: the nightly run does that). AUTH_MODE delegated: nothing (To Do changes come by subscription).
 */
export async function fanOutTaskPoll(deps: FanOutDeps, log: Logger): Promise<FanOutSummary | undefined> {
  if (deps.config.authMode !== "application") {
    log.log("task poll: AUTH_MODE is delegated (To Do changes arrive by subscription); nothing polled");
    return undefined;
  }
  return fanOutResync(deps, {
    log,
    runId: taskPollRunId(deps.now()),
    cleanup: false,
    prune: false,
    // Users whose To Do list is read: either task switch on (what a To Do subscription would be for).
    fanOut: { select: (user) => needsSubscription(user, "todoTasks"), messageFor: taskPollMessageFor },
  });
}
