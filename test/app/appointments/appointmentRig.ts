// Test helper: the app rig (Azurite + Graph simulator + Service Bus stand-in) with the webhook served, JSMITH/ADOE and
// two action types seeded, a handler context that records the log, and readers for erp-inbound and the events.
import type { DeliveryInfo, HandlerContext } from "../../../shared/app/dispatchMessage.js";
import type { PushMessage } from "../../../shared/domain/messages/pushMessage.js";
import { ERP_KEY_PROPERTY_ID } from "../../../shared/domain/appointments/erpKey.js";
import { QUEUES, startAppRig, type AppRig, type AppRigOptions } from "../../harness/appRig.js";
import { webhookRoutes } from "../../harness/webhookRoutes.js";

export const MB = "jsmith@contoso.test";
export const DAY = 86_400_000;

export interface AppointmentRig extends AppRig {
  ctx(): HandlerContext & { lines: string[] };
  /** erp-inbound bodies since the last call. */
  newInbound(): (Record<string, unknown> & { op: string; data?: Record<string, unknown> })[];
  /** Graph event writes the app made (POST/PATCH/DELETE on /users/{id}/events…). */
  graphWrites(): number;
  eventFor(hsaRef: string): ReturnType<AppRig["sim"]["events"]>[number] | undefined;
}

export async function startAppointmentRig(options: AppRigOptions = {}): Promise<AppointmentRig> {
  const rig = await startAppRig({
    ...options,
    routes: (deps) => webhookRoutes(deps),
  });
  await rig.deps.users.upsertUser({
    userId: "JSMITH",
    mailbox: MB,
    defaultCompany: "1",
    syncAppointments: true,
    appointmentsFromOutlook: true,
  });
  await rig.deps.users.upsertUser({ userId: "ADOE", mailbox: "adoe@contoso.test", defaultCompany: "1" });
  await rig.deps.actionTypes.upsert({ company: "1", code: "MEET", description: "Meeting" });
  await rig.deps.actionTypes.upsert({ company: "1", code: "VISIT", description: "Site visit" });
  let seen = 0;
  return {
    ...rig,
    ctx() {
      const lines: string[] = [];
      const delivery: DeliveryInfo = {
        queue: "test",
        messageId: undefined,
        sessionId: undefined,
        deliveryCount: 1,
        enqueuedTimeUtc: undefined,
      };
      const push = (...a: unknown[]) => lines.push(a.map(String).join(" "));
      return { delivery, log: { log: push, warn: push, error: push }, lines };
    },
    newInbound() {
      const all = rig.bus
        .queue(QUEUES.inbound)
        .messages()
        .map((m) => m.bodyJson as never);
      const out = all.slice(seen);
      seen = all.length;
      return out;
    },
    graphWrites: () =>
      Object.entries(rig.sim.counters().byEndpoint)
        .filter(([k]) => /^(POST|PATCH|DELETE) \/users\/\{id\}\/events/.test(k))
        .reduce((n, [, v]) => n + v, 0),
    eventFor: (hsaRef) =>
      rig.sim
        .events(MB)
        .find((e) =>
          e.singleValueExtendedProperties?.some(
            (p) => p.id.toLowerCase() === ERP_KEY_PROPERTY_ID.toLowerCase() && p.value === `1|${hsaRef}`,
          ),
        ),
  };
}

/** A date `days` from today (UTC) at `hour`:00 +01:00. */
export function at(days: number, hour: number): string {
  return `${new Date(Date.now() + days * DAY).toISOString().slice(0, 10)}T${String(hour).padStart(2, "0")}:00:00+01:00`;
}

/** The same instant as a Graph dateTimeTimeZone in UTC. */
export function utc(days: number, hour: number) {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return { dateTime: d.toISOString().slice(0, 19), timeZone: "UTC" };
}

export type AppointmentPush = Extract<PushMessage, { kind: "appointment" }>;

export function appointment(
  op: "CREATE" | "UPDATE" | "DELETE",
  hsaRef: string,
  data: Record<string, unknown> = {},
  more: Partial<AppointmentPush> = {},
): AppointmentPush {
  const base = { kind: "appointment" as const, op, user: "JSMITH", kco: "1", hsaRef, ...more };
  if (op === "DELETE") return base as AppointmentPush;
  return {
    ...base,
    data: {
      subject: `Site meeting ${hsaRef}`,
      start: at(2, 9),
      end: at(2, 10),
      allDay: false,
      location: "Depot",
      notes: "Bring boots",
      actionType: "MEET",
      ...data,
    },
  } as AppointmentPush;
}
