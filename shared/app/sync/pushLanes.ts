// Plans how one batch of push messages (one session, delivery order) runs: messages with the same ERP key one after
// another in a lane, lanes side by side; a message without a key (action type, email) alone, after all before it (pure).
import { parsePushMessage } from "../../domain/messages/parseMessage.js";

/** A lane key per message: an item's ERP key, `null` for a barrier (runs alone, in order with everything). */
export type LaneKey = string | null;

/**
 * The order key of a push body: appointment / task → kind + kco + hsaRef; another kind → null (a barrier: action
 * types and mail keep their order against every other message); an invalid body → its own key (it is only set aside).
 */
export function laneKeyOf(body: unknown, index: number): LaneKey {
  const parsed = parsePushMessage(body);
  if (!parsed.ok) return `#invalid-${index}`;
  const m = parsed.message;
  if (m.kind === "appointment" || m.kind === "task") return `${m.kind}|${m.kco}|${m.hsaRef}`;
  return null;
}

/**
 * Steps run one after the other; a step's lanes run side by side; a lane's message indexes run in order. A barrier is
 * a step of its own with one lane of one message.
 */
export function planLanes(keys: readonly LaneKey[]): number[][][] {
  const steps: number[][][] = [];
  let lanes = new Map<string, number[]>();
  const close = () => {
    if (lanes.size) steps.push([...lanes.values()]);
    lanes = new Map();
  };
  keys.forEach((key, i) => {
    if (key === null) {
      close();
      steps.push([[i]]);
      return;
    }
    const lane = lanes.get(key) ?? [];
    lane.push(i);
    lanes.set(key, lane);
  });
  close();
  return steps;
}
