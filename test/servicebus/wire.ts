// Wire encoding helpers of the Service Bus stand-in: addresses, lock-token tags, ticks, the delivered AMQP message.
import rhea from "rhea";
import type { BrokerMessage, Entity } from "./broker.js";

type Obj = Record<string, unknown>;

/** Normalises a link address or CBS audience to an entity path ("queue" or "queue/$DeadLetterQueue"). */
export function entityPathOf(address: string): string {
  let a = address;
  const m = /^(?:sb|amqps?):\/\/[^/]+\/?(.*)$/i.exec(a);
  if (m) a = m[1] ?? "";
  return a.replace(/^\/+/, "").replace(/\/+$/, "");
}

/** Service Bus lock tokens travel as .NET GUID bytes in the delivery tag (the SDK reorders them back). */
export function lockTokenTag(token: string): Buffer {
  const b = rhea.string_to_uuid(token) as Buffer;
  return Buffer.from([b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], ...b.subarray(8)] as number[]);
}

export function uuidTyped(token: string): unknown {
  return rhea.types.wrap_uuid(rhea.string_to_uuid(token));
}

export function longBytes(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}

/** Ticks (100 ns since 0001-01-01) as the 8 big-endian bytes of an AMQP long, as Service Bus sends them. */
export function ticks(ms: number): unknown {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(Math.round(ms)) * 10_000n + 621_355_968_000_000_000n);
  return rhea.types.wrap_long(b);
}

/** The AMQP message the broker hands to a receiver (or returns from peek / receive-by-sequence-number). */
export function wireMessage(entity: Entity, msg: BrokerMessage, token: string | undefined, peek = false): Obj {
  const ann: Obj = { ...(msg.amqp.message_annotations ?? {}) };
  ann["x-opt-sequence-number"] = rhea.types.wrap_long(msg.seq);
  ann["x-opt-enqueue-sequence-number"] = rhea.types.wrap_long(msg.seq);
  ann["x-opt-enqueued-time"] = msg.enqueuedTime;
  if (msg.scheduledTime) ann["x-opt-scheduled-enqueue-time"] = msg.scheduledTime;
  if (token && msg.lock) {
    ann["x-opt-locked-until"] = new Date(msg.lock.until);
    ann["x-opt-lock-token"] = uuidTyped(token);
  }
  if (peek) {
    const state = msg.state === "deferred" ? 1 : msg.state === "scheduled" ? 2 : 0;
    ann["x-opt-message-state"] = rhea.types.wrap_int(state);
  }
  if (msg.deadLetterSource) ann["x-opt-deadletter-source"] = msg.deadLetterSource;
  void entity;
  const out: Obj = { ...msg.amqp, message_annotations: ann };
  // AMQP header delivery-count = prior failed attempts (Service Bus DeliveryCount − 1 for a locked delivery).
  out.delivery_count = Math.max(0, msg.deliveryCount - (peek ? 0 : 1));
  return out;
}
