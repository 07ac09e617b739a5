// PUSH for ERP action types (msgraph-push kind actionType): keeps the ActionTypes table in step with the ERP.
import type { PushMessageOf } from "../../domain/messages/pushMessage.js";
import type { AppDeps } from "../appDeps.js";
import type { HandlerContext } from "../dispatchMessage.js";

/**
 * CREATE/UPDATE → the row (company, code) is upserted with the description; DELETE → the row is removed (absent: nothing
 * to do); REPLACE → the company's rows become exactly the list (stale rows removed). Every op is idempotent, so a
 * redelivery changes nothing.
 */
export async function handleActionTypePush(
  deps: Pick<AppDeps, "actionTypes">,
  message: PushMessageOf<"actionType">,
  hctx: HandlerContext,
): Promise<void> {
  const log = hctx.log;
  switch (message.op) {
    case "CREATE":
    case "UPDATE": {
      const { company, code, description } = message.data;
      await deps.actionTypes.upsert({ company, code, description });
      log.log(`action type ${company}/${code} ${message.op === "CREATE" ? "created" : "updated"}`);
      return;
    }
    case "DELETE": {
      const { company, code } = message.data;
      const removed = await deps.actionTypes.remove(company, code);
      log.log(`action type ${company}/${code} ${removed ? "removed" : "was not there"}`);
      return;
    }
    case "REPLACE": {
      const { company, actionTypes } = message.data;
      const r = await deps.actionTypes.replaceCompany(company, actionTypes);
      log.log(`action types of company ${company} replaced: ${r.upserted} kept, ${r.removed} stale removed`);
      return;
    }
  }
}
