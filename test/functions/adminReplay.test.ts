// Replay for an admin, end to end: messages set aside by the real push worker (stand-in broker, Azurite) are listed by
// GET manage/rejected, refused while the current parser still rejects them, dry-run checked, then re-sent with their
// body, properties and SessionId by POST manage/rejected/{queue}/{id}/replay — and by `npm run replay` as a child
// process — and handled once the cause is fixed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { adminRejectedRoute, runAdminRejected } from "../../functions/adminRejected.js";
import { adminReplayRoute, runAdminReplay } from "../../functions/adminReplay.js";
import { USERS_PARTITION } from "../../shared/adapters/tables/usersTable.js";
import { startAppRig, QUEUES, type AppRig } from "../harness/appRig.js";
import { drainPushWorker } from "../harness/drainWorkers.js";
import { webhookRoutes } from "../harness/webhookRoutes.js";
import { at } from "../app/appointments/appointmentRig.js";

const run = promisify(execFile);
const MB = "jsmith@contoso.test";
let rig: AppRig;

beforeAll(async () => {
  rig = await startAppRig({
    routes: (deps) => [
      {
        ...adminRejectedRoute,
        methods: [...adminRejectedRoute.methods],
        handler: (r, c) => runAdminRejected(r, c, deps()),
      },
      { ...adminReplayRoute, methods: [...adminReplayRoute.methods], handler: (r, c) => runAdminReplay(r, c, deps()) },
      ...webhookRoutes(deps),
    ],
  });
}, 30_000);
afterAll(async () => rig?.stop());

const call = async (method: string, path: string) => {
  const res = await fetch(`${rig.host.baseUrl}/${path}`, { method });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

/** A Users row as an admin mistyped it: the push handler fails permanently (invalid_user) and sets the message aside. */
const mistypedUser = (rowKey: string) =>
  rig.deps.users.client.upsertEntity(
    { partitionKey: USERS_PARTITION, rowKey, mailbox: `mailto:${MB}`, syncAppointments: true },
    "Replace",
  );
const fixUser = (rowKey: string) =>
  rig.deps.users.client.updateEntity({ partitionKey: USERS_PARTITION, rowKey, mailbox: MB }, "Merge");

const push = (user: string, hsaRef: string, data: Record<string, unknown> = {}) => ({
  kind: "appointment",
  op: "CREATE",
  user,
  kco: "1",
  hsaRef,
  data: { subject: `Replay ${hsaRef}`, start: at(2, 9), end: at(2, 10), allDay: false, ...data },
});

const drainPush = () => drainPushWorker(rig);

const pushMessages = () => rig.bus.queue(QUEUES.push).messages();
const subjects = () => rig.sim.events(MB).map((e) => e.subject);

describe("replay over HTTP", () => {
  it("lists, refuses, dry-runs and replays a Rejected message, which is then handled", async () => {
    await mistypedUser("FIXME");
    await rig.deps.queues.send(QUEUES.push, push("FIXME", "R1"), {
      sessionId: "FIXME",
      messageId: "push-fixme-1",
      applicationProperties: { origin: "coins-esb" },
    });
    const bad = push("FIXME", "R2");
    delete (bad.data as Record<string, unknown>).subject;
    await rig.deps.queues.send(QUEUES.push, bad, { sessionId: "FIXME", messageId: "push-fixme-bad" });
    const first = await drainPush();
    // A lock lost on an overloaded machine is the broker's redelivery of a message already settled: not a retry.
    const settled = first.deliveries.filter((d) => d.outcome !== "lockLost");
    expect(settled.map((d) => [d.messageId, d.deliveryCount, d.outcome])).toEqual([
      ["push-fixme-1", 1, "completed"],
      ["push-fixme-bad", 1, "completed"],
    ]);

    const list = await call("GET", "manage/rejected?queue=msgraph-push");
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ queue: "msgraph-push", count: 2 });
    const items = list.json.items as { id: string; code: string; reason: string; sessionId: string }[];
    expect(items.find((i) => i.id === "push-fixme-1")).toMatchObject({ code: "invalid_user", sessionId: "FIXME" });
    expect(items.find((i) => i.id === "push-fixme-bad")).toMatchObject({
      code: "invalid-message",
      reason: expect.stringMatching(/^data\.subject: /),
    });
    expect(await call("GET", "manage/rejected?queue=nope")).toEqual({
      status: 400,
      json: {
        error: "bad_request",
        reason: 'queue: expected one of msgraph-push, msgraph-pull (the queues this app consumes), got "nope"',
      },
    });

    // Still invalid for today's parser: refused, saying why; the row stays.
    const refused = await call("POST", "manage/rejected/msgraph-push/push-fixme-bad/replay");
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({
      error: "replay_refused",
      queue: "msgraph-push",
      id: "push-fixme-bad",
      reason: expect.stringMatching(/^the current parser still rejects it: data\.subject: /),
    });
    expect(await rig.deps.rejected.get(QUEUES.push, "push-fixme-bad")).toBeDefined();

    await fixUser("FIXME");
    const sentBefore = pushMessages().length;
    const dry = await call("POST", "manage/rejected/msgraph-push/push-fixme-1/replay?dryRun=true");
    expect(dry).toEqual({
      status: 200,
      json: expect.objectContaining({
        dryRun: true,
        sent: false,
        removed: false,
        sessionId: "FIXME",
        route: "kind appointment",
        code: "invalid_user",
        replayMessageId: expect.stringMatching(/^push-fixme-1-replay-[0-9a-z]+$/),
        applicationProperties: { origin: "coins-esb", replayOf: "push-fixme-1" },
      }),
    });
    expect(pushMessages()).toHaveLength(sentBefore);
    expect(await rig.deps.rejected.get(QUEUES.push, "push-fixme-1")).toBeDefined();

    const replay = await call("POST", "manage/rejected/msgraph-push/push-fixme-1/replay");
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ dryRun: false, sent: true, removed: true });
    const copy = pushMessages().at(-1)!;
    expect(copy).toMatchObject({
      messageId: dry.json.replayMessageId,
      sessionId: "FIXME",
      applicationProperties: { origin: "coins-esb", replayOf: "push-fixme-1" },
      bodyJson: push("FIXME", "R1"),
    });
    expect(await rig.deps.rejected.get(QUEUES.push, "push-fixme-1")).toBeUndefined();

    const second = await drainPush();
    expect(second.deliveries.map((d) => [d.messageId, d.outcome])).toEqual([[copy.messageId, "completed"]]);
    expect(subjects()).toContain("Replay R1");
    expect(await rig.deps.rejected.list({ queue: QUEUES.push })).toHaveLength(1); // only push-fixme-bad

    expect(await call("POST", "manage/rejected/msgraph-push/push-fixme-1/replay")).toMatchObject({
      status: 404,
      json: { error: "rejected_not_found", reason: "no rejected message push-fixme-1 for queue msgraph-push" },
    });
  }, 180_000); // a safety net for a loaded machine (many steps), not a bound on any behaviour

  it.each([
    ["manage/rejected/msgraph-push/x/replay?dryRun=yes", 'dryRun: expected "true" or "false"'],
    ["manage/rejected/msgraph-push/a%20b/replay", "id: expected a rejected message id"],
    ["manage/rejected/erp-inbound/x/replay", "queue: expected one of msgraph-push, msgraph-pull"],
  ])("POST %s → 400 naming the field", async (path, reason) => {
    const res = await call("POST", path);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: "bad_request", reason: expect.stringContaining(reason) });
  });
});

describe("npm run replay (scripts/replay.ts as a child process)", () => {
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "scripts/replay.ts", ...args], {
        env: { ...process.env, ...rig.env },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it("dry run over --all reports each message and sends nothing; --id replays one; bad arguments → usage", async () => {
    await mistypedUser("LATER");
    await rig.deps.queues.send(QUEUES.push, push("LATER", "C1"), { sessionId: "LATER", messageId: "push-later-1" });
    await rig.deps.queues.send(QUEUES.push, "{not json", { sessionId: "LATER", messageId: "push-later-junk" });
    await drainPush();
    await fixUser("LATER");
    const before = pushMessages().length;

    const dry = await cli("--queue", "msgraph-push", "--all", "--dry-run");
    expect(dry.code).toBe(1); // some were refused
    const lines = dry.stdout.trim().split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^would replay msgraph-push\/push-later-1 as push-later-1-replay-[0-9a-z]+ \(kind appointment, session LATER, \d+ chars; set aside for invalid_user\)$/,
        ),
        expect.stringMatching(
          /^refused msgraph-push\/push-later-junk: replay_refused: the current parser still rejects it: /,
        ),
        expect.stringMatching(/^refused msgraph-push\/push-fixme-bad: replay_refused: .*data\.subject/),
      ]),
    );
    expect(lines.at(-1)).toBe(
      "replay msgraph-push (dry run: nothing sent, nothing removed): 3 message(s), 1 would be replayed, 2 refused, 0 failed",
    );
    expect(pushMessages()).toHaveLength(before);

    const one = await cli("--queue", "msgraph-push", "--id", "push-later-1");
    expect(one.code).toBe(0);
    expect(one.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/^replayed msgraph-push\/push-later-1 as push-later-1-replay-[0-9a-z]+ .*; row removed$/),
      "replay msgraph-push: 1 message(s), 1 replayed, 0 refused, 0 failed",
    ]);
    expect(pushMessages().at(-1)).toMatchObject({
      messageId: expect.stringMatching(/^push-later-1-replay-[0-9a-z]+$/),
      sessionId: "LATER",
    });
    expect(await rig.deps.rejected.get(QUEUES.push, "push-later-1")).toBeUndefined();
    await drainPush();
    expect(subjects()).toContain("Replay C1");

    const usage = await cli("--queue", "msgraph-push");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("give --id ID (one or more) or --all, not both");
    expect(usage.stderr).toContain("usage: npm run replay -- --queue QUEUE (--id ID | --all) [--dry-run]");
  }, 300_000); // three cold tsx child processes on a loaded machine
});
