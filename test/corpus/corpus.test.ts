// The malformed-input corpus (pushCorpus.ts, pullCorpus.ts) through the real worker entries (runPushWorker /
// runPullWorker with the app's handlers) on the Service Bus stand-in and Azurite: each message is completed on its
// first delivery and leaves a trace naming the field — a Rejected row, or a FAILED outcome on erp-inbound. None is
// dead-lettered by retries, none is completed without a trace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceBusClient } from "@azure/service-bus";
import { ERP_USER_ID_PATTERN } from "../../shared/domain/erpUserId.js";
import { startAppRig, QUEUES, type AppRig } from "../harness/appRig.js";
import type { DrainResult } from "../harness/deliveryHarness.js";
import { drainPullWorker, drainPushWorker } from "../harness/drainWorkers.js";
import { isRaw, type CorpusCase } from "./corpusCase.js";
import { PULL_CORPUS } from "./pullCorpus.js";
import { CORPUS_USER, PUSH_CORPUS } from "./pushCorpus.js";

let rig: AppRig;
const drained: Record<string, DrainResult> = {};

const sessionOf = (c: CorpusCase): string => {
  if (c.session) return c.session;
  const user = (c.body as { user?: unknown } | null)?.user;
  return typeof user === "string" && user.length <= 128 && ERP_USER_ID_PATTERN.test(user) ? user : CORPUS_USER;
};

async function sendAll(queue: string, cases: readonly CorpusCase[], prefix: string) {
  const client = new ServiceBusClient(rig.bus.connectionString);
  const sender = client.createSender(queue);
  try {
    for (const [i, c] of cases.entries()) {
      const body = isRaw(c.body) ? Buffer.from(c.body.raw) : Buffer.from(JSON.stringify(c.body), "utf8");
      const contentType = isRaw(c.body) ? c.body.contentType : "application/json";
      await sender.sendMessages({
        body,
        ...(contentType ? { contentType } : {}),
        messageId: `${prefix}-${i}`,
        sessionId: sessionOf(c),
      });
    }
  } finally {
    await sender.close();
    await client.close();
  }
}

beforeAll(async () => {
  rig = await startAppRig();
  await rig.deps.users.upsertUser({
    userId: CORPUS_USER,
    mailbox: "jsmith@contoso.test",
    defaultCompany: "1",
    emails: true,
    syncAppointments: true,
    syncTasks: true,
  });
  await sendAll(QUEUES.push, PUSH_CORPUS, "push");
  await sendAll(QUEUES.pull, PULL_CORPUS, "pull");
  drained.push = await drainPushWorker(rig);
  drained.pull = await drainPullWorker(rig);
}, 300_000); // ~100 deliveries; a safety net for a loaded machine, not a timing bound
afterAll(async () => rig?.stop());

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The reason names `field` as a path of its own: at the start, after "; " or after a "permanent: " prefix. */
const namesField = (field: string) => new RegExp(`(^|; |: )${escape(field)}(: | \\()`);

type Inbound = { op?: string; messageKey?: string; data?: { code?: string; reason?: string } };

function checkFate(queue: string, prefix: string, cases: readonly CorpusCase[]) {
  it.each(cases.map((c, i) => [c.name, i, c] as const))("%s", async (_name, i, c) => {
    const messageId = `${prefix}-${i}`;
    const deliveries = drained[prefix]!.deliveries.filter((d) => d.messageId === messageId);
    expect(deliveries.map((d) => [d.deliveryCount, d.outcome])).toEqual([[1, "completed"]]);
    const row = await rig.deps.rejected.get(queue, messageId);
    if ((c.fate ?? "rejected") === "rejected") {
      expect(row, "a Rejected row").toBeDefined();
      expect(row!.reason).toMatch(namesField(c.field));
      expect(row!.sessionId).toBe(sessionOf(c));
    } else {
      const key = (c.body as { messageKey: string }).messageKey;
      const outcomes = rig.bus
        .queue(QUEUES.inbound)
        .messages()
        .map((m) => m.bodyJson as Inbound)
        .filter((b) => b.messageKey === key);
      expect(outcomes.map((o) => o.op)).toEqual(["FAILED"]);
      expect(outcomes[0]!.data!.reason).toMatch(namesField(c.field));
    }
  });
}

describe(`malformed push messages (${PUSH_CORPUS.length})`, () => {
  it("the corpus is large enough", () => expect(PUSH_CORPUS.length).toBeGreaterThanOrEqual(60));
  checkFate(QUEUES.push, "push", PUSH_CORPUS);
});

describe(`malformed pull messages (${PULL_CORPUS.length})`, () => {
  it("the corpus is large enough", () => expect(PULL_CORPUS.length).toBeGreaterThanOrEqual(10));
  checkFate(QUEUES.pull, "pull", PULL_CORPUS);
});

describe("nothing is lost or retried to death", () => {
  it.each([QUEUES.push, QUEUES.pull])("%s: no dead letters, nothing left, every message delivered once", (queue) => {
    const q = rig.bus.queue(queue);
    expect(q.deadLetters()).toEqual([]);
    expect(q.activeCount()).toBe(0);
    const result = drained[queue === QUEUES.push ? "push" : "pull"]!;
    expect(result.deliveries.every((d) => d.deliveryCount === 1 && d.outcome === "completed")).toBe(true);
    expect(result.deliveries).toHaveLength(queue === QUEUES.push ? PUSH_CORPUS.length : PULL_CORPUS.length);
  });
});
