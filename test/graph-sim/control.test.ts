// Tests of the /_sim/ control surface: state as a user sees it, faults, counters, lifecycle, options.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSim, type GraphSim } from "./index.js";
import { appToken, graph, inMinutes, Webhook } from "./testkit.js";

let sim: GraphSim;
let hook: Webhook;
const MB = "jsmith@contoso.test";
const ctl = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${sim.baseUrl}/_sim/${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
};

beforeAll(async () => {
  sim = await startGraphSim({ notificationRetryBaseMs: 20 });
  hook = await new Webhook().start();
});
afterAll(async () => {
  await hook.stop();
  await sim.stop();
});

describe("/_sim control surface", () => {
  it("describes itself", async () => {
    const r = await ctl("GET", "info");
    expect(r.body).toMatchObject({
      graphUrl: sim.graphUrl,
      tokenEndpoint: sim.tokenEndpoint,
      caPath: sim.caPath,
      defaultApp: { clientId: sim.defaultApp.clientId },
    });
    expect(r.body.defaultApp.clientSecret).toBeUndefined();
  });

  it("creates, edits and deletes events as a user would; Graph sees them", async () => {
    const c = await ctl("POST", `mailboxes/${MB}/events`, {
      subject: "from user",
      categories: ["Meeting"],
      start: { dateTime: "2030-09-01T09:00:00", timeZone: "UTC" },
      end: { dateTime: "2030-09-01T10:00:00", timeZone: "UTC" },
    });
    expect(c.status).toBe(201);
    const g = graph(sim, await appToken(sim));
    expect((await g("GET", `/users/${MB}/events/${c.body.id}`)).body.categories).toEqual(["Meeting"]);
    expect((await ctl("PATCH", `mailboxes/${MB}/events/${c.body.id}`, { subject: "edited" })).body.subject).toBe(
      "edited",
    );
    expect((await ctl("GET", `mailboxes/${MB}/events`)).body.value.map((e: { id: string }) => e.id)).toContain(
      c.body.id,
    );
    expect((await ctl("DELETE", `mailboxes/${MB}/events/${c.body.id}`)).status).toBe(204);
    expect((await ctl("DELETE", `mailboxes/${MB}/events/${c.body.id}`)).status).toBe(404);
    expect((await ctl("GET", `mailboxes/nobody@x/events`)).status).toBe(404);
  });

  it("reads lists, writes tasks, reads sent mail", async () => {
    const lists = (await ctl("GET", `mailboxes/${MB}/lists`)).body.value;
    const coins = lists.find((l: { displayName: string }) => l.displayName === "COINS");
    const t = await ctl("POST", `mailboxes/${MB}/lists/${coins.id}/tasks`, { title: "from user" });
    expect(t.status).toBe(201);
    expect(
      (await ctl("GET", `mailboxes/${MB}/lists/${coins.id}/tasks`)).body.value.map((x: { title: string }) => x.title),
    ).toEqual(["from user"]);
    expect((await ctl("GET", `mailboxes/${MB}/sent`)).body.value).toEqual([]);
  });

  it("switches faults, concurrency and notification faults; triggers lifecycle; reads and resets counters", async () => {
    const g = graph(sim, await appToken(sim));
    expect((await ctl("POST", "faults", { path: "^/users/[^/]+$", status: 503, times: -1 })).status).toBe(201);
    expect((await g("GET", `/users/${MB}`)).status).toBe(503);
    expect((await g("GET", `/users/${MB}`)).status).toBe(503);
    expect((await ctl("DELETE", "faults")).status).toBe(204);
    expect((await g("GET", `/users/${MB}`)).status).toBe(200);
    expect((await ctl("POST", "concurrency", { limit: 3 })).status).toBe(204);
    expect((await ctl("GET", "counters")).body.byEndpoint["GET /users/{id}"]).toBe(3);
    expect((await ctl("DELETE", "counters")).status).toBe(204);
    expect((await ctl("GET", "counters")).body.total).toBe(0);

    const s = await g("POST", "/subscriptions", {
      changeType: "created",
      notificationUrl: hook.url,
      lifecycleNotificationUrl: hook.url,
      resource: `users/${MB}/events`,
      expirationDateTime: inMinutes(30),
      clientState: "c",
    });
    expect((await ctl("POST", "notifications/faults", { dropNext: 1 })).status).toBe(204);
    sim.createEvent(MB, {
      subject: "dropped",
      start: { dateTime: "2030-09-02T09:00:00", timeZone: "UTC" },
      end: { dateTime: "2030-09-02T10:00:00", timeZone: "UTC" },
    });
    expect((await ctl("POST", `subscriptions/${s.body.id}/lifecycle`, { event: "missed" })).status).toBe(202);
    await sim.notificationsIdle();
    expect((await ctl("GET", "notifications/pending")).body).toEqual({ pending: 0 });
    expect(
      hook.received.map((r) => (r.body as { value: { lifecycleEvent?: string }[] }).value[0]!.lifecycleEvent),
    ).toEqual(["missed"]);
    expect((await ctl("GET", "notifications")).body.value.length).toBe(1);
    expect((await ctl("GET", "subscriptions")).body.value.length).toBe(1);
    expect((await ctl("POST", `subscriptions/${s.body.id}/expire`)).status).toBe(204);
    expect((await ctl("GET", "subscriptions")).body.value).toEqual([]);
  });

  it("sets how the authorize endpoint answers per login_hint and revokes a user's sign-in sessions", async () => {
    const authorize = async () => {
      const q = new URLSearchParams({
        client_id: sim.defaultApp.clientId,
        response_type: "code",
        redirect_uri: "https://localhost/cb",
        scope: "User.Read offline_access",
        state: "st",
        login_hint: MB,
      });
      const r = await fetch(`${sim.authorityHost}/${sim.tenantId}/oauth2/v2.0/authorize?${q}`, { redirect: "manual" });
      return new URL(r.headers.get("location")!).searchParams;
    };
    expect((await ctl("POST", `signin/${MB}`, { refuse: true })).status).toBe(204);
    expect((await authorize()).get("error")).toBe("access_denied");
    expect((await ctl("DELETE", `signin/${MB}`)).status).toBe(204);
    expect((await authorize()).get("code")).toBeTruthy();
    expect((await ctl("POST", `users/${MB}/revokeSignInSessions`)).status).toBe(204);
    expect((await ctl("POST", "users/nobody@contoso.test/revokeSignInSessions")).status).toBe(404);
  });

  it("reads mailboxSettings and changes the time zone as the user would", async () => {
    const patched = await ctl("PATCH", `mailboxes/${MB}/mailboxSettings`, { timeZone: "Pacific Standard Time" });
    expect(patched.status).toBe(200);
    expect((await ctl("GET", `mailboxes/${MB}/mailboxSettings`)).body.timeZone).toBe("Pacific Standard Time");
    expect((await ctl("PATCH", `mailboxes/${MB}/mailboxSettings`, {})).status).toBe(400);
  });

  it("answers 404 for unknown routes", async () => {
    expect((await ctl("GET", "nope")).status).toBe(404);
  });
  it("moves a task to another list, renames and deletes a list (as the user does in Outlook)", async () => {
    const lists = (await ctl("GET", `mailboxes/${MB}/lists`)).body.value as { id: string; displayName: string }[];
    const coins = lists.find((l) => l.displayName === "COINS")!;
    const tasks = lists.find((l) => l.displayName === "Tasks")!;
    const t = (await ctl("POST", `mailboxes/${MB}/lists/${coins.id}/tasks`, { title: "to move" })).body;
    const moved = await ctl("POST", `mailboxes/${MB}/lists/${coins.id}/tasks/${t.id}/move`, { toListId: tasks.id });
    expect(moved.body).toMatchObject({ title: "to move" });
    expect(sim.tasks(MB, tasks.id).map((x) => x.id)).toContain(moved.body.id);
    expect(sim.tasks(MB, coins.id).map((x) => x.id)).not.toContain(t.id);
    const renamed = await ctl("PATCH", `mailboxes/${MB}/lists/${coins.id}`, { displayName: "COINS old" });
    expect(renamed.body).toMatchObject({ id: coins.id, displayName: "COINS old" });
    expect((await ctl("DELETE", `mailboxes/${MB}/lists/${coins.id}`)).status).toBe(204);
    expect(sim.todoLists(MB).map((l) => l.id)).not.toContain(coins.id);
  });
});
