// CONFIRMDELETE (msgraph-pull, scheduled at the end of the erp-wins grace): the DELETE of an item deleted in Outlook
// goes to the ERP only if its pending tombstone is still there; an ERP change that crossed the delete has re-created it.
import { pullMessageId } from "../../domain/messages/messageIds.js";
import { kindOfLink, type Link } from "../../domain/sync/link.js";
import type { AppDeps } from "../appDeps.js";
import type { HandlerContext, Logger } from "../dispatchMessage.js";
import type { PullMessageOf } from "../dispatchPull.js";
import { sendInbound } from "../sendInbound.js";
import { checkInbound } from "./checkInbound.js";
import { confirmTombstone } from "./linkArbiter.js";

/**
 * Schedules the confirmation of a pending tombstone at its due time (one per item: a re-send is a duplicate). The
 * resync re-schedules one whose confirmation was lost under another run id (`run`), due at once.
 */
export async function scheduleDeleteConfirmation(
  deps: Pick<AppDeps, "config" | "queues">,
  link: Link,
  due: Date,
  run = "confirm",
): Promise<void> {
  const message: PullMessageOf<"CONFIRMDELETE"> = {
    source: "CONFIRMDELETE",
    user: link.user,
    outlookId: link.outlookId,
  };
  await deps.queues.send(deps.config.pullQueue, message, {
    sessionId: link.user,
    messageId: pullMessageId(message, run === "confirm" ? run : `${run}-${due.toISOString()}`),
    scheduledEnqueueTimeUtc: due,
  });
}

/** The link (of any kind: the row names it) still a tombstone → its DELETE goes to the ERP; else nothing. */
export async function confirmOutlookDelete(
  deps: AppDeps,
  message: PullMessageOf<"CONFIRMDELETE">,
  hctx: HandlerContext,
): Promise<void> {
  const log: Logger = hctx.log;
  const result = await confirmTombstone(deps, message.user, message.outlookId);
  const what = `${result.link ? kindOfLink(result.link) : "item"} ${message.outlookId} of ${message.user}`;
  if (result.outcome === "revived") {
    const why = result.link
      ? `re-created by an ERP change during the grace (state ${result.link.state ?? "live"})`
      : "no longer linked (re-created elsewhere, or deleted by the ERP)";
    log.log(`confirm delete of ${what}: ${why}; no DELETE`);
    return;
  }
  const { link } = result;
  const inbound = checkInbound({
    kind: kindOfLink(link),
    op: "DELETE",
    user: link.user,
    kco: link.kco,
    hsaRef: link.hsaRef,
    outlookId: link.outlookId,
    actionType: null,
  });
  await sendInbound(deps, [{ message: inbound }]);
  log.log(`confirm delete of ${what}: DELETE sent to the ERP`);
}
