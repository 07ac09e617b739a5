// The erp-inbound RESYNC request of a kind: "push (UPDATE) every item of this kind of the user" (in the window, if any).
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import type { ItemKind } from "../../domain/sync/link.js";
import { windowToIso, type SyncWindow } from "../../domain/window.js";
import { checkInbound } from "./checkInbound.js";

/**
 * The contract has `reason`; a kind with a window (appointments) also sends it as `windowStart`/`windowEnd` (declared
 * in the contract) and names it in the reason; a kind without one (tasks: the whole list) sends the reason as given.
 */
export function erpResyncRequest(
  kind: ItemKind,
  userId: string,
  kco: string | undefined,
  reason: string,
  window?: SyncWindow,
): InboundMessage {
  const base = { kind, op: "RESYNC" as const, user: userId, ...(kco ? { kco } : {}) };
  if (!window) return checkInbound({ ...base, reason });
  const iso = windowToIso(window);
  return checkInbound({
    ...base,
    reason: `${reason}: window ${iso.startDateTime} – ${iso.endDateTime}`,
    windowStart: iso.startDateTime,
    windowEnd: iso.endDateTime,
  });
}
