// Graph change-notification subscriptions: create (with the validation handshake), read, renew, delete, notify.
import { createHash, randomUUID } from "node:crypto";
import { holds } from "./identity.js";
import { PERMS, requirePerm } from "./access.js";
import type { SimCore } from "./core.js";
import { GraphError, jsonBody, type Principal, type SimRequest, type SimResponse } from "./http.js";
import { Notifier, post } from "./notifier.js";
import type { ChangeRecord, Store } from "./store.js";
import type { Subscription } from "./types.js";
import { parseTimestamp } from "./time.js";

/** Maximum subscription lifetimes in minutes (Graph's documented limits). */
export const MAX_MINUTES = { event: 10_080, todoTask: 4_230, message: 10_080 } as const;

interface Target {
  kind: "event" | "todoTask" | "message";
  mailboxId: string;
  listId?: string;
}

const iso7 = (ms: number): string => `${new Date(ms).toISOString().slice(0, 23)}0000Z`;
const servicePrincipalId = (appId: string): string => {
  const h = createHash("sha256").update(`sp:${appId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const isLoopback = (u: URL): boolean => ["127.0.0.1", "localhost", "[::1]", "::1"].includes(u.hostname);

export class Subscriptions {
  private subs = new Map<string, { sub: Subscription; target: Target; expiresMs: number }>();
  readonly notifier: Notifier;

  constructor(
    private readonly core: () => SimCore,
    store: Store,
    ca: string,
  ) {
    this.notifier = new Notifier({
      timeoutMs: () => this.core().opts.notificationTimeoutMs,
      retryBaseMs: () => this.core().opts.notificationRetryBaseMs,
      maxAttempts: () => this.core().opts.notificationMaxAttempts,
      ca,
    });
    this.ca = ca;
    store.onChange((c) => this.onChange(c));
  }
  private readonly ca: string;

  private sweep(): void {
    const now = this.core().now();
    for (const [id, s] of this.subs) if (s.expiresMs <= now) this.subs.delete(id);
  }

  all(): Subscription[] {
    this.sweep();
    return [...this.subs.values()].map((s) => structuredClone(s.sub));
  }

  expire(id: string): void {
    const s = this.subs.get(id);
    if (!s) throw new Error(`graph-sim: no subscription ${id}`);
    this.subs.delete(id);
  }

  private parseResource(resource: string, p: Principal): Target {
    const core = this.core();
    const r = resource.replace(/^\//, "");
    const m = /^(me|users\/([^/]+))\/(.+)$/i.exec(r);
    const bad = () =>
      new GraphError(
        400,
        "InvalidRequest",
        `Resource '${resource}' is not supported by this simulator (events, todo/lists/{id}/tasks, messages).`,
      );
    if (!m) throw bad();
    let mailboxId: string;
    if (m[1]!.toLowerCase() === "me") {
      if (p.kind !== "delegated" || !p.oid)
        throw new GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
      mailboxId = p.oid;
    } else {
      const mb = core.store.find(decodeURIComponent(m[2]!).replace(/^'(.*)'$/, "$1"));
      if (!mb) throw new GraphError(404, "ResourceNotFound", `Resource '${resource}' does not exist.`);
      mailboxId = mb.id;
    }
    const tail = m[3]!;
    if (/^(calendar\/)?events$/i.test(tail)) return { kind: "event", mailboxId };
    const t = /^todo\/lists\/([^/]+)\/tasks$/i.exec(tail);
    if (t) {
      const listId = decodeURIComponent(t[1]!).replace(/^'(.*)'$/, "$1");
      if (!core.store.mailboxes.get(mailboxId)?.lists.has(listId))
        throw new GraphError(404, "ResourceNotFound", `The To Do list '${listId}' does not exist.`);
      return { kind: "todoTask", mailboxId, listId };
    }
    if (/^(mailFolders\('?\w+'?\)\/)?messages$/i.test(tail)) return { kind: "message", mailboxId };
    throw bad();
  }

  private checkPermission(p: Principal, t: Target): void {
    if (p.kind === "delegated" && p.oid !== t.mailboxId)
      throw new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    if (t.kind === "event") requirePerm(p, PERMS.calRead);
    else if (t.kind === "message") requirePerm(p, PERMS.mailRead);
    else {
      // To Do change notifications are documented for delegated permissions only.
      if (p.kind === "app")
        throw new GraphError(
          403,
          "ExtensionError",
          "Operation: Create; Exception: [Status Code: Forbidden; Reason: Application permissions are not supported for todoTask subscriptions; use delegated Tasks.ReadWrite.]",
        );
      if (!holds(p, { app: [], delegated: ["Tasks.ReadWrite", "Tasks.Read"] }))
        throw new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    }
  }

  private checkExpiry(v: unknown, t: Target): number {
    if (v === undefined) throw new GraphError(400, "InvalidRequest", "expirationDateTime is required.");
    const ms = parseTimestamp(v, "expirationDateTime");
    const now = this.core().now();
    if (ms <= now)
      throw new GraphError(400, "InvalidRequest", "Subscription expiration date time must be in the future.");
    const max = MAX_MINUTES[t.kind];
    if (ms - now > max * 60_000)
      throw new GraphError(
        400,
        "ExtensionError",
        `Operation: Create; Exception: [Status Code: BadRequest; Reason: Subscription expiration can only be ${max} minutes in the future.]`,
      );
    return ms;
  }

  private checkUrl(v: unknown, field: string): string {
    let u: URL;
    try {
      u = new URL(String(v));
    } catch {
      throw new GraphError(400, "ValidationError", `${field} must be an absolute URL.`);
    }
    if (u.protocol === "https:" || (u.protocol === "http:" && isLoopback(u))) return u.toString();
    throw new GraphError(
      400,
      "ValidationError",
      `The ${field} must be a HTTPS URL (plain http is accepted on loopback only by the simulator).`,
    );
  }

  /** Graph's validation handshake: POST url?validationToken=…; the answer must be 200 text/plain with the token. */
  private async validate(url: string): Promise<void> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const u = new URL(url);
    u.searchParams.set("validationToken", token);
    const timeout = this.core().opts.handshakeTimeoutMs;
    const r = await post(u.toString(), "", "text/plain; charset=utf-8", timeout, this.ca);
    const fail = (msg: string) => new GraphError(400, "ValidationError", msg);
    if (r.timedOut) throw fail("Subscription validation request timed out.");
    if (r.status !== 200)
      throw fail(
        `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. (got ${r.status || r.error})`,
      );
    if (!/^text\/plain/i.test(r.contentType))
      throw fail("Subscription validation request failed. Must respond with 200 OK and a Content-Type of text/plain.");
    if (r.body !== token)
      throw fail(
        "Subscription validation request failed. Response must exactly match validationToken query parameter.",
      );
  }

  private visible(p: Principal, s: Subscription): boolean {
    return s.applicationId === p.appId && (p.kind === "app" || s.creatorId === p.oid);
  }

  private find(p: Principal, id: string) {
    this.sweep();
    const s = this.subs.get(id);
    if (!s || !this.visible(p, s.sub))
      throw new GraphError(404, "ResourceNotFound", `The object was not found (subscription '${id}').`);
    return s;
  }

  async route(req: SimRequest): Promise<SimResponse | undefined> {
    const p = req.principal!;
    const ctx = `${this.core().graphUrl}/$metadata#subscriptions`;
    if (/^\/subscriptions\/?$/i.test(req.path)) {
      if (req.method === "GET") {
        this.sweep();
        return {
          status: 200,
          body: {
            "@odata.context": ctx,
            value: [...this.subs.values()].filter((s) => this.visible(p, s.sub)).map((s) => s.sub),
          },
        };
      }
      if (req.method === "POST") return this.create(req, p, ctx);
      return undefined;
    }
    const m = /^\/subscriptions\/([^/]+)(\/reauthorize)?$/i.exec(req.path);
    if (!m) return undefined;
    const s = this.find(p, decodeURIComponent(m[1]!));
    if (m[2]) {
      if (req.method !== "POST") return undefined;
      return { status: 204 };
    }
    if (req.method === "GET") return { status: 200, body: { "@odata.context": `${ctx}/$entity`, ...s.sub } };
    if (req.method === "DELETE") {
      this.subs.delete(s.sub.id);
      return { status: 204 };
    }
    if (req.method === "PATCH") {
      const b = jsonBody(req);
      if (b.notificationUrl !== undefined) {
        const url = this.checkUrl(b.notificationUrl, "notificationUrl");
        await this.validate(url);
        s.sub.notificationUrl = url;
      }
      if (b.expirationDateTime !== undefined) {
        s.expiresMs = this.checkExpiry(b.expirationDateTime, s.target);
        s.sub.expirationDateTime = iso7(s.expiresMs);
      }
      return { status: 200, body: { "@odata.context": `${ctx}/$entity`, ...s.sub } };
    }
    return undefined;
  }

  private async create(req: SimRequest, p: Principal, ctx: string): Promise<SimResponse> {
    const b = jsonBody(req);
    for (const k of ["changeType", "notificationUrl", "resource"])
      if (typeof b[k] !== "string" || !b[k]) throw new GraphError(400, "InvalidRequest", `${k} is required.`);
    const changeTypes = String(b.changeType)
      .split(",")
      .map((x) => x.trim());
    if (changeTypes.some((c) => !["created", "updated", "deleted"].includes(c)))
      throw new GraphError(
        400,
        "InvalidRequest",
        `Invalid changeType '${String(b.changeType)}'; use created, updated, deleted (comma-separated).`,
      );
    const resource = String(b.resource);
    const target = this.parseResource(resource, p);
    this.checkPermission(p, target);
    const expiresMs = this.checkExpiry(b.expirationDateTime, target);
    if (
      b.clientState !== undefined &&
      b.clientState !== null &&
      (typeof b.clientState !== "string" || b.clientState.length > 128)
    )
      throw new GraphError(400, "InvalidRequest", "clientState must be a string of at most 128 characters.");
    const notificationUrl = this.checkUrl(b.notificationUrl, "notificationUrl");
    const lifecycleUrl =
      b.lifecycleNotificationUrl === undefined || b.lifecycleNotificationUrl === null
        ? null
        : this.checkUrl(b.lifecycleNotificationUrl, "lifecycleNotificationUrl");
    await this.validate(notificationUrl);
    if (lifecycleUrl) await this.validate(lifecycleUrl);
    const sub: Subscription = {
      id: randomUUID(),
      resource,
      applicationId: p.appId,
      changeType: changeTypes.join(","),
      clientState: typeof b.clientState === "string" ? b.clientState : null,
      notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: lifecycleUrl,
      expirationDateTime: iso7(expiresMs),
      creatorId: p.kind === "delegated" ? p.oid! : servicePrincipalId(p.appId),
      includeResourceData: false,
      latestSupportedTlsVersion: typeof b.latestSupportedTlsVersion === "string" ? b.latestSupportedTlsVersion : "v1_2",
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
      notificationContentType: "application/json",
    };
    this.subs.set(sub.id, { sub, target, expiresMs });
    return { status: 201, body: { "@odata.context": `${ctx}/$entity`, ...sub } };
  }

  private alive(id: string): () => boolean {
    return () => {
      const s = this.subs.get(id);
      return !!s && s.expiresMs > this.core().now();
    };
  }

  private onChange(c: ChangeRecord): void {
    this.sweep();
    const tid = this.core().seed.tenantId;
    for (const { sub, target } of this.subs.values()) {
      if (target.mailboxId !== c.mailbox.id || target.kind !== c.kind) continue;
      if (target.listId && target.listId !== c.listId) continue;
      if (!sub.changeType.split(",").includes(c.changeType)) continue;
      const u = `${c.mailbox.id}@${tid}`;
      const resource =
        c.kind === "event"
          ? `users/${u}/events/${c.id}`
          : c.kind === "todoTask"
            ? `users/${u}/todo/lists/${c.listId}/tasks/${c.id}`
            : `users/${u}/messages/${c.id}`;
      const odataId =
        c.kind === "event"
          ? `Users/${u}/Events/${c.id}`
          : c.kind === "todoTask"
            ? `Users/${u}/Todo/Lists/${c.listId}/Tasks/${c.id}`
            : `Users/${u}/Messages/${c.id}`;
      const type =
        c.kind === "event"
          ? "#Microsoft.Graph.Event"
          : c.kind === "todoTask"
            ? "#Microsoft.Graph.todoTask"
            : "#Microsoft.Graph.Message";
      this.queue(sub, {
        id: randomUUID().replace(/-/g, "").slice(0, 13),
        subscriptionId: sub.id,
        subscriptionExpirationDateTime: sub.expirationDateTime,
        clientState: sub.clientState,
        changeType: c.changeType,
        resource,
        tenantId: tid,
        resourceData: { "@odata.type": type, "@odata.id": odataId, "@odata.etag": c.etag, id: c.id },
      });
    }
  }

  private pending = new Map<string, { sub: Subscription; items: unknown[] }>();

  /**
   * Graph delivers changes that come together in one POST (`value` holds several notifications): changes of one
   * subscription within `notificationBatchMs` of the first (0 = the same turn of the event loop) are sent together.
   */
  private queue(sub: Subscription, item: unknown): void {
    const open = this.pending.get(sub.id);
    if (open) {
      open.items.push(item);
      return;
    }
    this.pending.set(sub.id, { sub, items: [item] });
    this.notifier.hold();
    const flush = () => {
      const batch = this.pending.get(sub.id);
      this.pending.delete(sub.id);
      if (!batch) return this.notifier.release();
      // Graph gives up after its retries; with a lifecycle URL it then tells the app it `missed` notifications.
      const giveUp = () => {
        if (sub.lifecycleNotificationUrl && this.alive(sub.id)())
          void this.triggerLifecycle(sub.id, "missed").catch(() => undefined);
      };
      this.notifier.send(sub.notificationUrl, { value: batch.items }, "change", this.alive(sub.id), giveUp);
      this.notifier.release();
    };
    const ms = this.core().opts.notificationBatchMs;
    if (ms > 0) setTimeout(flush, ms).unref();
    else setImmediate(flush);
  }

  /** Sends a lifecycle notification (reauthorizationRequired, subscriptionRemoved, missed) to lifecycleNotificationUrl. */
  async triggerLifecycle(
    id: string,
    event: "reauthorizationRequired" | "subscriptionRemoved" | "missed",
  ): Promise<void> {
    this.sweep();
    const s = this.subs.get(id);
    if (!s) throw new Error(`graph-sim: no subscription ${id}`);
    if (!s.sub.lifecycleNotificationUrl)
      throw new Error(`graph-sim: subscription ${id} has no lifecycleNotificationUrl`);
    const body = {
      value: [
        {
          lifecycleEvent: event,
          subscriptionId: s.sub.id,
          subscriptionExpirationDateTime: s.sub.expirationDateTime.replace(/Z$/, "+00:00"),
          clientState: s.sub.clientState,
          tenantId: this.core().seed.tenantId,
        },
      ],
    };
    const url = s.sub.lifecycleNotificationUrl;
    if (event === "subscriptionRemoved") this.subs.delete(id);
    this.notifier.send(url, body, "lifecycle", () => true);
  }
}
