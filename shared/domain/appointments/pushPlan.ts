// PUSH decisions for appointments: the shared push rules (sync/pushPlan) applied to the appointment kind.
import type { GraphEventBody } from "./eventBody.js";
import { appointmentKind } from "./appointmentKind.js";
import { decideItemPush, type PushDecisionOf, type PushInputOf } from "../sync/pushPlan.js";
import type { ErpAppointment } from "./types.js";

export { etagOf, newestModifiedAt, type PushSkipReason } from "../sync/pushPlan.js";

export type PushInput = Omit<PushInputOf<ErpAppointment>, "item"> & {
  /** Required for CREATE/UPDATE; optional for DELETE. Carries kco + hsaRef. */
  appointment?: ErpAppointment | undefined;
};

export type PushDecision =
  /** POST /users/{mailbox}/events with `body` (transactionId inside); then save a link from the answer. */
  | { type: "create"; transactionId: string; body: GraphEventBody; erpFingerprint: string }
  | Exclude<PushDecisionOf<GraphEventBody>, { type: "create" }>;

/**
 * The shared push rules with syncAppointments / appointmentsFromOutlook as the switches, the window as the scope and
 * a transactionId derived from user + kco + hsaRef (a redelivered CREATE never makes a second event).
 */
export function decidePush(input: PushInput): PushDecision {
  const { appointment, ...rest } = input;
  const d = decideItemPush(appointmentKind, { ...rest, item: appointment });
  if (d.type !== "create") return d;
  return { type: "create", transactionId: d.createKey ?? "", body: d.body, erpFingerprint: d.erpFingerprint };
}
