// The sandbox-only web server: the ERP console (push as the ERP, watch erp-inbound, pause/resume the workers) and
// the Outlook view (drive the Graph simulator's mailboxes as a person would). Loopback only.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { QueueSender } from "../../shared/adapters/servicebus/queueSender.js";
import { ERP_KEY_PROPERTY_ID } from "../../shared/domain/appointments/erpKey.js";
import { pushMessageId } from "../../shared/domain/messages/messageIds.js";
import { pushMessage } from "../../shared/domain/messages/pushMessage.js";
import type { GraphSim } from "../../test/graph-sim/index.js";
import type { ServiceBusStandIn } from "../../test/servicebus/index.js";
import { QUEUES } from "../host/localAppSettings.js";
import { erpPage } from "./erpPage.js";
import { startErpInbox } from "./erpInbox.js";
import { outlookPage } from "./outlookPage.js";

export interface ErpConsole {
  url: string;
  stop(): Promise<void>;
}

export interface ConsoleOptions {
  port: number;
  bus: ServiceBusStandIn;
  sim: GraphSim;
  sender: QueueSender;
  hostOrigin: string;
  masterKey: string;
  adminPage: string;
  users: readonly { user: string; mailbox: string; defaultCompany: string }[];
  log: (line: string) => void;
}

const WORKERS = [
  { name: "pushWorker", queue: QUEUES.push },
  { name: "pullWorker", queue: QUEUES.pull },
] as const;

class BadRequest extends Error {}

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new BadRequest("body: expected a JSON object");
}

const str = (body: Record<string, unknown>, field: string): string => {
  const v = body[field];
  if (typeof v !== "string" || v.trim() === "") throw new BadRequest(`${field}: expected a non-empty string`);
  return v.trim();
};

const instant = (body: Record<string, unknown>, field: string): string => {
  const v = str(body, field);
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw new BadRequest(`${field}: expected a date-time such as 2026-12-03T09:00:00Z`);
  return new Date(t).toISOString().replace("Z", "0000");
};

const erpKeyOf = (props: { id: string; value: string }[] | undefined) =>
  props?.find((p) => p.id.toLowerCase() === ERP_KEY_PROPERTY_ID.toLowerCase())?.value ?? "";

export async function startConsole(o: ConsoleOptions): Promise<ErpConsole> {
  const inbox = startErpInbox({
    connectionString: o.bus.connectionString,
    sender: o.sender,
    log: (level, text) => {
      if (level === "error" || level === "warning") o.log(`ERP console: ${text}`);
    },
  });
  const mailboxes = o.users.map((u) => u.mailbox);
  const hostAdmin = (path: string, init: RequestInit = {}) =>
    fetch(`${o.hostOrigin}/admin/${path}`, {
      ...init,
      headers: { "x-functions-key": o.masterKey, "content-type": "application/json" },
    });
  const mailbox = (v: unknown) => {
    if (typeof v !== "string" || !mailboxes.includes(v))
      throw new BadRequest(`mailbox: expected one of ${mailboxes.join(", ")}`);
    return v;
  };

  async function route(req: IncomingMessage, url: URL): Promise<{ status: number; body: unknown; html?: string }> {
    const method = req.method ?? "GET";
    const path = url.pathname;
    if (method === "GET" && (path === "/" || path === "/erp"))
      return { status: 200, body: null, html: erpPage(o.users, o.adminPage) };
    if (method === "GET" && path === "/outlook")
      return { status: 200, body: null, html: outlookPage(mailboxes, o.adminPage) };
    if (method === "GET" && path === "/erp/inbound.json")
      return {
        status: 200,
        body: inbox
          .entries()
          .map((e) => ({ ...(e.body as object), messageId: e.messageId, enqueuedTimeUtc: e.enqueuedTimeUtc })),
      };
    if (method === "GET" && path === "/erp/state.json") {
      const r = await hostAdmin("functions");
      const fns = (await r.json()) as { name: string; disabled: boolean }[];
      return {
        status: 200,
        body: {
          workers: WORKERS.map((w) => ({
            ...w,
            disabled: fns.find((f) => f.name === w.name)?.disabled ?? false,
            waiting: o.bus.queue(w.queue).activeCount(),
          })),
          queues: Object.values(QUEUES).map((q) => ({
            queue: q,
            waiting: o.bus.queue(q).activeCount(),
            deadLettered: o.bus.queue(q).deadLetters().length,
            sessions: [
              ...new Set(
                o.bus
                  .queue(q)
                  .messages()
                  .filter((m) => m.state === "active")
                  .map((m) => `${m.sessionId ?? ""} #${m.deliveryCount}`),
              ),
            ],
          })),
          inbound: inbox.entries(),
        },
      };
    }
    if (method === "POST" && path === "/erp/send") {
      const message = await json(req);
      const user = str(message, "user");
      const parsed = pushMessage.safeParse(message);
      // An invalid message is still sent (as an ERP could): the push worker sets it aside in Rejected, with the reason.
      const messageId = parsed.success
        ? pushMessageId(parsed.data)
        : `console-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      await o.sender.send(QUEUES.push, message, { sessionId: user, messageId });
      return { status: 202, body: { messageId, valid: parsed.success } };
    }
    const w = /^\/erp\/workers\/(pushWorker|pullWorker)$/.exec(path);
    if (method === "PUT" && w) {
      const body = await json(req);
      if (typeof body.paused !== "boolean") throw new BadRequest("paused: expected true or false");
      const r = await hostAdmin(`functions/${w[1]}/disabled`, {
        method: "PUT",
        body: JSON.stringify({ disabled: body.paused }),
      });
      return { status: r.status, body: await r.json() };
    }
    if (method === "GET" && path === "/outlook/data.json") {
      const m = mailbox(url.searchParams.get("mailbox"));
      const events = o.sim
        .events(m)
        .map((e) => ({
          id: e.id,
          subject: e.subject,
          start: `${e.start.dateTime.slice(0, 19)}Z`,
          end: `${e.end.dateTime.slice(0, 19)}Z`,
          categories: e.categories,
          erpKey: erpKeyOf(e.singleValueExtendedProperties),
        }))
        .sort((a, b) => a.start.localeCompare(b.start));
      const lists = o.sim.todoLists(m).map((l) => ({
        id: l.id,
        displayName: l.displayName,
        tasks: o.sim.tasks(m, l.id).map((t) => ({
          id: t.id,
          title: t.title,
          status: t.status,
          erpKey: t.linkedResources?.map((r) => r.externalId).join(", ") ?? "",
        })),
      }));
      return { status: 200, body: { events, lists } };
    }
    if (method === "POST" && path === "/outlook/events") {
      const b = await json(req);
      const categories = Array.isArray(b.categories)
        ? b.categories.filter((c): c is string => typeof c === "string")
        : [];
      const e = o.sim.createEvent(mailbox(b.mailbox), {
        subject: str(b, "subject"),
        start: { dateTime: instant(b, "start"), timeZone: "UTC" },
        end: { dateTime: instant(b, "end"), timeZone: "UTC" },
        categories,
      });
      return { status: 201, body: { id: e.id } };
    }
    const ev = /^\/outlook\/events\/([^/]+)$/.exec(path);
    if (ev && method === "PATCH") {
      const b = await json(req);
      const categories = Array.isArray(b.categories)
        ? b.categories.filter((c): c is string => typeof c === "string")
        : [];
      const e = o.sim.updateEvent(mailbox(b.mailbox), decodeURIComponent(ev[1]!), {
        subject: str(b, "subject"),
        start: { dateTime: instant(b, "start"), timeZone: "UTC" },
        end: { dateTime: instant(b, "end"), timeZone: "UTC" },
        categories,
      });
      return { status: 200, body: { id: e.id } };
    }
    if (ev && method === "DELETE") {
      o.sim.deleteEvent(mailbox(url.searchParams.get("mailbox")), decodeURIComponent(ev[1]!));
      return { status: 204, body: null };
    }
    if (method === "POST" && path === "/outlook/tasks") {
      const b = await json(req);
      const t = o.sim.createTask(mailbox(b.mailbox), str(b, "listId"), {
        title: str(b, "title"),
        status: "notStarted",
      });
      return { status: 201, body: { id: t.id } };
    }
    return { status: 404, body: { error: `no page ${method} ${path}` } };
  }

  const server = createServer((req, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    route(req, url).then(
      (r) => {
        if (r.html !== undefined) res.writeHead(r.status, { "content-type": "text/html; charset=utf-8" }).end(r.html);
        else if (r.status === 204) res.writeHead(204).end();
        else res.writeHead(r.status, { "content-type": "application/json" }).end(JSON.stringify(r.body));
      },
      (error: unknown) => {
        const bad = error instanceof BadRequest;
        const message = error instanceof Error ? error.message : String(error);
        res.writeHead(bad ? 400 : 500, { "content-type": "application/json" }).end(JSON.stringify({ error: message }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(o.port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async stop() {
      await inbox.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
