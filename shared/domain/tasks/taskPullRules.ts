// Tasks in the shared pull rules: the data sent to the ERP, and our ERP key as the task's linkedResource carries it.
import { parseErpKey } from "../appointments/erpKey.js";
import type { PullRules } from "../sync/pullItem.js";
import { inboundTaskData } from "./inboundTask.js";
import type { InboundTaskData, OutlookTask } from "./types.js";

/** The ERP key is known only when the task was read with its linkedResources (a delta item does not carry them). */
export const taskPullRules: PullRules<OutlookTask, InboundTaskData> = {
  inboundData: inboundTaskData,
  erpKeyOf: (t) => (t.erpKey === undefined ? undefined : t.erpKey === null ? null : (parseErpKey(t.erpKey) ?? null)),
};
