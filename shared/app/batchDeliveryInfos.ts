// Reads the trigger metadata of a batch invocation (cardinality "many"): the host's binding data per message as
// arrays (MessageIdArray, DeliveryCountArray, SessionIdArray, EnqueuedTimeUtcArray, ApplicationPropertiesArray …).
import { deliveryInfoFrom, type DeliveryInfo } from "./dispatchMessage.js";

const ARRAY_SUFFIX = "Array";

/** An array the host may hand over as a value or as JSON text. */
function arrayOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value as unknown[];
  if (typeof value !== "string") return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? (parsed as unknown[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One DeliveryInfo per message of a batch of `count`: element i of each `<name>Array` as `<name>` (camel-cased by the
 * Node worker, e.g. messageIdArray → messageId); single-message metadata is used as it is when the batch has one.
 */
export function deliveryInfosFrom(
  queue: string,
  meta: Record<string, unknown> | undefined,
  count: number,
): DeliveryInfo[] {
  const m = meta ?? {};
  const arrays = Object.entries(m).flatMap(([name, value]) => {
    const values = name.endsWith(ARRAY_SUFFIX) ? arrayOf(value) : undefined;
    return values ? [[name.slice(0, -ARRAY_SUFFIX.length), values] as const] : [];
  });
  return Array.from({ length: count }, (_, i) => {
    const single: Record<string, unknown> = arrays.length === 0 && count === 1 ? { ...m } : {};
    for (const [name, values] of arrays) single[name] = values[i];
    return deliveryInfoFrom(queue, single);
  });
}
