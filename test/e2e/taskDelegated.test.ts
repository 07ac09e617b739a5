// Delegated mode end to end (AUTH_MODE=delegated): the user signs in (auth/signin → the simulator's authorize endpoint
// → auth/callback, real MSAL), REFRESH ?kind=todoTasks subscribes on the COINS list's tasks with the user's own token,
// and a To Do change reaches the ERP through the simulator's notification, the real webhook, the pull worker
// (delivery harness, Service Bus stand-in) and Azurite.
import { HttpRequest } from "@azure/functions";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminRefresh } from "../../functions/adminRefresh.js";
import { runAuthCallback } from "../../functions/authCallback.js";
import { runAuthSignIn } from "../../functions/authSignIn.js";
import { startSyncRig, type SyncRig } from "./syncRig.js";
import { addTaskUser, contextWithLog, inboundReader, pushErpTask, statusOf, todoCreate } from "./taskRig.js";

const MB = "jsmith@contoso.test";
const KEY = randomBytes(32).toString("base64");
let rig: SyncRig;
let fresh: ReturnType<typeof inboundReader>;
let listId: string;

/** The browser's round trip, with the two functions called as the host would call them. */
async function signIn(user: string) {
  const { context } = contextWithLog("authSignIn");
  const start = await runAuthSignIn(
    new HttpRequest({ method: "GET", url: `http://localhost/api/auth/signin?user=${user}` }),
    context,
    rig.deps,
  );
  const authorize = new Headers(start.headers as Record<string, string>).get("location")!;
  const entra = await fetch(authorize, { redirect: "manual" });
  expect(entra.status).toBe(302);
  const callback = await runAuthCallback(
    new HttpRequest({ method: "GET", url: entra.headers.get("location")! }),
    contextWithLog("authCallback").context,
    rig.deps,
  );
  expect(callback.status).toBe(200);
}

const taskSubscriptions = () => rig.sim.subscriptions().filter((s) => /\/todo\/lists\//.test(s.resource));

beforeAll(async () => {
  rig = await startSyncRig({
    env: {
      AUTH_MODE: "delegated",
      SIGNIN_REDIRECT_URI: "http://localhost/api/auth/callback",
      TOKEN_CACHE_KEYS: `k1:${KEY}`,
    },
  });
  ({ listId } = await addTaskUser(rig));
  fresh = inboundReader(rig);
  await signIn("JSMITH");
  await rig.settle();
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

describe("delegated mode: To Do is subscribed", () => {
  it("REFRESH ?kind=todoTasks subscribes on the COINS list's tasks with the user's token (≤ 4,230 minutes)", async () => {
    const { context } = contextWithLog("manageUserRefresh");
    const res = await runAdminRefresh(
      new HttpRequest({
        method: "POST",
        url: "http://localhost/api/manage/users/JSMITH/refresh?kind=todoTasks",
        params: { user: "JSMITH" },
      }),
      context,
      rig.deps,
    );
    expect(res.status).toBe(202);
    await rig.settle();
    const subs = taskSubscriptions();
    expect(subs).toHaveLength(1);
    expect(subs[0]!.resource).toBe(`/users/${MB}/todo/lists/${listId}/tasks`);
    expect(Date.parse(subs[0]!.expirationDateTime) - Date.now()).toBeLessThanOrEqual(4230 * 60_000);
    const stored = await rig.deps.subscriptions.get("JSMITH", "todoTasks");
    expect(stored).toMatchObject({ subscriptionId: subs[0]!.id, listId });
    expect(rig.sim.subscriptions().filter((s) => /\/events$/.test(s.resource))).toEqual([]);
    expect(await statusOf(rig, "JSMITH")).toMatchObject({ status: "ok" });
    expect(fresh().filter((m) => m.op !== "RESYNC")).toEqual([]);
  });

  it("a task the user creates in COINS → notification → webhook → exactly one CREATE in the ERP", async () => {
    const delivered = rig.sim.deliveredNotifications().length;
    const pulls = rig.deliveries.length;
    const t = rig.sim.createTask(MB, listId, { title: "Order material" });
    await rig.settle();
    expect(rig.sim.deliveredNotifications().length).toBeGreaterThan(delivered);
    const sources = rig.deliveries.slice(pulls).map((d) => (d.body as { source?: string }).source);
    expect(sources).toContain("MSTASK");
    expect(sources).not.toContain("RESYNC");
    expect(fresh()).toEqual([todoCreate(t.id, expect.objectContaining({ title: "Order material" }))]);
  });

  it("no echo: an ERP task written to To Do notifies the webhook, and the ERP hears nothing of it", async () => {
    const delivered = rig.sim.deliveredNotifications().length;
    expect(await pushErpTask(rig, "E1", { title: "From the ERP", status: "notStarted", priority: "low" })).toBe(1);
    expect(rig.sim.deliveredNotifications().length).toBeGreaterThan(delivered);
    expect(fresh()).toEqual([]);
  });
});
