// Test rig for the admin HTTP functions: the app rig serving the four admin handlers (plus a validation-handshake
// stand-in for the webhook, so Graph subscriptions can be created) and a few seeded Users rows.
import { HttpResponse, type HttpRequest } from "@azure/functions";
import {
  runAdminDeleteSubscription,
  adminDeleteSubscriptionRoute,
} from "../../../functions/adminDeleteSubscription.js";
import { runAdminProfile, adminProfileRoute } from "../../../functions/adminProfile.js";
import { runAdminRefresh, adminRefreshRoute } from "../../../functions/adminRefresh.js";
import { runAdminStatus, adminStatusRoute } from "../../../functions/adminStatus.js";
import { USERS_PARTITION } from "../../../shared/adapters/tables/usersTable.js";
import { startAppRig, type AppRig } from "../../harness/appRig.js";
import type { HttpRoute } from "../../harness/httpHost.js";

/** Answers Graph's validation handshake only (the real webhook belongs to another function). */
async function handshake(request: HttpRequest) {
  const token = request.query.get("validationToken");
  if (token !== null) return new HttpResponse({ status: 200, body: token, headers: { "content-type": "text/plain" } });
  return new HttpResponse({ status: 202 });
}

export interface AdminRig extends AppRig {
  call(method: string, path: string): Promise<{ status: number; text: string; json: Record<string, unknown> }>;
}

export async function startAdminRig(): Promise<AdminRig> {
  const rig = await startAppRig({
    routes: (deps): HttpRoute[] => [
      { ...adminStatusRoute, methods: [...adminStatusRoute.methods], handler: (r, c) => runAdminStatus(r, c, deps()) },
      {
        ...adminRefreshRoute,
        methods: [...adminRefreshRoute.methods],
        handler: (r, c) => runAdminRefresh(r, c, deps()),
      },
      {
        ...adminDeleteSubscriptionRoute,
        methods: [...adminDeleteSubscriptionRoute.methods],
        handler: (r, c) => runAdminDeleteSubscription(r, c, deps()),
      },
      {
        ...adminProfileRoute,
        methods: [...adminProfileRoute.methods],
        handler: (r, c) => runAdminProfile(r, c, deps()),
      },
      { name: "handshake", methods: ["POST"], route: "graph/notifications", handler: handshake },
      { name: "handshakeLifecycle", methods: ["POST"], route: "graph/notifications/lifecycle", handler: handshake },
    ],
  });
  const { users } = rig.deps;
  await users.upsertUser({
    userId: "JSMITH",
    mailbox: "jsmith@contoso.test",
    defaultCompany: "1",
    syncAppointments: true,
    appointmentsFromOutlook: true,
  });
  await users.upsertUser({ userId: "ADOE", mailbox: "adoe@contoso.test", syncAppointments: true });
  await users.upsertUser({ userId: "MAILONLY", mailbox: "adoe@contoso.test", emails: true });
  await users.upsertUser({ userId: "GHOST", mailbox: "ghost@contoso.test", syncAppointments: true });
  // As an admin might type it in Storage Explorer: "yes" is not a switch value.
  await users.client.upsertEntity({
    partitionKey: USERS_PARTITION,
    rowKey: "BROKEN",
    mailbox: "broken@contoso.test",
    syncAppointments: "yes",
  });
  const call: AdminRig["call"] = async (method, path) => {
    const res = await fetch(`${rig.host.baseUrl}/${path}`, { method });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* not JSON: left empty, the test looks at text */
    }
    return { status: res.status, text, json };
  };
  return Object.assign(rig, { call });
}
