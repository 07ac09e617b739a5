// AMQP 1.0 layer of the Service Bus stand-in (rhea): connections, CBS, sender/receiver links, settlement, $management.
import type { Server, Socket } from "node:net";
import rhea from "rhea";
import type { AmqpMessage, BrokerMessage, Consumer, Entity, Outcome } from "./broker.js";
import { BrokerError } from "./broker.js";
import { handleManagement, type MgmtResponse } from "./management.js";
import { entityPathOf, lockTokenTag, ticks, wireMessage } from "./wire.js";

const SESSION_FILTER = "com.microsoft:session-filter";
const BATCH_FORMAT = 0x80013700;
const MAX_MESSAGE_SIZE = 262_144; // Standard tier: 256 KB

/* Loose views of rhea runtime objects (its typings do not cover the internals a broker needs). */
type Obj = Record<string, unknown>;
interface RheaDelivery {
  id: number;
  tag?: Buffer;
  settled?: boolean;
  remote_settled?: boolean;
  remote_state?: Obj & { error?: Obj; constructor: { composite_type?: string } };
  update(settled: boolean, state?: unknown): void;
  accept(): void;
  reject(error: Obj): void;
}
interface RheaLink {
  name: string;
  credit: number;
  source?: Obj | null;
  target?: Obj | null;
  properties?: Obj;
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  connection: RheaConnection;
  session: { outgoing: { next_pending_delivery: number } };
  local: { attach: Obj };
  remote: { attach?: Obj };
  state: { local_open: boolean; open_requests: number };
  _draining?: boolean;
  set_source(f: Obj): void;
  set_target(f: Obj): void;
  set_drained(b: boolean): void;
  open(): void;
  close(error?: Obj): void;
  send(msg: unknown, tag?: Buffer, format?: number): RheaDelivery;
  is_open(): boolean;
  is_closed(): boolean;
}
interface RheaConnection {
  close(error?: Obj): void;
  _register(): void;
  socket?: Socket;
  is_open(): boolean;
}
interface Ctx {
  connection: RheaConnection;
  sender?: RheaLink;
  receiver?: RheaLink;
  delivery?: RheaDelivery;
  message?: unknown;
  format?: number;
}

export interface AmqpServerOptions {
  port: number;
  lookup(name: string): Entity | undefined;
}

export interface AmqpServer {
  port: number;
  stop(): Promise<void>;
}

function addressOf(t: Obj | null | undefined): string | undefined {
  const a = t?.address;
  return typeof a === "string" ? a : undefined;
}

class LinkConsumer implements Consumer {
  sessionId?: string;
  readonly receiveAndDelete: boolean;
  private readonly inFlight: RheaDelivery[] = [];
  readonly tokens = new WeakMap<object, string>();
  closed = false;

  constructor(
    readonly entity: Entity,
    readonly link: RheaLink,
  ) {
    this.receiveAndDelete = link.snd_settle_mode === 1;
  }

  private untransmitted(): number {
    const next = this.link.session.outgoing.next_pending_delivery;
    while (this.inFlight.length > 0 && (this.inFlight[0] as RheaDelivery).id < next) this.inFlight.shift();
    return this.inFlight.length;
  }

  credit(): number {
    return this.link.credit - this.untransmitted();
  }

  isOpen(): boolean {
    return !this.closed && this.link.is_open();
  }

  deliver(msg: BrokerMessage, lockToken: string | undefined): void {
    const wire = wireMessage(this.entity, msg, lockToken);
    const tag = lockToken ? lockTokenTag(lockToken) : Buffer.from(String(msg.seq));
    const d = this.link.send(wire, tag);
    if (lockToken) this.tokens.set(d, lockToken);
    this.inFlight.push(d);
  }

  fail(condition: string, description: string): void {
    if (this.closed) return;
    this.closed = true;
    this.link.close({ condition, description });
  }

  /** When the receiver drains, answer once every queued transfer has gone out. */
  drainWhenIdle(attempt = 0): void {
    if (!this.link._draining || this.closed) return;
    if (this.untransmitted() > 0 && attempt < 1000) {
      setImmediate(() => this.drainWhenIdle(attempt + 1));
      return;
    }
    if (this.link.credit > 0) {
      this.link.set_drained(true);
      this.link.connection._register();
    }
  }
}

export function startAmqpServer(opts: AmqpServerOptions): Promise<AmqpServer> {
  const linkOpts = {
    sender_options: { autosettle: false, treat_modified_as_released: false },
    receiver_options: { autoaccept: false, credit_window: 1000 },
  };
  const container = rhea.create_container({ id: "servicebus-standin", ...linkOpts } as never);
  const consumers = new WeakMap<object, LinkConsumer>();
  const entityReceivers = new WeakMap<object, Entity>();
  const requestReceivers = new WeakMap<object, { kind: "cbs" } | { kind: "mgmt"; entity: Entity }>();
  const replyLinks = new Map<RheaConnection, Map<string, RheaLink>>();
  const connConsumers = new Map<RheaConnection, Set<LinkConsumer>>();
  const sockets = new Set<Socket>();
  const connections = new Set<RheaConnection>();

  const dropConsumer = (c: LinkConsumer | undefined): void => {
    if (!c) return;
    c.closed = true;
    c.entity.removeConsumer(c);
  };

  const dropConnection = (conn: RheaConnection): void => {
    connections.delete(conn);
    replyLinks.delete(conn);
    for (const c of connConsumers.get(conn) ?? []) dropConsumer(c);
    connConsumers.delete(conn);
  };

  const refuse = (link: RheaLink, condition: string, description: string): void => {
    link.close({ condition, description });
  };

  container.on("connection_open", (ctx: Ctx) => {
    connections.add(ctx.connection);
  });
  for (const ev of ["connection_close", "disconnected", "connection_error"]) {
    container.on(ev, (ctx: Ctx) => dropConnection(ctx.connection));
  }
  container.on("error", () => {
    /* link/connection errors are reported to the peer; nothing to do here */
  });

  // A client sender attached: we receive on it (messages to a queue, CBS or management requests).
  container.on("receiver_open", (ctx: Ctx) => {
    const link = ctx.receiver as RheaLink;
    const address = addressOf(link.target) ?? "";
    link.set_target({ address });
    if (address === "$cbs") {
      requestReceivers.set(link, { kind: "cbs" });
      return;
    }
    const path = entityPathOf(address);
    if (path.endsWith("/$management")) {
      const entity = opts.lookup(path.slice(0, -"/$management".length));
      if (!entity) return refuse(link, "amqp:not-found", `The messaging entity '${path}' could not be found.`);
      requestReceivers.set(link, { kind: "mgmt", entity });
      return;
    }
    const entity = opts.lookup(path);
    if (!entity) return refuse(link, "amqp:not-found", `The messaging entity '${path}' could not be found.`);
    if (entity.isDlq) return refuse(link, "amqp:not-allowed", `Cannot send to the dead-letter queue '${path}'.`);
    link.local.attach.max_message_size = MAX_MESSAGE_SIZE;
    entityReceivers.set(link, entity);
  });

  // A client receiver attached: we send on it (queue deliveries, or replies to CBS / management requests).
  container.on("sender_open", (ctx: Ctx) => {
    const link = ctx.sender as RheaLink;
    const address = addressOf(link.source) ?? "";
    const path = entityPathOf(address);
    const targetAddress = addressOf(link.target);
    if (targetAddress !== undefined) link.set_target({ address: targetAddress });
    if (address === "$cbs" || path.endsWith("/$management")) {
      link.set_source({ address });
      link.local.attach.snd_settle_mode = 1; // replies are sent pre-settled
      let m = replyLinks.get(ctx.connection);
      if (!m) replyLinks.set(ctx.connection, (m = new Map()));
      m.set(link.name, link);
      if (targetAddress) m.set(targetAddress, link);
      return;
    }
    const entity = opts.lookup(path);
    if (!entity) return refuse(link, "amqp:not-found", `The messaging entity '${path}' could not be found.`);
    link.local.attach.snd_settle_mode = link.snd_settle_mode ?? 0;
    link.local.attach.rcv_settle_mode = link.rcv_settle_mode ?? 0;
    const filter = (link.source?.filter ?? undefined) as Obj | undefined;
    const wantsSession = !!filter && Object.prototype.hasOwnProperty.call(filter, SESSION_FILTER);
    const consumer = new LinkConsumer(entity, link);
    consumers.set(link, consumer);
    let set = connConsumers.get(ctx.connection);
    if (!set) connConsumers.set(ctx.connection, (set = new Set()));
    set.add(consumer);

    if (!entity.requiresSession) {
      if (wantsSession) {
        consumer.closed = true;
        return refuse(
          link,
          "amqp:not-allowed",
          `It is not possible for an entity that does not require sessions ('${path}') to create a session receiver.`,
        );
      }
      link.set_source({ address });
      entity.consumers.add(consumer);
      return;
    }
    if (!wantsSession) {
      consumer.closed = true;
      return refuse(
        link,
        "amqp:not-allowed",
        `It is not possible for an entity that requires sessions ('${path}') to create a non-sessionful message receiver.`,
      );
    }
    // Session receiver: hold the attach until a session is locked (or the wait times out).
    link.state.local_open = false;
    link.state.open_requests = Math.max(0, link.state.open_requests - 1);
    const rawRequested = filter?.[SESSION_FILTER];
    const requested = rawRequested === null || rawRequested === undefined ? undefined : String(rawRequested);
    const props = (link.properties ?? {}) as Obj;
    const timeout =
      typeof props["com.microsoft:timeout"] === "number" ? (props["com.microsoft:timeout"] as number) : 60_000;
    const waitMs = Math.max(0, timeout - 1_000);
    entity.acceptSession(consumer, requested, waitMs).then(
      (sessionId) => {
        if (link.is_closed() || consumer.closed) {
          if (sessionId !== undefined) entity.releaseSession(consumer);
          return;
        }
        if (sessionId === undefined) {
          consumer.closed = true;
          link.open();
          link.close({
            condition: "com.microsoft:timeout",
            description: `No unlocked session became available on '${path}' within ${waitMs} ms (session-cannot-be-locked).`,
          });
          return;
        }
        const s = entity.sessionFor(sessionId);
        link.set_source({ address, filter: { [SESSION_FILTER]: sessionId } });
        link.local.attach.properties = { "com.microsoft:locked-until-utc": ticks(s.lockedUntil) };
        link.open();
        entity.consumers.add(consumer);
        setImmediate(() => entity.pump());
      },
      (err: unknown) => {
        consumer.closed = true;
        const e = err instanceof BrokerError ? err : new BrokerError("amqp:internal-error", String(err));
        link.open();
        link.close({ condition: e.condition, description: e.message });
      },
    );
  });

  const onCredit = (ctx: Ctx): void => {
    const c = consumers.get(ctx.sender as object);
    if (!c) return;
    c.entity.pump();
    if ((ctx.sender as RheaLink)._draining) c.drainWhenIdle();
  };
  container.on("sender_flow", onCredit);

  for (const ev of ["sender_close", "sender_error"]) {
    container.on(ev, (ctx: Ctx) => dropConsumer(consumers.get(ctx.sender as object)));
  }

  // Settlement of deliveries we sent.
  const settleEvent = (kind: "accepted" | "released" | "modified" | "rejected") => (ctx: Ctx) => {
    const link = ctx.sender as RheaLink;
    const d = ctx.delivery as RheaDelivery;
    const c = consumers.get(link);
    if (!c) return;
    const token = c.tokens.get(d);
    const finish = (state?: unknown): void => {
      if (!d.settled) d.update(true, state);
      d.remote_settled = true; // the client forgets the delivery once we settle (rcv-settle-mode second)
    };
    if (!token) return finish();
    let outcome: Outcome;
    const rs = (d.remote_state ?? {}) as Obj;
    if (kind === "accepted") outcome = { kind: "complete" };
    else if (kind === "released") outcome = { kind: "abandon" };
    else if (kind === "modified") {
      const annotations = plainMap(rs.message_annotations);
      outcome = rs.undeliverable_here === true ? { kind: "defer", annotations } : { kind: "abandon", annotations };
    } else {
      const error = (rs.error ?? {}) as Obj;
      const info = plainMap(error.info) ?? {};
      const { DeadLetterReason, DeadLetterErrorDescription, ...rest } = info;
      outcome = {
        kind: "deadletter",
        reason: DeadLetterReason === undefined || DeadLetterReason === null ? undefined : String(DeadLetterReason),
        description:
          DeadLetterErrorDescription === undefined || DeadLetterErrorDescription === null
            ? undefined
            : String(DeadLetterErrorDescription),
        properties: rest,
      };
    }
    try {
      c.entity.settle(token, outcome);
      finish(echoOutcome(kind, rs));
    } catch (err) {
      const e = err instanceof BrokerError ? err : new BrokerError("amqp:internal-error", String(err));
      finish(
        outcomeUtil()
          .rejected({ error: { condition: e.condition, description: e.message } })
          .described(),
      );
    }
  };
  container.on("accepted", settleEvent("accepted"));
  container.on("released", settleEvent("released"));
  container.on("modified", settleEvent("modified"));
  container.on("rejected", settleEvent("rejected"));

  const reply = (conn: RheaConnection, req: Obj, res: MgmtResponse, cbs: boolean): void => {
    const replyTo = typeof req.reply_to === "string" ? req.reply_to : undefined;
    const link = replyTo ? replyLinks.get(conn)?.get(replyTo) : undefined;
    if (!link || !link.is_open()) return;
    const props: Obj = cbs
      ? { "status-code": res.status, "status-description": res.description ?? "" }
      : { statusCode: res.status, statusDescription: res.description ?? "" };
    if (res.condition) props[cbs ? "error-condition" : "errorCondition"] = res.condition;
    link.send({
      to: replyTo,
      correlation_id: req.message_id,
      application_properties: props,
      body: res.body ?? null,
    });
  };

  container.on("message", (ctx: Ctx) => {
    const link = ctx.receiver as RheaLink;
    const d = ctx.delivery as RheaDelivery;
    const rr = requestReceivers.get(link);
    if (rr) {
      d.accept();
      const req = ctx.message as Obj;
      const res = rr.kind === "cbs" ? handlePutToken(req, opts.lookup) : safeManagement(rr.entity, req, opts.lookup);
      reply(ctx.connection, req, res, rr.kind === "cbs");
      return;
    }
    const entity = entityReceivers.get(link);
    if (!entity) {
      d.reject({ condition: "amqp:not-found", description: "No entity is bound to this link." });
      return;
    }
    try {
      entity.transfers++;
      if (ctx.format === BATCH_FORMAT) {
        entity.batches++;
        const outer = rhea.message.decode(ctx.message as Buffer) as unknown as Obj;
        const body = outer.body as { content: unknown; multiple?: boolean } | undefined;
        const parts = body ? (body.multiple ? (body.content as Buffer[]) : [body.content as Buffer]) : [];
        const inner = parts.map((p) => rhea.message.decode(p) as unknown as AmqpMessage);
        // Validate all before enqueueing any, so a batch is all-or-nothing.
        if (entity.requiresSession && inner.some((m) => typeof m.group_id !== "string")) {
          throw new BrokerError(
            "amqp:invalid-field",
            `A message in the batch has no SessionId, but '${entity.name}' requires sessions.`,
          );
        }
        for (const m of inner) entity.enqueue(m);
      } else if (ctx.format === 0 || ctx.format === undefined) {
        entity.enqueue(ctx.message as AmqpMessage);
      } else {
        throw new BrokerError("amqp:not-implemented", `Message format ${ctx.format} is not supported by the stand-in.`);
      }
      d.accept();
    } catch (err) {
      const e = err instanceof BrokerError ? err : new BrokerError("amqp:internal-error", String(err));
      d.reject({ condition: e.condition, description: e.message });
    }
  });

  return new Promise((resolve, reject) => {
    const server = container.listen({ port: opts.port, host: "127.0.0.1", ...linkOpts } as never) as unknown as Server;
    server.on("connection", (s: Socket) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    server.once("error", reject);
    server.once("listening", () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : opts.port;
      resolve({
        port,
        stop: () =>
          new Promise<void>((res) => {
            for (const conn of connections) {
              try {
                conn.close({
                  condition: "amqp:connection:forced",
                  description: "The Service Bus stand-in is stopping.",
                });
              } catch {
                /* already closed */
              }
            }
            const t = setTimeout(() => {
              for (const s of sockets) s.destroy();
            }, 100);
            server.close(() => {
              clearTimeout(t);
              res();
            });
            setTimeout(() => {
              for (const s of sockets) s.destroy();
            }, 50).unref();
          }),
      });
    });
  });
}

interface OutcomeUtil {
  accepted(): { described(): unknown };
  released(): { described(): unknown };
  modified(f: Obj): { described(): unknown };
  rejected(f: Obj): { described(): unknown };
}

function outcomeUtil(): OutcomeUtil {
  return rhea.message as unknown as OutcomeUtil;
}

/** The terminal state we settle a delivery with, mirroring what the client asked for (no error = success). */
function echoOutcome(kind: "accepted" | "released" | "modified" | "rejected", rs: Obj): unknown {
  const u = outcomeUtil();
  if (kind === "accepted") return u.accepted().described();
  if (kind === "released") return u.released().described();
  if (kind === "modified") {
    return u
      .modified({ delivery_failed: rs.delivery_failed === true, undeliverable_here: rs.undeliverable_here === true })
      .described();
  }
  return u.rejected({}).described();
}

function plainMap(x: unknown): Record<string, unknown> | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x === "object" && "value" in (x as Obj) && "typecode" in (x as Obj)) {
    return rhea.types.unwrap_map_simple(x) as Record<string, unknown>;
  }
  if (typeof x === "object") return x as Record<string, unknown>;
  return undefined;
}

function safeManagement(entity: Entity, req: Obj, lookup: (n: string) => Entity | undefined): MgmtResponse {
  try {
    return handleManagement(entity, req, lookup);
  } catch (err) {
    if (err instanceof BrokerError)
      return { status: err.statusCode, condition: err.condition, description: err.message };
    return { status: 500, condition: "amqp:internal-error", description: String(err) };
  }
}

function handlePutToken(req: Obj, lookup: (n: string) => Entity | undefined): MgmtResponse {
  const props = (req.application_properties ?? {}) as Obj;
  if (props.operation !== "put-token") {
    return {
      status: 501,
      condition: "amqp:not-implemented",
      description: `CBS operation '${String(props.operation)}' is not supported.`,
    };
  }
  const audience = typeof props.name === "string" ? props.name : "";
  if (typeof req.body !== "string" || req.body.length === 0) {
    return { status: 400, condition: "amqp:invalid-field", description: "put-token: the token (body) is missing." };
  }
  let path = entityPathOf(audience);
  if (path.endsWith("/$management")) path = path.slice(0, -"/$management".length);
  if (!/^sb:\/\//i.test(audience)) {
    return {
      status: 400,
      condition: "amqp:invalid-field",
      description: `put-token: audience '${audience}' is not an sb:// URI.`,
    };
  }
  if (path !== "" && !lookup(path)) {
    return {
      status: 404,
      condition: "amqp:not-found",
      description: `put-token: the messaging entity '${path}' could not be found.`,
    };
  }
  return { status: 200, description: "OK" };
}
