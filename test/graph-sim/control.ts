// The /_sim/ control surface (no auth): seed and read mailbox state, switch faults, read counters, drive lifecycle.
import type { GraphSim } from "./index.js";
import type { FaultSpec } from "./faults.js";
import { GraphError, type SimResponse } from "./http.js";

function parse(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const v: unknown = JSON.parse(body.toString("utf8"));
  if (typeof v !== "object" || v === null) throw new Error("body must be a JSON object");
  return v as Record<string, unknown>;
}

/** Routes /_sim/… ; errors come back as 400 {error:{code:"SimControlError",message}} or 404. */
export async function control(sim: GraphSim, method: string, path: string, body: Buffer): Promise<SimResponse> {
  try {
    const seg = path
      .replace(/^\/_sim\/?/, "")
      .split("/")
      .filter(Boolean)
      .map(decodeURIComponent);
    const b = method === "GET" || method === "DELETE" ? {} : parse(body);
    const [a, mbx, c, d, e] = seg;
    if (a === "info" && method === "GET")
      return {
        status: 200,
        body: {
          baseUrl: sim.baseUrl,
          graphUrl: sim.graphUrl,
          tokenEndpoint: sim.tokenEndpoint,
          authority: `${sim.authorityHost}/${sim.tenantId}`,
          tenantId: sim.tenantId,
          caPath: sim.caPath,
          defaultApp: { clientId: sim.defaultApp.clientId },
        },
      };
    if (a === "seed" && method === "GET") return { status: 200, body: sim.seed };
    if (a === "mailboxes" && mbx === undefined && method === "GET")
      return { status: 200, body: { value: sim.seed.mailboxes } };
    if (a === "mailboxes" && mbx) {
      if (c === "events") {
        if (!d && method === "GET") return { status: 200, body: { value: sim.events(mbx) } };
        if (!d && method === "POST") return { status: 201, body: sim.createEvent(mbx, b) };
        if (d && method === "PATCH") return { status: 200, body: sim.updateEvent(mbx, d, b) };
        if (d && method === "DELETE") return (sim.deleteEvent(mbx, d), { status: 204 });
      }
      if (c === "lists") {
        if (!d && method === "GET") return { status: 200, body: { value: sim.todoLists(mbx) } };
        if (d && e === "tasks") {
          const f = seg[5];
          if (!f && method === "GET") return { status: 200, body: { value: sim.tasks(mbx, d) } };
          if (!f && method === "POST") return { status: 201, body: sim.createTask(mbx, d, b) };
          if (f && method === "PATCH") return { status: 200, body: sim.updateTask(mbx, d, f, b) };
          if (f && method === "DELETE") return (sim.deleteTask(mbx, d, f), { status: 204 });
        }
      }
      if (c === "mailboxSettings") {
        if (method === "GET") return { status: 200, body: sim.mailboxSettings(mbx) };
        if (method === "PATCH") {
          if (typeof b.timeZone !== "string") throw new Error("timeZone (string) is required");
          sim.setMailboxTimeZone(mbx, b.timeZone);
          return { status: 200, body: sim.mailboxSettings(mbx) };
        }
      }
      if (c === "sent" && method === "GET") return { status: 200, body: { value: sim.sentMail(mbx) } };
    }
    if (a === "subscriptions") {
      if (!mbx && method === "GET") return { status: 200, body: { value: sim.subscriptions() } };
      if (mbx && c === "lifecycle" && method === "POST") {
        await sim.triggerLifecycle(mbx, b.event as "reauthorizationRequired" | "subscriptionRemoved" | "missed");
        return { status: 202 };
      }
      if (mbx && c === "expire" && method === "POST") return (sim.expireSubscription(mbx), { status: 204 });
    }
    if (a === "faults") {
      if (method === "POST") {
        const f = b as unknown as FaultSpec & { times?: number | null };
        if (typeof f.status !== "number") throw new Error("fault.status (number) is required");
        sim.injectFault({
          ...f,
          times: f.times === null || f.times === undefined ? 1 : f.times < 0 ? Infinity : f.times,
        });
        return { status: 201 };
      }
      if (method === "DELETE") return (sim.clearFaults(), { status: 204 });
    }
    if (a === "holds" && mbx) {
      if (!c && method === "GET") return { status: 200, body: { held: sim.heldCount(mbx) } };
      if (c === "release" && method === "POST") return { status: 200, body: { released: sim.releaseHeld(mbx) } };
    }
    if (a === "concurrency" && method === "POST") {
      if (typeof b.limit !== "number") throw new Error("limit (number) is required");
      sim.setConcurrencyLimit(b.limit);
      return { status: 204 };
    }
    if (a === "counters") {
      if (method === "GET") return { status: 200, body: sim.counters() };
      if (method === "DELETE") return (sim.resetCounters(), { status: 204 });
    }
    if (a === "notifications") {
      if (!mbx && method === "GET") return { status: 200, body: { value: sim.deliveredNotifications() } };
      if (mbx === "pending" && method === "GET") return { status: 200, body: { pending: sim.pendingNotifications() } };
      if (mbx === "faults" && method === "POST") {
        if (typeof b.duplicateNext === "number") sim.notificationFaults.duplicateNext(b.duplicateNext);
        if (typeof b.dropNext === "number") sim.notificationFaults.dropNext(b.dropNext);
        if (typeof b.delayNextMs === "number") sim.notificationFaults.delayNextMs(b.delayNextMs);
        return { status: 204 };
      }
    }
    if (a === "clock" && method === "POST") {
      if (typeof b.advanceMs !== "number") throw new Error("advanceMs (number) is required");
      sim.advanceClock(b.advanceMs);
      return { status: 204 };
    }
    if (a === "signin" && mbx && method === "POST") {
      sim.setSignIn(mbx, b as never);
      return { status: 204 };
    }
    if (a === "signin" && mbx && method === "DELETE") return (sim.setSignIn(mbx, undefined), { status: 204 });
    if (a === "users" && mbx && c === "revokeSignInSessions" && method === "POST")
      return (sim.revokeSignInSessions(mbx), { status: 204 });
    if (a === "options" && method === "POST") {
      sim.setOptions(b);
      return { status: 204 };
    }
    // To Do as the user changes it in Outlook: rename or delete a list, move a task to another list.
    if (a === "mailboxes" && mbx && c === "lists" && d && !e) {
      if (method === "PATCH") {
        if (typeof b.displayName !== "string") throw new Error("displayName (string) is required");
        return { status: 200, body: sim.renameTodoList(mbx, d, b.displayName) };
      }
      if (method === "DELETE") return (sim.deleteTodoList(mbx, d), { status: 204 });
    }
    if (a === "mailboxes" && mbx && c === "lists" && d && e === "tasks" && seg[5] && seg[6] === "move") {
      if (method !== "POST" || typeof b.toListId !== "string")
        throw new Error("POST with toListId (string) is required");
      return { status: 200, body: sim.moveTask(mbx, d, b.toListId, seg[5]) };
    }
    return {
      status: 404,
      body: {
        error: {
          code: "SimControlNotFound",
          message: `No control route ${method} ${path} (see test/graph-sim/README.md)`,
        },
      },
    };
  } catch (err) {
    if (err instanceof GraphError)
      return { status: err.status, body: { error: { code: err.code, message: err.message } } };
    const msg = (err as Error).message;
    return {
      status: /not found|no subscription|does not exist/i.test(msg) ? 404 : 400,
      body: { error: { code: "SimControlError", message: msg } },
    };
  }
}
