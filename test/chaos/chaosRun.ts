// Seeded chaos run: creates, updates and deletes on both sides (ERP pushes through msgraph-push, Outlook edits through
// the Graph simulator so notifications flow), injected Graph faults, notification faults and handler crashes; then a
// quiet period, one resync, and the check that both sides agree with nothing lost, duplicated or ping-ponging.
import { defaultSeed } from "../graph-sim/index.js";
import type { GraphEvent } from "../graph-sim/types.js";
import type { PushMessage } from "../../shared/domain/messages/pushMessage.js";
import { QUEUES } from "../harness/appRig.js";
import { erpKeyOf, startSyncRig, type Inbound, type SyncRig } from "../e2e/syncRig.js";
import type { ConflictRule } from "../../shared/domain/appointments/types.js";

/** mulberry32: a small seeded PRNG (32-bit state), so a seed replays the same run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USERS = [
  { userId: "JSMITH", mailbox: "jsmith@contoso.test" },
  { userId: "ADOE", mailbox: "adoe@contoso.test" },
  { userId: "BFOX", mailbox: "bfox@contoso.test" },
];
const DAY = 86_400_000;

interface ErpRecord {
  user: string;
  hsaRef: string;
  outlookId?: string;
  subject: string;
  start: string;
  end: string;
  deleted: boolean;
}

export interface ChaosOptions {
  seed: number;
  ops: number;
  rule?: ConflictRule;
  /** Operations between two settles (default 8). */
  batch?: number;
  /**
   * Also tasks (JSMITH's COINS list, application mode): ERP task pushes, To Do edits in the simulator, the poll
   * (TASKPOLL) whenever the queues are quiet, the ERP answering CREATEs; checked like the events at the end.
   */
  tasks?: boolean;
  /** The push worker as registered: a session's waiting messages per call, their writes through $batch. */
  pushBatches?: boolean;
}

interface ErpTaskRecord {
  user: string;
  hsaRef: string;
  outlookId?: string;
  title: string;
  deleted: boolean;
}

const TASK_USER = "JSMITH";
const TASK_MAILBOX = "jsmith@contoso.test";

export interface ChaosResult {
  seed: number;
  ops: number;
  counts: Record<string, number>;
  erpItems: number;
  outlookItems: number;
  lost: string[];
  duplicated: string[];
  mismatched: string[];
  updatesForMissing: string[];
  /** UPDATEs that crossed an ERP DELETE in flight (reported, not a failure). */
  crossedUpdates: string[];
  quietGraphWrites: number;
  quietInbound: number;
  log: string[];
  /** On failure: each user's status, the Rejected rows, dead-lettered counts and the app's warnings (to diagnose). */
  diagnostics: string[];
  ok: boolean;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const rand = mulberry32(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chance = (p: number) => rand() < p;
  const seed = defaultSeed();
  seed.mailboxes.push({
    id: "a1b2c3d4-0003-4000-8000-00000000a003",
    userPrincipalName: "bfox@contoso.test",
    displayName: "BFOX",
    mail: "bfox@contoso.test",
    categories: ["Meeting"],
  });
  const rig: SyncRig = await startSyncRig({
    seed,
    users: USERS,
    ...(options.rule ? { rule: options.rule } : {}),
    ...(options.pushBatches ? { pushBatches: true } : {}),
    sim: { notificationRetryBaseMs: 20 },
    // erp-wins defers an Outlook delete's DELETE to the ERP by this grace (an ERP change crossing it re-creates the
    // event instead); short here, since the chaos rig runs on the system clock and its settle waits for it.
    env: { OUTLOOK_DELETE_GRACE_SECONDS: "1" },
  });
  const log: string[] = [];
  const counts: Record<string, number> = {};
  const count = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  const erp = new Map<string, ErpRecord>();
  const updatesForMissing: string[] = [];
  /** UPDATEs for a record the ERP had deleted, sent after its DELETE was applied: defects if an orphan remains. */
  const lateUpdates: { key: string; user: string; outlookId: string }[] = [];
  /** UPDATEs that crossed the ERP's DELETE in flight (sent before the push worker applied it): the ERP ignores them. */
  const crossedUpdates: string[] = [];
  /** Whether the ERP's DELETE of `key` had been applied (its push message completed) before `enqueueOrder`. */
  const deleteAppliedBefore = (user: string, hsaRef: string, enqueueOrder: number | undefined) =>
    rig.bus
      .queue(QUEUES.push)
      .messages()
      .some((p) => {
        const b = p.bodyJson as { op?: string; user?: string; hsaRef?: string } | undefined;
        return (
          b?.op === "DELETE" &&
          b.user === user &&
          b.hsaRef === hsaRef &&
          p.completedOrder !== undefined &&
          (enqueueOrder === undefined || p.completedOrder < enqueueOrder)
        );
      });
  let nextRef = 0;
  let inboundSeen = 0;
  let clock = Date.parse("2026-11-30T08:00:00Z");
  const stamp = () => new Date((clock += 1_000)).toISOString();
  const day = (d: number, h: number) => {
    const t = new Date(Date.now() + d * DAY);
    t.setUTCHours(h, 0, 0, 0);
    return t;
  };
  const mailboxOf = (user: string) => USERS.find((u) => u.userId === user)!.mailbox;
  const tasks = new Map<string, ErpTaskRecord>();
  let taskListId = "";
  if (options.tasks) {
    await rig.deps.users.upsertUser({
      userId: TASK_USER,
      mailbox: TASK_MAILBOX,
      defaultCompany: "1",
      syncAppointments: true,
      appointmentsFromOutlook: true,
      syncTasks: true,
      tasksFromOutlook: true,
    });
    await rig.deps.actionTypes.upsert({ company: "1", code: "TODO", description: "To do" });
    taskListId = rig.sim.todoLists(TASK_MAILBOX).find((l) => l.displayName === "COINS")!.id;
  }
  const taskPush = (op: "CREATE" | "UPDATE", r: ErpTaskRecord): PushMessage => ({
    kind: "task",
    op,
    user: r.user,
    kco: "1",
    hsaRef: r.hsaRef,
    ...(r.outlookId ? { outlookId: r.outlookId } : {}),
    data: { title: r.title, status: "notStarted", priority: "normal", modifiedAt: stamp() },
  });
  const liveTasks = () => [...tasks.values()].filter((r) => !r.deleted);
  /** The ERP changes one random live task (none: nothing happens) and pushes the change. */
  const onLiveTask = async (change: (r: ErpTaskRecord) => PushMessage) => {
    const items = liveTasks();
    if (items.length) await push(change(pick(items)));
  };

  /** The ERP's side of one erp-inbound task message. */
  async function erpTask(m: Inbound): Promise<void> {
    const user = String(m.user);
    const title = (m.data as { title?: string } | undefined)?.title;
    if (m.op === "RESYNC") {
      for (const r of liveTasks()) if (r.user === user) await push(taskPush("UPDATE", r));
      return;
    }
    if (m.op === "CREATE") {
      const existing = [...tasks.values()].find((r) => r.outlookId === m.outlookId && !r.deleted);
      const r: ErpTaskRecord = existing ?? {
        user,
        hsaRef: `T${nextRef++}`,
        outlookId: String(m.outlookId),
        title: "",
        deleted: false,
      };
      r.title = title ?? r.title;
      tasks.set(`${user}|${r.hsaRef}`, r);
      await push(taskPush("CREATE", r));
      return;
    }
    const r = recordOf(tasks, user, m);
    if (!r || r.deleted) {
      if (m.op === "UPDATE" && !r) updatesForMissing.push(`task ${user}|${String(m.hsaRef)}`);
      return;
    }
    if (m.op === "DELETE") r.deleted = true;
    else if (title !== undefined) r.title = title;
  }

  const push = async (m: PushMessage) => {
    log.push(`push ${m.op} ${m.user} ${"hsaRef" in m ? m.hsaRef : ""}`);
    await rig.sendPush(m, `chaos-${options.seed}-${nextRef++}`);
  };
  const erpPush = (op: "CREATE" | "UPDATE", r: ErpRecord): PushMessage => ({
    kind: "appointment",
    op,
    user: r.user,
    kco: "1",
    hsaRef: r.hsaRef,
    ...(r.outlookId ? { outlookId: r.outlookId } : {}),
    data: { subject: r.subject, start: r.start, end: r.end, allDay: false, actionType: "MEET", modifiedAt: stamp() },
  });

  /** The ERP: applies erp-inbound in order, answers CREATE with the new record (outlookId set), RESYNC with pushes. */
  async function erpProcess(): Promise<number> {
    const all = rig.inbound();
    const stored = rig.bus.queue(QUEUES.inbound).messages();
    const from = inboundSeen;
    const fresh: Inbound[] = all.slice(inboundSeen);
    inboundSeen = all.length;
    for (const [i, m] of fresh.entries()) {
      const user = String(m.user);
      log.push(`erp-inbound ${m.kind} ${m.op} ${user} ${String(m.hsaRef)} ${String(m.outlookId ?? "")}`);
      if (m.kind === "task") {
        await erpTask(m);
        continue;
      }
      if (m.op === "RESYNC") {
        for (const r of erp.values()) if (r.user === user && !r.deleted) await push(erpPush("UPDATE", r));
        continue;
      }
      const data = m.data as { subject: string; start: string; end: string } | undefined;
      if (m.op === "CREATE") {
        const existing = [...erp.values()].find((r) => r.outlookId === m.outlookId && !r.deleted);
        const r: ErpRecord = existing ?? {
          user,
          hsaRef: `O${nextRef++}`,
          outlookId: String(m.outlookId),
          subject: "",
          start: "",
          end: "",
          deleted: false,
        };
        Object.assign(r, { subject: data!.subject, start: data!.start, end: data!.end });
        erp.set(`${user}|${r.hsaRef}`, r);
        await push(erpPush("CREATE", r));
        continue;
      }
      const r = recordOf(erp, user, m);
      if (!r || r.deleted) {
        if (m.op === "UPDATE") {
          const key = `${user}|${String(m.hsaRef)}`;
          // An Outlook edit sent before the ERP's DELETE reached Outlook crossed it in flight (no system can order
          // those). One sent after the DELETE was applied may still be such a crossing (the pull read Outlook before
          // the push deleted the event, and sent after); it is a defect when it came from an orphan, i.e. the event
          // it names is still in Outlook at the end (judged then: lateUpdates).
          if (r?.deleted && !deleteAppliedBefore(user, String(m.hsaRef), stored[from + i]?.enqueueOrder))
            crossedUpdates.push(key);
          else if (r?.deleted && m.outlookId) lateUpdates.push({ key, user, outlookId: String(m.outlookId) });
          else updatesForMissing.push(key);
        }
        continue;
      }
      if (m.op === "DELETE") r.deleted = true;
      else if (data) {
        Object.assign(r, { subject: data.subject, start: data.start, end: data.end });
        if (m.outlookId) r.outlookId = String(m.outlookId);
      }
    }
    return fresh.length;
  }

  let polls = 0;
  async function settle(): Promise<void> {
    // With tasks, a quiet moment is answered by one poll of the To Do list (application mode has no notifications).
    let polledWhileQuiet = false;
    for (let round = 0; round < 40; round++) {
      await rig.sim.notificationsIdle(15_000);
      const sent = await erpProcess();
      const pushN = rig.bus.queue(QUEUES.push).activeCount() + rig.bus.queue(QUEUES.push).scheduledCount();
      const pullN = rig.bus.queue(QUEUES.pull).activeCount() + rig.bus.queue(QUEUES.pull).scheduledCount();
      if (!sent && !pushN && !pullN) {
        if (!options.tasks || polledWhileQuiet) return;
        polledWhileQuiet = true;
        await rig.sendPull({ source: "TASKPOLL", user: TASK_USER }, `chaos-poll-${polls++}`);
        await rig.drain("pull");
        continue;
      }
      polledWhileQuiet = false;
      // Scheduled copies (Retry-After reschedules, the erp-wins delete confirmations after their 1 s grace) are
      // awaited on the system clock until due and handled: the drain ends on the broker's counts, not on a pause.
      await Promise.all([
        pushN ? rig.drain("push", { awaitScheduled: true }) : undefined,
        pullN ? rig.drain("pull", { awaitScheduled: true }) : undefined,
      ]);
    }
    throw new Error("chaos: the queues did not settle");
  }

  /** What the app recorded: statuses, set-aside messages, dead letters, warnings and errors from its logs. */
  async function diagnose(): Promise<string[]> {
    const out: string[] = [];
    for (const u of USERS) {
      const row = await rig.deps.users.getUser(u.userId);
      const status = row?.valid ? `${row.user.status ?? "-"} ${row.user.lastError ?? ""}` : "invalid row";
      out.push(`status ${u.userId}: ${status}`);
    }
    for (const r of await rig.deps.rejected.list())
      out.push(`rejected ${r.queue} ${r.sessionId}: ${r.code} ${r.reason}`);
    for (const q of [QUEUES.push, QUEUES.pull, QUEUES.inbound])
      for (const m of rig.bus.queue(q).deadLetters())
        out.push(
          `dead-lettered ${q} ${m.sessionId}: ${m.deadLetterReason ?? ""} ${JSON.stringify(m.bodyJson ?? "").slice(0, 200)}`,
        );
    out.push(
      ...rig
        .logs()
        .filter((l) => /^(warn|error)/i.test(l))
        .slice(-60),
    );
    return out;
  }

  const liveErp = (user?: string) => [...erp.values()].filter((r) => !r.deleted && (!user || r.user === user));
  const outlookItems = (mb: string) =>
    rig.sim.events(mb).filter((e) => !e.isCancelled && (erpKeyOf(e) || e.categories?.[0] === "Meeting"));

  const operations: Record<string, () => Promise<void> | void> = {
    erpCreate: async () => {
      const user = pick(USERS).userId;
      const d = 1 + Math.floor(rand() * 10);
      const h = 8 + Math.floor(rand() * 8);
      const r: ErpRecord = {
        user,
        hsaRef: `E${nextRef++}`,
        subject: `ERP ${nextRef}`,
        start: day(d, h).toISOString(),
        end: day(d, h + 1).toISOString(),
        deleted: false,
      };
      erp.set(`${user}|${r.hsaRef}`, r);
      await push(erpPush("CREATE", r));
    },
    erpUpdate: async () => {
      const items = liveErp();
      if (!items.length) return;
      const r = pick(items);
      r.subject = `ERP edit ${nextRef++}`;
      await push(erpPush("UPDATE", r));
    },
    erpDelete: async () => {
      const items = liveErp();
      if (!items.length) return;
      const r = pick(items);
      r.deleted = true;
      await push({ kind: "appointment", op: "DELETE", user: r.user, kco: "1", hsaRef: r.hsaRef });
    },
    outlookCreate: () => {
      const u = pick(USERS);
      const d = 1 + Math.floor(rand() * 10);
      const start = day(d, 12);
      const ev = rig.sim.createEvent(u.mailbox, {
        subject: `Outlook ${nextRef++}`,
        start: { dateTime: start.toISOString().slice(0, 19), timeZone: "UTC" },
        end: { dateTime: new Date(start.getTime() + 3_600_000).toISOString().slice(0, 19), timeZone: "UTC" },
        categories: ["Meeting"],
      });
      log.push(`outlook create ${u.userId} ${ev.id}`);
    },
    outlookUpdate: () => {
      const u = pick(USERS);
      const items = outlookItems(u.mailbox);
      if (!items.length) return;
      const ev = pick(items);
      rig.sim.updateEvent(u.mailbox, ev.id, { subject: `Outlook edit ${nextRef++}` });
      log.push(`outlook update ${u.userId} ${ev.id}`);
    },
    outlookDelete: () => {
      const u = pick(USERS);
      const items = outlookItems(u.mailbox);
      if (!items.length) return;
      const ev = pick(items);
      rig.sim.deleteEvent(u.mailbox, ev.id);
      log.push(`outlook delete ${u.userId} ${ev.id}`);
    },
    bothEdit: async () => {
      const items = liveErp();
      if (!items.length) return;
      const r = pick(items);
      const ev = rig.sim.events(mailboxOf(r.user)).find((e) => erpKeyOf(e) === `1|${r.hsaRef}` || e.id === r.outlookId);
      r.subject = `ERP both ${nextRef++}`;
      await push(erpPush("UPDATE", r));
      if (ev) {
        if (chance(0.5)) rig.sim.updateEvent(mailboxOf(r.user), ev.id, { subject: `Outlook both ${nextRef++}` });
        else rig.sim.deleteEvent(mailboxOf(r.user), ev.id);
        log.push(`outlook concurrent edit ${r.user} ${ev.id}`);
      }
    },
    graphFault: () => {
      const status = pick([429, 503, 410] as const);
      const path = status === 410 ? "/calendarView/delta" : pick(["/events", "/calendarView/delta"]);
      rig.sim.injectFault({ path, status, retryAfterSeconds: 0.05, times: 1 });
      log.push(`fault ${status} ${path}`);
    },
    notificationFault: () => {
      const f = pick(["duplicate", "drop", "delay"] as const);
      if (f === "duplicate") rig.sim.notificationFaults.duplicateNext(1);
      else if (f === "drop") rig.sim.notificationFaults.dropNext(1);
      else rig.sim.notificationFaults.delayNextMs(50);
      log.push(`notification ${f}`);
    },
    taskErpCreate: async () => {
      const r: ErpTaskRecord = {
        user: TASK_USER,
        hsaRef: `E${nextRef++}`,
        title: `ERP task ${nextRef}`,
        deleted: false,
      };
      tasks.set(`${r.user}|${r.hsaRef}`, r);
      await push(taskPush("CREATE", r));
    },
    taskErpUpdate: () =>
      onLiveTask((r) => {
        r.title = `ERP task edit ${nextRef++}`;
        return taskPush("UPDATE", r);
      }),
    taskErpDelete: () =>
      onLiveTask((r) => {
        r.deleted = true;
        return { kind: "task", op: "DELETE", user: r.user, kco: "1", hsaRef: r.hsaRef };
      }),
    taskOutlookCreate: () => {
      const t = rig.sim.createTask(TASK_MAILBOX, taskListId, { title: `To Do ${nextRef++}` });
      log.push(`todo create ${t.id}`);
    },
    taskOutlookUpdate: () => {
      const items = rig.sim.tasks(TASK_MAILBOX, taskListId);
      if (!items.length) return;
      const t = pick(items);
      rig.sim.updateTask(TASK_MAILBOX, taskListId, t.id, { title: `To Do edit ${nextRef++}` });
      log.push(`todo update ${t.id}`);
    },
    taskOutlookDelete: () => {
      const items = rig.sim.tasks(TASK_MAILBOX, taskListId);
      if (!items.length) return;
      const t = pick(items);
      rig.sim.deleteTask(TASK_MAILBOX, taskListId, t.id);
      log.push(`todo delete ${t.id}`);
    },
    crash: () => {
      const side = pick(["push", "pull"] as const);
      const at = pick(["graph.createEvent", "graph.updateEvent", "graph.getEvent", "links.save", "queues.sendBatch"]);
      rig.gates.crash(`${side}:${at}`);
      log.push(`crash ${side}:${at}`);
    },
  };
  const weights: [string, number][] = [
    ["erpCreate", 4],
    ["erpUpdate", 3],
    ["erpDelete", 1],
    ["outlookCreate", 2],
    ["outlookUpdate", 3],
    ["outlookDelete", 1],
    ["bothEdit", 2],
    ["graphFault", 1],
    ["notificationFault", 1],
    ["crash", 1],
    ...(options.tasks
      ? ([
          ["taskErpCreate", 3],
          ["taskErpUpdate", 2],
          ["taskErpDelete", 1],
          ["taskOutlookCreate", 2],
          ["taskOutlookUpdate", 2],
          ["taskOutlookDelete", 1],
        ] as [string, number][])
      : []),
  ];
  const total = weights.reduce((n, [, w]) => n + w, 0);
  const choose = () => {
    let x = rand() * total;
    for (const [name, w] of weights) if ((x -= w) < 0) return name;
    return weights[0]![0];
  };

  try {
    for (const u of USERS)
      await rig.sendPull({ source: "RESYNC", user: u.userId, reason: "admin" }, `start-${u.userId}`);
    await settle();
    const batch = options.batch ?? 8;
    for (let i = 0; i < options.ops; i++) {
      // The first 20 operations create the items the mix works on (≥ 20 items over the users).
      const name = i < 20 ? "erpCreate" : choose();
      count(name);
      await operations[name]!();
      if ((i + 1) % batch === 0) await settle();
    }
    // Quiet period, then one resync per user (a day later: a new window and RESYNC request).
    rig.sim.clearFaults();
    rig.gates.clear();
    await settle();
    for (const u of USERS)
      await rig.sendPull({ source: "RESYNC", user: u.userId, reason: "nightly" }, `end-${u.userId}`);
    await settle();

    const lost: string[] = [];
    const duplicated: string[] = [];
    const mismatched: string[] = [];
    let outlookCount = 0;
    for (const u of USERS) {
      const events = outlookItems(u.mailbox);
      outlookCount += events.length;
      const claimed = new Map<string, number>();
      for (const r of liveErp(u.userId)) {
        const link = await rig.deps.links.getByErpKey(u.userId, "appointment", "1", r.hsaRef);
        const mine = events.filter((e) => e.id === link?.outlookId || erpKeyOf(e) === `1|${r.hsaRef}`);
        if (mine.length === 0) lost.push(`ERP ${u.userId}|${r.hsaRef} has no event`);
        if (mine.length > 1) duplicated.push(`ERP ${u.userId}|${r.hsaRef} has ${mine.length} events`);
        for (const e of mine) claimed.set(e.id, (claimed.get(e.id) ?? 0) + 1);
        const e = mine[0];
        if (e && !sameContent(r, e)) mismatched.push(`${u.userId}|${r.hsaRef}: ERP "${r.subject}" vs "${e.subject}"`);
      }
      for (const e of events) {
        const n = claimed.get(e.id) ?? 0;
        if (n === 0) lost.push(`event ${u.userId} ${e.id} "${e.subject}" has no ERP record`);
        if (n > 1) duplicated.push(`event ${u.userId} ${e.id} claimed by ${n} ERP records`);
      }
    }
    if (options.tasks) {
      const inList = rig.sim.tasks(TASK_MAILBOX, taskListId);
      outlookCount += inList.length;
      const claimed = new Map<string, number>();
      for (const r of liveTasks()) {
        const link = await rig.deps.links.getByErpKey(r.user, "task", "1", r.hsaRef);
        const mine = inList.filter(
          (t) =>
            t.id === link?.outlookId ||
            (t.linkedResources ?? []).some(
              (x) => x.applicationName === "Coins ERP+" && x.externalId === `1|${r.hsaRef}`,
            ),
        );
        if (mine.length === 0) lost.push(`ERP task ${r.hsaRef} has no To Do task`);
        if (mine.length > 1) duplicated.push(`ERP task ${r.hsaRef} has ${mine.length} To Do tasks`);
        for (const t of mine) claimed.set(t.id, (claimed.get(t.id) ?? 0) + 1);
        if (mine[0] && mine[0].title !== r.title)
          mismatched.push(`task ${r.hsaRef}: ERP "${r.title}" vs "${mine[0].title}"`);
      }
      for (const t of inList) {
        const n = claimed.get(t.id) ?? 0;
        if (n === 0) lost.push(`To Do task ${t.id} "${t.title}" has no ERP record`);
        if (n > 1) duplicated.push(`To Do task ${t.id} claimed by ${n} ERP records`);
      }
    }
    for (const u of lateUpdates) {
      const orphan = rig.sim.events(mailboxOf(u.user)).some((e) => e.id === u.outlookId && !e.isCancelled);
      if (orphan) updatesForMissing.push(`${u.key} (from event ${u.outlookId}, still in Outlook)`);
      else crossedUpdates.push(u.key);
    }
    const writes = rig.graphWrites();
    const inbound = rig.inbound().length;
    await settle();
    if (options.pushBatches) {
      // Pushes handled in a call together with others: the run must really have exercised the batch path.
      counts["pushes delivered in a batch of several"] = rig.deliveries.filter((d) => (d.batchSize ?? 1) > 1).length;
    }
    const result: ChaosResult = {
      seed: options.seed,
      ops: options.ops,
      counts,
      erpItems: liveErp().length + liveTasks().length,
      outlookItems: outlookCount,
      lost,
      duplicated,
      mismatched,
      updatesForMissing,
      crossedUpdates,
      quietGraphWrites: rig.graphWrites() - writes,
      quietInbound: rig.inbound().length - inbound,
      log,
      diagnostics: [],
      ok: false,
    };
    result.ok =
      !lost.length &&
      !duplicated.length &&
      !mismatched.length &&
      !updatesForMissing.length &&
      result.erpItems === result.outlookItems &&
      result.quietGraphWrites === 0 &&
      result.quietInbound === 0 &&
      (!options.pushBatches || (counts["pushes delivered in a batch of several"] ?? 0) > 0);
    if (!result.ok) result.diagnostics = await diagnose();
    return result;
  } finally {
    await rig.stop();
  }
}

/** The ERP record an erp-inbound message is about: by its key, or by its Outlook id while it has no key yet. */
function recordOf<R extends { outlookId?: string }>(records: Map<string, R>, user: string, m: Inbound): R | undefined {
  return m.hsaRef === null
    ? [...records.values()].find((x) => x.outlookId === m.outlookId)
    : records.get(`${user}|${String(m.hsaRef)}`);
}

function sameContent(r: ErpRecord, e: GraphEvent): boolean {
  return r.subject === e.subject && Date.parse(r.start) === Date.parse(`${e.start.dateTime}Z`);
}

/** A printable summary (seed first) and, on failure, the findings and the operation log to replay it. */
export function describeChaos(r: ChaosResult): string {
  const rows = [
    ["seed", String(r.seed)],
    ["operations", String(r.ops)],
    ...Object.entries(r.counts).map(([k, v]) => [`  ${k}`, String(v)]),
    ["ERP items", String(r.erpItems)],
    ["Outlook items", String(r.outlookItems)],
    ["lost", String(r.lost.length)],
    ["duplicated", String(r.duplicated.length)],
    ["content mismatches", String(r.mismatched.length)],
    ["UPDATEs for missing ERP records", String(r.updatesForMissing.length)],
    ["UPDATEs crossing an ERP DELETE", String(r.crossedUpdates.length)],
    ["Graph writes when quiet", String(r.quietGraphWrites)],
    ["erp-inbound when quiet", String(r.quietInbound)],
    ["result", r.ok ? "ok" : "FAILED"],
  ];
  const table = rows.map(([k, v]) => `${k!.padEnd(34)} ${v}`).join("\n");
  if (r.ok) return table;
  return [
    table,
    ...r.lost,
    ...r.duplicated,
    ...r.mismatched,
    ...r.updatesForMissing.map((k) => `UPDATE for missing ${k}`),
    "diagnostics:",
    ...r.diagnostics,
    `replay: npm run chaos -- --ops ${r.ops} --seed ${r.seed}`,
    "operation log:",
    ...r.log,
  ].join("\n");
}
