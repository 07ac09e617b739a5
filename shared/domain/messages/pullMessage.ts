// Contract of the msgraph-pull queue (internal): "read the changes of this user's subscription" requests.
import * as z from "zod";
import { erpUser, nonEmpty } from "./fields.js";

const subscriptionId = nonEmpty("Graph subscription id");

export const pullNotification = z.object({
  source: z.enum(["MSEVENT", "MSTASK"]).describe("MSEVENT: calendar events; MSTASK: To Do tasks"),
  subscriptionId,
  user: erpUser,
  changeType: z.enum(["created", "updated", "deleted"]).optional(),
  resource: z.string().optional().describe("The notification's resource (for logs only; the pull reads the delta)"),
});
export const pullResync = z.object({
  source: z.literal("RESYNC"),
  subscriptionId: subscriptionId.optional(),
  user: erpUser,
  reason: z.enum(["nightly", "admin", "syncStateNotFound", "missed", "signIn"]).optional(),
});
export const pullLifecycle = z.object({
  source: z.literal("LIFECYCLE"),
  subscriptionId,
  user: erpUser,
  lifecycleEvent: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]),
});

/**
 * Application mode (Graph refuses app-only To Do subscriptions): the TASK_POLL_SCHEDULE timer asks for one read of the
 * user's TASK_LIST_NAME list delta, from the cursor stored for the user (no subscription involved).
 */
export const pullTaskPoll = z.object({
  source: z.literal("TASKPOLL"),
  user: erpUser,
});

/** erp-wins grace over: send the ERP the DELETE of a deleted Outlook event unless an ERP change re-created it since. */
export const pullConfirmDelete = z.object({
  source: z.literal("CONFIRMDELETE"),
  user: erpUser,
  outlookId: nonEmpty("Outlook event id"),
});

export const pullMessage = z
  .discriminatedUnion("source", [pullNotification, pullResync, pullLifecycle, pullConfirmDelete, pullTaskPoll])
  .describe("msgraph-pull: read a user's Graph changes (SessionId = user)");

export type PullMessage = z.infer<typeof pullMessage>;
export type PullSource = PullMessage["source"];
export const pullSources = [
  "MSEVENT",
  "MSTASK",
  "RESYNC",
  "LIFECYCLE",
  "CONFIRMDELETE",
  "TASKPOLL",
] as const satisfies readonly PullSource[];
