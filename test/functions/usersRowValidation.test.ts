// Users rows that look valid but are not, through the real entry points: the nightly timer handler reports mistyped
// and misplaced rows, the admin status route names the column, and a RESYNC through the pull worker for a mailbox
// Graph does not know leaves mailbox_not_found naming the `mailbox` column (Azurite + Graph simulator + stand-in).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvocationContext, type Timer } from "@azure/functions";
import { runAdminStatus, adminStatusRoute } from "../../functions/adminStatus.js";
import { runNightly } from "../../functions/nightly.js";
import { USERS_PARTITION } from "../../shared/adapters/tables/usersTable.js";
import { startAppRig, QUEUES, type AppRig } from "../harness/appRig.js";
import { drainPullWorker } from "../harness/drainWorkers.js";
import { webhookRoutes } from "../harness/webhookRoutes.js";

let rig: AppRig;
const raw = (partitionKey: string, rowKey: string, cells: Record<string, unknown>) =>
  rig.deps.users.client.upsertEntity({ partitionKey, rowKey, ...cells }, "Replace");

beforeAll(async () => {
  rig = await startAppRig({
    now: new Date("2026-11-30T02:00:05Z"),
    routes: (deps) => [
      { ...adminStatusRoute, methods: [...adminStatusRoute.methods], handler: (r, c) => runAdminStatus(r, c, deps()) },
      ...webhookRoutes(deps),
    ],
  });
  await raw(USERS_PARTITION, "GOOD", { mailbox: "jsmith@contoso.test", syncAppointments: true });
  await raw(USERS_PARTITION, "MAILTO", { mailbox: "mailto:jsmith@contoso.test", syncAppointments: true });
  await raw(USERS_PARTITION, "ANGLE", { mailbox: "<jsmith@contoso.test>", syncAppointments: true });
  await raw(USERS_PARTITION, "TYPO", { mailbox: "adoe@contoso.test", syncAppointmnets: true });
  await raw(USERS_PARTITION, "CASED", { mailbox: "adoe@contoso.test", SyncAppointments: "true" });
  await raw("Users", "LOST", { mailbox: "adoe@contoso.test", syncAppointments: true });
}, 30_000);
afterAll(async () => rig?.stop());

function contextWithLog(functionName: string) {
  const lines: { level: string; text: string }[] = [];
  const context = new InvocationContext({
    functionName,
    invocationId: "test",
    logHandler: (level, ...args) => lines.push({ level, text: args.map(String).join(" ") }),
  });
  return { context, lines };
}

const onTime: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: undefined as never };

const statusOf = async (user: string) => {
  const res = await fetch(`${rig.host.baseUrl}/manage/users/${user}/status`);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe("Users rows that look valid but are not", () => {
  it("the nightly run marks mistyped rows, reports the misplaced one, and resyncs only the valid user", async () => {
    const { context, lines } = contextWithLog("nightly");
    const summary = await runNightly(onTime, context, rig.deps);
    expect(summary).toMatchObject({
      users: 5,
      eligible: 1,
      enqueued: 1,
      invalid: 4,
      misplaced: [{ partitionKey: "Users", rowKey: "LOST" }],
    });
    const warnings = lines.filter((l) => l.level === "warning").map((l) => l.text);
    expect(warnings).toContain(
      'nightly: 1 Users row(s) under another PartitionKey than "users" are not synchronised: "Users"/"LOST" ' +
        '(move each to PartitionKey "users")',
    );
    expect(warnings.find((w) => w.includes("TYPO"))).toContain(
      "syncAppointmnets: unknown column (did you mean syncAppointments?)",
    );
    expect(lines.at(-1)?.text).toMatch(/ invalid=4 misplaced=1 /);
    expect(
      rig.bus
        .queue(QUEUES.pull)
        .messages()
        .map((m) => m.sessionId),
    ).toEqual(["GOOD"]);
    // What Storage Explorer now shows on each row.
    const row = (rk: string) => rig.deps.users.client.getEntity<Record<string, unknown>>(USERS_PARTITION, rk);
    expect(await row("MAILTO")).toMatchObject({
      status: "invalid",
      lastError: expect.stringMatching(
        /^mailbox: .*got "mailto:jsmith@contoso.test" \(write the address without mailto:\)$/,
      ),
    });
    expect(await row("ANGLE")).toMatchObject({
      status: "invalid",
      lastError: expect.stringMatching(/^mailbox: .*\(write only the address: no display name, no <>\)$/),
    });
    expect((await row("CASED")).lastError).toBe(
      "SyncAppointments: unknown column (did you mean syncAppointments?); its value is ignored until it is renamed",
    );
    expect((await rig.deps.users.client.getEntity<Record<string, unknown>>("Users", "LOST")).status).toBeUndefined();
  });

  it("the admin status route names the column and the one it most likely means", async () => {
    const typo = await statusOf("typo");
    expect(typo.status).toBe(200);
    expect(typo.json).toMatchObject({ user: "TYPO", valid: false, status: "invalid", settings: null });
    expect(typo.json.errors).toEqual([
      {
        column: "syncAppointmnets",
        message: "unknown column (did you mean syncAppointments?); its value is ignored until it is renamed",
      },
    ]);
    // The misplaced row is not the user's row, but the 404 says where it is.
    expect(await statusOf("lost")).toEqual({
      status: 404,
      json: {
        error: "user_not_found",
        user: "LOST",
        reason:
          'no row for LOST in the Users table (a row LOST exists under PartitionKey "Users": move it to PartitionKey "users")',
      },
    });
    const mailto = await statusOf("MAILTO");
    expect(mailto.json).toMatchObject({ valid: false, status: "invalid" });
    expect((mailto.json.errors as { column: string }[]).map((e) => e.column)).toEqual(["mailbox"]);
  });

  it("a RESYNC for a mailbox Graph does not know → status mailbox_not_found naming the mailbox column", async () => {
    await rig.deps.users.upsertUser({ userId: "GHOST", mailbox: "ghost@contoso.test", syncAppointments: true });
    await rig.deps.queues.send(
      QUEUES.pull,
      { source: "RESYNC", user: "GHOST", reason: "admin" },
      { sessionId: "GHOST", messageId: "ghost-resync" },
    );
    const result = await drainPullWorker(rig);
    expect(
      result.deliveries.filter((d) => d.sessionId === "GHOST").map((d) => [d.messageId, d.deliveryCount, d.outcome]),
    ).toEqual([["ghost-resync", 1, "completed"]]);
    const ghost = await statusOf("GHOST");
    expect(ghost.json).toMatchObject({ valid: true, status: "mailbox_not_found" });
    expect(ghost.json.lastError).toMatch(
      /^mailbox: Graph has no mailbox "ghost@contoso.test" \(calendar resync: not_found: Graph 404/,
    );
    const rejected = await rig.deps.rejected.list({ queue: QUEUES.pull });
    expect(rejected.find((r) => r.messageId === "ghost-resync")).toMatchObject({ code: "not_found" });
  });
});
