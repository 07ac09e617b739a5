// Test helper: the app rig serving the real graphWebhook and graphLifecycle handlers, with users seeded and helpers
// to read msgraph-pull and to POST to the endpoints like Graph does.
import type { AppDeps } from "../../../shared/app/appDeps.js";
import type { ChangeNotification } from "../../../shared/adapters/graph/schemas.js";
import { QUEUES, startAppRig, type AppRig, type AppRigOptions } from "../../harness/appRig.js";
import { TEST_WEBHOOK_DEADLINE_MS, webhookRoutes } from "../../harness/webhookRoutes.js";
import { waitUntil as waitFor } from "../../harness/waitUntil.js";

export const JSMITH = { userId: "JSMITH", mailbox: "jsmith@contoso.test" };
export const ADOE = { userId: "ADOE", mailbox: "adoe@contoso.test" };

export interface WebhookRig extends AppRig {
  webhookUrl: string;
  lifecycleUrl: string;
  /** Replaces the deps the HTTP handlers use (e.g. a dead queue sender, or a factory that starts slowly like a cold
   * start); undefined restores the rig's. */
  useHandlerDeps(deps: AppDeps | (() => Promise<AppDeps>) | undefined): void;
  /** The handlers' answer deadline (ms from arrival); undefined restores the rig's generous TEST_WEBHOOK_DEADLINE_MS. */
  useDeadline(ms: number | undefined): void;
  /** msgraph-pull as the broker holds it (any state), oldest first. */
  pullMessages(): { messageId?: string; sessionId?: string; bodyJson?: unknown; state: string }[];
  post(url: string, body: unknown): Promise<{ status: number; text: string; ms: number }>;
}

export async function startWebhookRig(options: AppRigOptions = {}): Promise<WebhookRig> {
  let override: AppDeps | (() => Promise<AppDeps>) | undefined;
  let deadlineMs = TEST_WEBHOOK_DEADLINE_MS;
  const handlerDeps = (deps: () => AppDeps) => (): AppDeps | Promise<AppDeps> =>
    typeof override === "function" ? override() : (override ?? deps());
  const rig = await startAppRig({
    ...options,
    // NIGHTLY_SCHEDULE lost its default in config.ts (the host resolves %NIGHTLY_SCHEDULE% itself); the app rig may not set it yet.
    env: { NIGHTLY_SCHEDULE: "0 0 2 * * *", ...options.env },
    routes: (deps) => webhookRoutes(handlerDeps(deps), () => deadlineMs),
  });
  await rig.deps.users.upsertUser({
    ...JSMITH,
    syncAppointments: true,
    appointmentsFromOutlook: true,
    defaultCompany: "1",
  });
  await rig.deps.users.upsertUser({ ...ADOE, syncAppointments: true, syncTasks: true, defaultCompany: "1" });
  return {
    ...rig,
    webhookUrl: rig.config.webhookUrl,
    lifecycleUrl: rig.config.lifecycleWebhookUrl,
    useHandlerDeps: (deps) => (override = deps),
    useDeadline: (ms) => (deadlineMs = ms ?? TEST_WEBHOOK_DEADLINE_MS),
    pullMessages: () => rig.bus.queue(QUEUES.pull).messages(),
    async post(url, body) {
      const started = performance.now();
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, ms: performance.now() - started };
    },
  };
}

/** A change notification as Graph posts it for an event (shape of the simulator's and the docs' payloads). */
export function changeNotification(
  subscriptionId: string,
  clientState: string,
  eventId = "AAMkAD-ev-1",
  etag = 'W/"1"',
): ChangeNotification {
  return {
    subscriptionId,
    subscriptionExpirationDateTime: "2030-01-01T00:00:00.0000000Z",
    clientState,
    changeType: "updated",
    resource: `Users/a1b2c3d4-0001-4000-8000-00000000a001/Events/${eventId}`,
    tenantId: "00000000-0000-4000-8000-000000000001",
    resourceData: {
      "@odata.type": "#Microsoft.Graph.Event",
      "@odata.id": `Users/a1b2c3d4-0001-4000-8000-00000000a001/Events/${eventId}`,
      "@odata.etag": etag,
      id: eventId,
    },
  };
}

/**
 * Waits until `check` returns true (the simulator delivers notifications asynchronously): the condition decides, the
 * shared waitUntil's generous hang guard only stops a test that would otherwise hang.
 */
export async function waitUntil(check: () => boolean, what = "condition"): Promise<void> {
  await waitFor(what, check);
}

export function eventInput(subject: string, offsetDays = 1) {
  const start = new Date(Date.now() + offsetDays * 86_400_000);
  start.setUTCHours(9, 0, 0, 0);
  const end = new Date(start.getTime() + 3_600_000);
  const fmt = (d: Date) => d.toISOString().slice(0, 19);
  return { subject, start: { dateTime: fmt(start), timeZone: "UTC" }, end: { dateTime: fmt(end), timeZone: "UTC" } };
}
