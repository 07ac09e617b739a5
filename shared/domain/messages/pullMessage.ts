// Contract of the msgraph-pull queue (internal): "read the changes of this user's subscription" requests.
import { z } from "zod";
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
  reason: z.enum(["nightly", "admin", "syncStateNotFound", "missed"]).optional(),
});
export const pullLifecycle = z.object({
  source: z.literal("LIFECYCLE"),
  subscriptionId,
  user: erpUser,
  lifecycleEvent: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]),
});

/** erp-wins grace over: send the ERP the DELETE of a deleted Outlook event unless an ERP change re-created it since. */
export const pullConfirmDelete = z.object({
  source: z.literal("CONFIRMDELETE"),
  user: erpUser,
  outlookId: nonEmpty("Outlook event id"),
});

export const pullMessage = z
  .discriminatedUnion("source", [pullNotification, pullResync, pullLifecycle, pullConfirmDelete])
  .describe("msgraph-pull: read a user's Graph changes (SessionId = user)");

export type PullMessage = z.infer<typeof pullMessage>;
export type PullSource = PullMessage["source"];
export const pullSources = [
  "MSEVENT",
  "MSTASK",
  "RESYNC",
  "LIFECYCLE",
  "CONFIRMDELETE",
] as const satisfies readonly PullSource[];
