// $management request handlers of the Service Bus stand-in (renew-lock, peek, schedule, deferral, session lock/state).
import rhea from "rhea";
import type { AmqpMessage, Entity } from "./broker.js";
import { BrokerError } from "./broker.js";
import { longBytes, uuidTyped, wireMessage } from "./wire.js";

type Obj = Record<string, unknown>;

export interface MgmtResponse {
  status: number;
  description?: string;
  condition?: string;
  body?: unknown;
}

/** A long/uuid as the SDK sends it (number, 8-byte Buffer, Long-like) → number. */
export function toNumber(x: unknown): number {
  if (typeof x === "number") return x;
  if (typeof x === "bigint") return Number(x);
  if (Buffer.isBuffer(x) && x.length === 8) return Number(x.readBigInt64BE(0));
  if (x && typeof x === "object" && "value" in x) return toNumber((x as { value: unknown }).value);
  const n = Number(x);
  if (Number.isFinite(n)) return n;
  throw new BrokerError("amqp:invalid-field", `Expected a number, got ${typeof x}.`);
}

function tokenString(x: unknown): string {
  if (typeof x === "string") return x;
  if (Buffer.isBuffer(x) && x.length === 16) return rhea.uuid_to_string(x);
  throw new BrokerError("amqp:invalid-field", "lock-tokens: expected an array of uuids.");
}

function list(x: unknown, field: string): unknown[] {
  if (Array.isArray(x)) return x;
  if (x === undefined || x === null) throw new BrokerError("amqp:invalid-field", `${field} is required.`);
  return [x];
}

function optString(x: unknown): string | undefined {
  return x === undefined || x === null ? undefined : String(x);
}

function requireSessionId(entity: Entity, body: Obj): string {
  const id = optString(body["session-id"]);
  if (id === undefined) throw new BrokerError("amqp:invalid-field", "session-id is required.");
  if (!entity.requiresSession) {
    throw new BrokerError("amqp:not-allowed", `The entity '${entity.name}' does not require sessions.`);
  }
  return id;
}

export function handleManagement(entity: Entity, req: Obj, _lookup: (n: string) => Entity | undefined): MgmtResponse {
  const props = (req.application_properties ?? {}) as Obj;
  const op = String(props.operation ?? "");
  const body = (req.body && typeof req.body === "object" ? req.body : {}) as Obj;
  switch (op) {
    case "com.microsoft:renew-lock": {
      const tokens = list(body["lock-tokens"], "lock-tokens").map(tokenString);
      const expirations = tokens.map((t) => entity.renewLock(t));
      return { status: 200, body: { expirations } };
    }
    case "com.microsoft:peek-message": {
      const from = toNumber(body["from-sequence-number"] ?? 1);
      const count = toNumber(body["message-count"] ?? 1);
      const sessionId = optString(body["session-id"]);
      const found = entity.peek(from, count, sessionId);
      if (found.length === 0) {
        return { status: 204, condition: undefined, description: "No messages to peek.", body: {} };
      }
      return {
        status: 200,
        body: {
          messages: found.map((m) => ({
            message: rhea.message.encode(wireMessage(entity, m, undefined, true) as never),
          })),
        },
      };
    }
    case "com.microsoft:schedule-message": {
      const items = list(body.messages, "messages") as Obj[];
      const seqs: Buffer[] = [];
      for (const item of items) {
        const raw = item.message;
        if (!Buffer.isBuffer(raw)) throw new BrokerError("amqp:invalid-field", "messages[].message must be binary.");
        const m = rhea.message.decode(raw) as unknown as AmqpMessage;
        const seq = entity.enqueue(m);
        seqs.push(longBytes(seq ?? -1));
      }
      return { status: 200, body: { "sequence-numbers": rhea.types.wrap_array(seqs, 0x81, undefined) } };
    }
    case "com.microsoft:cancel-scheduled-message": {
      const seqs = list(body["sequence-numbers"], "sequence-numbers").map(toNumber);
      for (const s of seqs) entity.cancelScheduled(s);
      return { status: 200, body: {} };
    }
    case "com.microsoft:receive-by-sequence-number": {
      const seqs = list(body["sequence-numbers"], "sequence-numbers").map(toNumber);
      const receiveAndDelete = toNumber(body["receiver-settle-mode"] ?? 1) === 0;
      const sessionId = optString(body["session-id"]);
      const got = entity.receiveDeferred(seqs, sessionId);
      const messages = got.map(({ msg, token }) => {
        const encoded = rhea.message.encode(wireMessage(entity, msg, token) as never);
        if (receiveAndDelete) entity.updateDisposition(token, "completed", {});
        return { "lock-token": uuidTyped(token), message: encoded };
      });
      return { status: 200, body: { messages } };
    }
    case "com.microsoft:update-disposition": {
      const tokens = list(body["lock-tokens"], "lock-tokens").map(tokenString);
      const status = String(body["disposition-status"] ?? "");
      const properties = body["properties-to-modify"];
      for (const t of tokens) {
        entity.updateDisposition(t, status, {
          reason: optString(body["deadletter-reason"]),
          description: optString(body["deadletter-description"]),
          properties: properties && typeof properties === "object" ? (properties as Obj) : undefined,
        });
      }
      return { status: 200, body: {} };
    }
    case "com.microsoft:renew-session-lock": {
      const id = requireSessionId(entity, body);
      return { status: 200, body: { expiration: entity.renewSessionLock(id) } };
    }
    case "com.microsoft:set-session-state": {
      const id = requireSessionId(entity, body);
      const state = body["session-state"];
      entity.sessionFor(id).state = Buffer.isBuffer(state) ? state : undefined;
      return { status: 200, body: {} };
    }
    case "com.microsoft:get-session-state": {
      const id = requireSessionId(entity, body);
      return { status: 200, body: { "session-state": entity.sessionFor(id).state ?? null } };
    }
    case "com.microsoft:get-message-sessions": {
      const skip = toNumber(body.skip ?? 0);
      const top = toNumber(body.top ?? 100);
      const ids = [
        ...new Set([...entity.messages.values()].filter((m) => m.state === "active").map((m) => m.sessionId)),
      ]
        .filter((x): x is string => x !== undefined)
        .slice(skip, skip + top);
      if (ids.length === 0) return { status: 204, body: { skip, "sessions-ids": [] } };
      return { status: 200, body: { skip, "sessions-ids": ids } };
    }
    default:
      return {
        status: 501,
        condition: "amqp:not-implemented",
        description: `The Service Bus stand-in does not implement the management operation '${op}'.`,
      };
  }
}
