// Tasks in the shared pull rules: To Do delta items read (partly) as tasks, the data sent to the ERP, and our ERP key
// as the task's linkedResource carries it.
import { parseErpKey } from "../appointments/erpKey.js";
import { PermanentError } from "../errors.js";
import type { PullReader, PulledChange } from "../sync/pullItem.js";
import { parseGraphTask, type RawTask } from "./graphTask.js";
import { inboundTaskData } from "./inboundTask.js";
import type { InboundTaskData, OutlookTask } from "./types.js";

/** What a partial To Do delta item tells the rules: only which task changed. */
export type PartialTask = Pick<OutlookTask, "id">;

/** A delta item lacking what the fingerprint reads (a changed-properties-only update) is read whole first. */
const isWhole = (raw: object): boolean => "title" in raw && "status" in raw && "importance" in raw;

/**
 * A To Do delta item (or, `whole`, a task read with GET and its linkedResources expanded: none means "not ours"). An
 * `@removed` item is a removal (deleted, or moved to another list); one lacking title, status or importance is partial.
 */
export function readTaskChange(raw: unknown, whole: boolean): PulledChange<OutlookTask, PartialTask> {
  const id = raw && typeof raw === "object" ? (raw as { id?: unknown }).id : undefined;
  if (typeof id !== "string" || !raw || typeof raw !== "object") {
    throw new PermanentError("invalidGraphTask", "task: id missing");
  }
  if ("@removed" in raw) return { removed: true, id };
  if (!whole && !isWhole(raw)) return { removed: false, partial: { id } };
  const task = parseGraphTask(raw as RawTask);
  return { removed: false, item: whole ? { ...task, erpKey: task.erpKey ?? null } : task };
}

/** The ERP key is known only when the task was read with its linkedResources (a delta item does not carry them). */
export const taskPullRules: PullReader<OutlookTask, InboundTaskData, PartialTask> = {
  inboundData: inboundTaskData,
  erpKeyOf: (t) => (t.erpKey === undefined ? undefined : t.erpKey === null ? null : (parseErpKey(t.erpKey) ?? null)),
  read: readTaskChange,
};
