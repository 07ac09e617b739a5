// The erp-inbound RESYNC request of a kind: "push (UPDATE) every item of this kind of the user in the window".
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import type { ItemKind } from "../../domain/sync/link.js";
import { windowToIso, type SyncWindow } from "../../domain/window.js";
import { checkInbound } from "./checkInbound.js";

/** The contract has `reason`; the window also travels as `windowStart`/`windowEnd` (declared in the contract). */
export function erpResyncRequest(
  kind: ItemKind,
  userId: string,
  kco: string | undefined,
  window: SyncWindow,
  reason: string,
): InboundMessage {
  const iso = windowToIso(window);
  return checkInbound({
    kind,
    op: "RESYNC",
    user: userId,
    ...(kco ? { kco } : {}),
    reason: `${reason}: window ${iso.startDateTime} – ${iso.endDateTime}`,
    windowStart: iso.startDateTime,
    windowEnd: iso.endDateTime,
  });
}
