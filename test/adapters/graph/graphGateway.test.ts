// GraphGateway resource methods against the simulator: events (transactionId, extended property, If-Match),
// subscriptions (with a webhook answering the handshake), mail, and which POSTs are re-sent after a 429/503.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERP_KEY_PROPERTY_ID, extendedPropertyValue } from "../../../shared/adapters/graph/extendedProperties.js";
import type { GraphGateway } from "../../../shared/adapters/graph/graphGateway.js";
import { KeyedSemaphore } from "../../../shared/adapters/graph/keyedSemaphore.js";
import { addAttachment } from "../../../shared/adapters/graph/mailboxMessages.js";
import { AuthError, PermanentError, TransientError } from "../../../shared/domain/errors.js";
import { defaultSeed } from "../../graph-sim/index.js";
import { gatewayFor, JSMITH, startGraphSim, tokenProviderFor, type GraphSim } from "./simGateway.js";

// Drafts and upload sessions need Mail.ReadWrite (Graph: create message); the default seed grants Mail.Send only.
const MAIL_SEND_ONLY = { clientId: "33333333-3333-4333-8333-333333333333", clientSecret: "send-only-secret" };
function seedWithMailReadWrite() {
  const seed = defaultSeed();
  const app = seed.apps[0]!;
  seed.apps.push({ ...MAIL_SEND_ONLY, applicationPermissions: [...app.applicationPermissions] });
  app.applicationPermissions = [...app.applicationPermissions, "Mail.ReadWrite"];
  return seed;
}

let sim: GraphSim;
let gw: GraphGateway;
let hook: Server;
let hookUrl: string;
const received: unknown[] = [];

beforeAll(async () => {
  sim = await startGraphSim({ seed: seedWithMailReadWrite() });
  gw = gatewayFor(sim, { limiter: new KeyedSemaphore(4) });
  hook = createServer((req, res) => {
    const token = new URL(req.url ?? "/", "http://x").searchParams.get("validationToken");
    if (token !== null) {
      res.writeHead(200, { "Content-Type": "text/plain" }).end(token);
      return;
    }
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push(JSON.parse(body || "null"));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", () => r()));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/api/graphWebhook`;
});
afterAll(async () => {
  await sim?.stop();
  await new Promise((r) => hook?.close(r));
});

const event = (subject: string, extra: Record<string, unknown> = {}) => ({
  subject,
  start: { dateTime: "2026-12-05T09:00:00", timeZone: "UTC" },
  end: { dateTime: "2026-12-05T10:00:00", timeZone: "UTC" },
  ...extra,
});

describe("events", () => {
  it("createEvent with transactionId returns the first event on a repeat; the extended property reads back", async () => {
    const tx = "7E163156-7762-4BEB-A1C6-729EA81755A7";
    const body = event("Site visit", {
      transactionId: tx,
      categories: ["Meeting"],
      singleValueExtendedProperties: [{ id: ERP_KEY_PROPERTY_ID, value: "1|H0001234" }],
    });
    const a = await gw.createEvent(JSMITH, body);
    const b = await gw.createEvent(JSMITH, body);
    expect(b.id).toBe(a.id);
    expect(sim.events(JSMITH).filter((e) => e.transactionId === tx)).toHaveLength(1);
    const got = await gw.getEvent(JSMITH, a.id);
    expect(got?.categories).toEqual(["Meeting"]);
    expect(got && extendedPropertyValue(got)).toBe("1|H0001234");
  });

  it("updateEvent with the current etag succeeds; with a stale one → PermanentError precondition_failed", async () => {
    const e = await gw.createEvent(JSMITH, event("Etag test"));
    const etag = e["@odata.etag"];
    expect(etag).toBeTruthy();
    const updated = await gw.updateEvent(JSMITH, e.id, { subject: "Etag test 2" }, { ifMatch: etag! });
    expect(updated.subject).toBe("Etag test 2");
    expect(updated.changeKey).not.toBe(e.changeKey);
    const stale = await gw.updateEvent(JSMITH, e.id, { subject: "lost" }, { ifMatch: etag! }).catch((x: unknown) => x);
    expect(stale).toBeInstanceOf(PermanentError);
    expect((stale as PermanentError).code).toBe("precondition_failed");
    expect(sim.events(JSMITH).find((x) => x.id === e.id)?.subject).toBe("Etag test 2");
  });

  it("deleteEvent is idempotent: the second delete reports it was already gone", async () => {
    const e = await gw.createEvent(JSMITH, event("Delete me"));
    expect(await gw.deleteEvent(JSMITH, e.id)).toEqual({ deleted: true });
    expect(await gw.deleteEvent(JSMITH, e.id)).toEqual({ deleted: false });
    expect(await gw.getEvent(JSMITH, e.id)).toBeUndefined();
  });
});

describe("subscriptions", () => {
  it("create (handshake answered), get, renew, delete", async () => {
    const expiry = new Date(Date.now() + 48 * 3600_000).toISOString();
    const sub = await gw.createSubscription(JSMITH, {
      changeType: "created,updated,deleted",
      notificationUrl: hookUrl,
      lifecycleNotificationUrl: `${hookUrl}/lifecycle`,
      resource: `users/${JSMITH}/events`,
      expirationDateTime: expiry,
      clientState: "s3cret-state",
    });
    expect(sub.id).toBeTruthy();
    expect(sub.resource.toLowerCase()).toContain("events");
    expect((await gw.getSubscription(JSMITH, sub.id))?.id).toBe(sub.id);

    const later = new Date(Date.now() + 60 * 3600_000).toISOString();
    const renewed = await gw.renewSubscription(JSMITH, sub.id, later);
    expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(Date.parse(sub.expirationDateTime));

    expect(await gw.deleteSubscription(JSMITH, sub.id)).toEqual({ deleted: true });
    expect(await gw.getSubscription(JSMITH, sub.id)).toBeUndefined();
    expect(await gw.deleteSubscription(JSMITH, sub.id)).toEqual({ deleted: false });
  });

  it("an expiry beyond the resource's maximum is refused as a PermanentError", async () => {
    const e = await gw
      .createSubscription(JSMITH, {
        changeType: "created",
        notificationUrl: hookUrl,
        resource: `users/${JSMITH}/events`,
        expirationDateTime: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        clientState: "x",
      })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PermanentError);
  });
});

describe("mail", () => {
  it("sendMail lands in the simulator's sent store", async () => {
    await gw.sendMail(JSMITH, {
      subject: "Invoice 42",
      body: { contentType: "Text", content: "See attached." },
      toRecipients: [{ emailAddress: { address: "client@example.test" } }],
    });
    const sent = sim.sentMail(JSMITH);
    expect(sent.map((m) => m.subject)).toContain("Invoice 42");
  });

  it("without Mail.ReadWrite a draft cannot be created: AuthError", async () => {
    const sendOnly = gatewayFor(sim, {
      tokenProvider: tokenProviderFor(sim, MAIL_SEND_ONLY),
      limiter: new KeyedSemaphore(4),
    });
    const e = await sendOnly.createDraft(JSMITH, { subject: "x" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
  });

  it("draft + upload session (ranged PUTs of ≤ 4 MB) + send", async () => {
    const draft = await gw.createDraft(JSMITH, {
      subject: "Big drawing",
      body: { contentType: "Text", content: "Attached." },
      toRecipients: [{ emailAddress: { address: "client@example.test" } }],
    });
    const bytes = new Uint8Array(5 * 1024 * 1024 + 123).map((_, i) => i % 251);
    const session = await gw.createUploadSession(JSMITH, draft.id, {
      name: "drawing.pdf",
      size: bytes.length,
      contentType: "application/pdf",
    });
    expect(session.uploadUrl).toMatch(/^https:/);
    // Two ranges (4 MB + the rest); the simulator checks each Content-Range against the body it gets.
    await gw.uploadAttachment(JSMITH, session.uploadUrl, bytes);
    await gw.sendDraft(JSMITH, draft.id);
    const sent = sim.sentMail(JSMITH).find((m) => m.subject === "Big drawing");
    expect(sent?.attachments[0]?.size).toBe(bytes.length);
    expect(Buffer.from(sent?.attachments[0]?.contentBytes ?? "", "base64").equals(Buffer.from(bytes))).toBe(true);
  });
});

describe("retry per request: which writes are re-sent after a 429 / 503 (Retry-After 0.1 s)", () => {
  const draft = () => gw.createDraft(JSMITH, { subject: "retry policy", toRecipients: [] });
  const mail = {
    subject: "p",
    body: { contentType: "Text", content: "x" },
    toRecipients: [{ emailAddress: { address: "c@example.test" } }],
  };
  const subscription = () => ({
    changeType: "created,updated,deleted",
    notificationUrl: hookUrl,
    resource: `users/${JSMITH}/events`,
    expirationDateTime: new Date(Date.now() + 24 * 3600_000).toISOString(),
    clientState: "retry-policy",
  });
  const tasksList = async () => (await gw.listTodoLists(JSMITH))[0]!.id;
  const attachment = { "@odata.type": "#microsoft.graph.fileAttachment", name: "a.txt", contentBytes: "eA==" };

  // [what, fault path, endpoint counted, status, call (set-up outside the count), requests expected, outcome]
  type Row = [string, RegExp, string, number, () => Promise<() => Promise<unknown>>, number, "ok" | "transient"];
  const rows: Row[] = [
    [
      "sendMail, 503: once",
      /\/sendMail$/,
      "POST /users/{id}/sendMail",
      503,
      async () => () => gw.sendMail(JSMITH, mail),
      1,
      "transient",
    ],
    [
      "sendMail, 429: once (no sleep in the email path)",
      /\/sendMail$/,
      "POST /users/{id}/sendMail",
      429,
      async () => () => gw.sendMail(JSMITH, mail),
      1,
      "transient",
    ],
    ["create draft, 503: once", /\/messages$/, "POST /users/{id}/messages", 503, async () => draft, 1, "transient"],
    [
      "add attachment, 503: once",
      /\/attachments$/,
      "POST /users/{id}/messages/{id}/attachments",
      503,
      async () => {
        const d = await draft();
        return () => addAttachment(gw, JSMITH, d.id, attachment);
      },
      1,
      "transient",
    ],
    [
      "createUploadSession, 429: once",
      /\/createUploadSession$/,
      "POST /users/{id}/messages/{id}/attachments/createUploadSession",
      429,
      async () => {
        const d = await draft();
        return () => gw.createUploadSession(JSMITH, d.id, { name: "b.bin", size: 10 });
      },
      1,
      "transient",
    ],
    [
      "send draft, 429: once",
      /\/send$/,
      "POST /users/{id}/messages/{id}/send",
      429,
      async () => {
        const d = await draft();
        return () => gw.sendDraft(JSMITH, d.id);
      },
      1,
      "transient",
    ],
    [
      "event without transactionId, 503: once",
      /\/events$/,
      "POST /users/{id}/events",
      503,
      async () => () => gw.createEvent(JSMITH, event("no tx 503")),
      1,
      "transient",
    ],
    [
      "event without transactionId, 429: retried (Graph did not act)",
      /\/events$/,
      "POST /users/{id}/events",
      429,
      async () => () => gw.createEvent(JSMITH, event("no tx 429")),
      2,
      "ok",
    ],
    [
      "event with transactionId, 503: retried (Graph deduplicates)",
      /\/events$/,
      "POST /users/{id}/events",
      503,
      async () => () =>
        gw.createEvent(JSMITH, event("tx 503", { transactionId: "D1A4C3B2-0000-4000-8000-000000000503" })),
      2,
      "ok",
    ],
    [
      "subscription, 503: once",
      /^\/subscriptions$/,
      "POST /subscriptions",
      503,
      async () => () => gw.createSubscription(JSMITH, subscription()),
      1,
      "transient",
    ],
    [
      "subscription, 429: retried",
      /^\/subscriptions$/,
      "POST /subscriptions",
      429,
      async () => () => gw.createSubscription(JSMITH, subscription()),
      2,
      "ok",
    ],
    [
      "To Do task, 503: once",
      /\/tasks$/,
      "POST /users/{id}/todo/lists/{id}/tasks",
      503,
      async () => {
        const l = await tasksList();
        return () => gw.createTask(JSMITH, l, { title: "t503" });
      },
      1,
      "transient",
    ],
    [
      "To Do task, 429: retried",
      /\/tasks$/,
      "POST /users/{id}/todo/lists/{id}/tasks",
      429,
      async () => {
        const l = await tasksList();
        return () => gw.createTask(JSMITH, l, { title: "t429" });
      },
      2,
      "ok",
    ],
    [
      "PATCH an event, 503: retried",
      /\/events\/[^/]+$/,
      "PATCH /users/{id}/events/{id}",
      503,
      async () => {
        const e = await gw.createEvent(JSMITH, event("patch me"));
        return () => gw.updateEvent(JSMITH, e.id, { subject: "patched" });
      },
      2,
      "ok",
    ],
  ];

  it.each(rows)("%s", async (_what, path, endpoint, status, setUp, requests, outcome) => {
    sim.clearFaults();
    const call = await setUp();
    sim.resetCounters();
    sim.injectFault({ method: endpoint.split(" ")[0], path, status, retryAfterSeconds: 0.1, times: 1 });
    const result = await call().then(
      () => "ok" as const,
      (e: unknown) => e,
    );
    if (outcome === "ok") expect(result).toBe("ok");
    else {
      expect(result).toBeInstanceOf(TransientError);
      expect((result as TransientError).retryAfterMs).toBe(100);
    }
    expect(sim.counters().byEndpoint[endpoint] ?? 0).toBe(requests);
  });
});
