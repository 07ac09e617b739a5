// ERP email end to end: msgraph-push SEND → push worker (real SDK, stand-in broker) → Graph simulator mailbox, with
// claim-check blobs in Azurite, exactly-once under redelivery and crashes, FAILED outcomes, throttling and spacing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import type { InvocationContext } from "@azure/functions";
import { runPushWorker } from "../../functions/pushWorker.js";
import type { BlobServiceClient } from "@azure/storage-blob";
import { createBlobServiceClient } from "../../shared/adapters/blob/blobClients.js";
import { ClientCredentialsTokenProvider } from "../../shared/adapters/auth/clientCredentialsTokenProvider.js";
import { GraphGateway } from "../../shared/adapters/graph/graphGateway.js";
import { buildPushHandlers } from "../../shared/app/pushHandlers.js";
import type { PushHandlers } from "../../shared/app/dispatchPush.js";
import type { AppDeps } from "../../shared/app/appDeps.js";
import { emailStoresFor, handleEmailPush, type EmailStores } from "../../shared/app/email/sendEmail.js";
import { SentMailTable, type SentMailRecord } from "../../shared/adapters/tables/sentMailTable.js";
import { pushMessageId } from "../../shared/domain/messages/messageIds.js";
import type { PushMessageOf } from "../../shared/domain/messages/pushMessage.js";
import { defaultSeed, type SimSeed } from "../graph-sim/index.js";
import { startAppRig, QUEUES, type AppRig } from "../harness/appRig.js";
import { createDeliveryHarness, type DrainResult } from "../harness/deliveryHarness.js";
import { waitUntil } from "../harness/waitUntil.js";

type Email = PushMessageOf<"email">;

const MAILBOXES = [
  "basic",
  "big",
  "redeliver",
  "crash",
  "draftcrash",
  "fail",
  "throttle",
  "longthrottle",
  "rate",
  "spaced",
  "ambiguous",
];
const upn = (name: string) => `${name}@contoso.test`;

/** The default seed plus one mailbox per scenario, and Mail.ReadWrite (drafts + upload sessions need it). */
function emailSeed(): SimSeed {
  const seed = defaultSeed();
  const app = seed.apps[0]!;
  app.applicationPermissions = [...app.applicationPermissions, "Mail.ReadWrite"];
  MAILBOXES.forEach((name, i) => {
    const n = String(i + 10).padStart(4, "0");
    seed.mailboxes.push({
      id: `a1b2c3d4-${n}-4000-8000-00000000${n}`,
      userPrincipalName: upn(name),
      displayName: name.toUpperCase(),
      mail: upn(name),
    });
  });
  return seed;
}

let rig: AppRig;
let container: ReturnType<BlobServiceClient["getContainerClient"]>;

beforeAll(async () => {
  // One manual clock for the app and the bus: spacing and Retry-After copies fall due when a test advances it.
  rig = await startAppRig({ seed: emailSeed(), manualClock: true });
  for (const name of MAILBOXES)
    await rig.deps.users.upsertUser({ userId: name.toUpperCase(), mailbox: upn(name), emails: true });
  await rig.deps.users.upsertUser({ userId: "NOMAIL", mailbox: upn("fail"), emails: false });
  container = createBlobServiceClient(rig.config.storageConnection).getContainerClient(rig.config.emailBlobContainer);
  await container.createIfNotExists();
});
afterAll(async () => {
  await rig?.stop();
});

let seq = 0;
function email(user: string, overrides: Partial<Email["data"]> = {}, messageKey = `MK-${++seq}`): Email {
  return {
    kind: "email",
    op: "SEND",
    user,
    messageKey,
    data: {
      to: ["site.manager@fabrikam.test", { address: "buyer@fabrikam.test", name: "Buyer" }],
      subject: `Order ${messageKey}`,
      body: { contentType: "html", content: "<p>Please find the order attached.</p>" },
      ...overrides,
    },
  };
}

const send = (m: Email, messageId = pushMessageId(m)) =>
  rig.deps.queues.send(QUEUES.push, m, { sessionId: m.user, messageId });

function harness(
  handlers: PushHandlers = buildPushHandlers(rig.deps),
  wrap?: (run: () => Promise<unknown>, context: InvocationContext) => Promise<unknown>,
) {
  return createDeliveryHarness({
    connectionString: rig.bus.connectionString,
    queue: QUEUES.push,
    handler: (message: unknown, context: InvocationContext) => {
      const run = () => runPushWorker(message, context, { queue: QUEUES.push, handlers, rejected: rig.deps.rejected });
      return wrap ? wrap(run, context) : run();
    },
  });
}

async function drain(h = harness()): Promise<DrainResult> {
  try {
    return await h.drain();
  } finally {
    await h.stop();
  }
}

/** The outcomes on erp-inbound for a messageKey (what the ERP receives). */
const outcomes = (messageKey: string) =>
  rig.bus
    .queue(QUEUES.inbound)
    .messages()
    .map((m): Record<string, unknown> => ({ ...(m.bodyJson as Record<string, unknown>), sessionId: m.sessionId }))
    .filter((b) => b.messageKey === messageKey);

const pushCopies = (m: Email) =>
  rig.bus
    .queue(QUEUES.push)
    .messages()
    .filter((x) => x.messageId?.startsWith(pushMessageId(m)));

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const countOf = (endpoint: string) => rig.sim.counters().byEndpoint[endpoint] ?? 0;
const CREATE_DRAFT = "POST /users/{id}/messages";
const UPLOAD_SESSION = "POST /users/{id}/messages/{id}/attachments/createUploadSession";
const SEND_MAIL = "POST /users/{id}/sendMail";

describe("email SEND", () => {
  it("sends a small mail with sendMail: recipients, subject, body type and attachments byte-exact; SENT with the id", async () => {
    const pdf = randomBytes(200_000);
    const csv = Buffer.from("a;b\n1;2\n", "utf8");
    await container.getBlockBlobClient("orders/csv-1.csv").uploadData(csv);
    const m = email("BASIC", {
      cc: ["cc@fabrikam.test"],
      bcc: [{ address: "audit@contoso.test" }],
      replyTo: ["purchasing@contoso.test"],
      body: { contentType: "text", content: "Plain text body" },
      attachments: [
        { name: "order.pdf", contentType: "application/pdf", contentBytes: pdf.toString("base64") },
        { name: "lines.csv", contentType: "text/csv", blob: { name: "orders/csv-1.csv" }, size: csv.length },
      ],
    });
    rig.sim.resetCounters();
    await send(m);
    const r = await drain();
    expect(r).toMatchObject({ handled: 1, failed: 0 });

    const sent = rig.sim.sentMail(upn("basic"));
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.via).toBe("sendMail");
    expect(mail.savedToSentItems).toBe(true);
    expect(mail.subject).toBe(m.data.subject);
    expect(mail.body.contentType).toBe("text");
    expect(mail.toRecipients).toEqual([
      { emailAddress: { address: "site.manager@fabrikam.test" } },
      { emailAddress: { address: "buyer@fabrikam.test", name: "Buyer" } },
    ]);
    expect(mail.ccRecipients).toEqual([{ emailAddress: { address: "cc@fabrikam.test" } }]);
    expect(mail.bccRecipients).toEqual([{ emailAddress: { address: "audit@contoso.test" } }]);
    expect(mail.replyTo).toEqual([{ emailAddress: { address: "purchasing@contoso.test" } }]);
    expect(mail.attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([
      ["order.pdf", "application/pdf", pdf.length],
      ["lines.csv", "text/csv", csv.length],
    ]);
    expect(sha(Buffer.from(mail.attachments[0]!.contentBytes!, "base64"))).toBe(sha(pdf));
    expect(Buffer.from(mail.attachments[1]!.contentBytes!, "base64").equals(csv)).toBe(true);
    expect(countOf(CREATE_DRAFT)).toBe(0);

    expect(outcomes(m.messageKey)).toEqual([
      {
        kind: "email",
        op: "SENT",
        user: "BASIC",
        messageKey: m.messageKey,
        outlookId: mail.id,
        data: { sentAt: expect.stringMatching(/Z$/) },
        sessionId: "BASIC",
      },
    ]);
  });

  it("sends a 10 MB blob attachment through a draft and an upload session, read from Azurite range by range", async () => {
    const big = randomBytes(10 * 1024 * 1024);
    await container.getBlockBlobClient("drawings/site-plan.dwg").uploadData(big);
    const small = randomBytes(1000);
    const m = email("BIG", {
      attachments: [
        { name: "site-plan.dwg", contentType: "application/acad", blob: { name: "drawings/site-plan.dwg" } },
        { name: "note.txt", contentType: "text/plain", contentBytes: small.toString("base64") },
      ],
    });
    rig.sim.resetCounters();
    await send(m);
    expect(await drain()).toMatchObject({ handled: 1, failed: 0 });

    const [mail, ...more] = rig.sim.sentMail(upn("big"));
    expect(more).toHaveLength(0);
    expect(mail!.via).toBe("draft");
    expect(mail!.body.contentType).toBe("html");
    const byName = new Map(mail!.attachments.map((a) => [a.name, a]));
    expect(byName.get("site-plan.dwg")!.size).toBe(big.length);
    expect(sha(Buffer.from(byName.get("site-plan.dwg")!.contentBytes!, "base64"))).toBe(sha(big));
    expect(Buffer.from(byName.get("note.txt")!.contentBytes!, "base64").equals(small)).toBe(true);
    expect(countOf(CREATE_DRAFT)).toBe(1);
    expect(countOf(UPLOAD_SESSION)).toBe(1);
    expect(countOf("POST /users/{id}/sendMail")).toBe(0);
    expect(outcomes(m.messageKey)).toMatchObject([{ op: "SENT", outlookId: mail!.id }]);
  });

  it("sends one mail and one outcome when the same SEND is delivered four times (3 redeliveries) and re-sent", async () => {
    const m = email("REDELIVER");
    await send(m);
    let calls = 0;
    // Lock lost after the work was done: the broker hands the same message out again.
    const r = await drain(
      harness(undefined, async (run) => {
        await run();
        if (++calls <= 3) throw new Error("lock lost after processing");
      }),
    );
    expect(r.deliveries.map((d) => d.deliveryCount)).toEqual([1, 2, 3, 4]);
    // The ERP replays it later under another MessageId (after the duplicate-detection window).
    await send(m, `${pushMessageId(m)}-replay`);
    expect(await drain()).toMatchObject({ handled: 1, failed: 0 });

    expect(rig.sim.sentMail(upn("redeliver"))).toHaveLength(1);
    expect(outcomes(m.messageKey)).toMatchObject([{ op: "SENT" }]);
  });

  it("crash after sendMail, before recording: the redelivery finds the sent item and sends nothing", async () => {
    const stores = await emailStoresFor(rig.deps);
    let crashed = false;
    class CrashOnSent extends SentMailTable {
      override async update(
        user: string,
        key: string,
        change: (c: SentMailRecord | undefined) => SentMailRecord | undefined,
      ) {
        const next = change(await this.get(user, key));
        if (next?.state === "sent" && !crashed) {
          crashed = true;
          throw new Error("process died after Graph accepted the mail");
        }
        return super.update(user, key, change);
      }
    }
    const crashy: EmailStores = { ...stores, sent: new CrashOnSent(stores.sent.client) };
    const m = email("CRASH");
    await send(m);
    const r = await drain(harness({ email: (msg, ctx) => handleEmailPush(rig.deps, msg, ctx, crashy) }));
    expect(crashed).toBe(true);
    expect(r.deliveries.map((d) => d.outcome)).toEqual(["abandoned", "completed"]);
    const sent = rig.sim.sentMail(upn("crash"));
    expect(sent).toHaveLength(1);
    expect(outcomes(m.messageKey)).toMatchObject([{ op: "SENT", outlookId: sent[0]!.id }]);
    expect((await stores.sent.get("CRASH", m.messageKey))?.state).toBe("sent");
  });

  it("crash before sending a draft: the redelivery sends that draft, without a second draft or upload", async () => {
    const big = randomBytes(4 * 1024 * 1024 + 17);
    await container.getBlockBlobClient("crash/big.bin").uploadData(big);
    let crashed = false;
    const graph = Object.create(rig.deps.graph) as AppDeps["graph"];
    graph.sendDraft = async (mailbox, id) => {
      if (!crashed) {
        crashed = true;
        throw new Error("process died before /send");
      }
      return rig.deps.graph.sendDraft(mailbox, id);
    };
    const deps: AppDeps = { ...rig.deps, graph };
    const m = email("DRAFTCRASH", {
      attachments: [{ name: "big.bin", contentType: "application/octet-stream", blob: { name: "crash/big.bin" } }],
    });
    rig.sim.resetCounters();
    await send(m);
    const r = await drain(harness(buildPushHandlers(deps)));
    expect(r.deliveries.map((d) => d.outcome)).toEqual(["abandoned", "completed"]);
    expect(countOf(CREATE_DRAFT)).toBe(1);
    expect(countOf(UPLOAD_SESSION)).toBe(1);
    const sent = rig.sim.sentMail(upn("draftcrash"));
    expect(sent).toHaveLength(1);
    expect(sha(Buffer.from(sent[0]!.attachments[0]!.contentBytes!, "base64"))).toBe(sha(big));
    expect(outcomes(m.messageKey)).toMatchObject([{ op: "SENT" }]);
  });
});

describe("email after an ambiguous Graph failure (the mail may have gone out)", () => {
  it("sendMail times out after Graph accepted it: tried once, a copy is scheduled, its delivery finds the sent item", async () => {
    const c = rig.config;
    const graph = new GraphGateway({
      baseUrl: c.graphBaseUrl,
      tokenProvider: new ClientCredentialsTokenProvider({
        authorityHost: c.authorityHost,
        tenantId: c.tenantId,
        clientId: c.clientId,
        clientSecret: c.clientSecret,
      }),
      timeoutMs: 400,
    });
    // Scheduled copies are kept here (delivered by hand below); everything else goes to the stand-in broker.
    const scheduled: { messageId: string; at: number }[] = [];
    const queues = Object.create(rig.deps.queues) as AppDeps["queues"];
    queues.send = async (queue, body, options) => {
      if (options.scheduledEnqueueTimeUtc)
        scheduled.push({ messageId: options.messageId, at: options.scheduledEnqueueTimeUtc.getTime() });
      else await rig.deps.queues.send(queue, body, options);
    };
    const deps: AppDeps = { ...rig.deps, graph, queues };
    const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
    const ctx = (messageId: string) => ({
      delivery: {
        queue: QUEUES.push,
        messageId,
        sessionId: "AMBIGUOUS",
        deliveryCount: 1,
        enqueuedTimeUtc: new Date(),
      },
      log: quiet,
    });
    // Graph holds the request past the client's timeout (until the test releases it), then sends the mail anyway.
    rig.sim.injectFault({
      method: "POST",
      path: /sendMail$/,
      mailbox: upn("ambiguous"),
      status: 200,
      hold: "ambiguous",
    });
    const m = email("AMBIGUOUS");
    const sendMails = countOf(SEND_MAIL);

    await handleEmailPush(deps, m, ctx(pushMessageId(m)));
    expect(countOf(SEND_MAIL) - sendMails).toBe(1);
    expect(scheduled.map((x) => x.messageId)).toEqual([`${pushMessageId(m)}-r1`]);
    expect(outcomes(m.messageKey)).toEqual([]);
    await rig.sim.waitForHeld("ambiguous", 1);
    expect(rig.sim.releaseHeld("ambiguous")).toBe(1);
    await waitUntil("Graph to send the held mail", () => rig.sim.sentMail(upn("ambiguous")).length === 1);

    await handleEmailPush(deps, m, ctx(`${pushMessageId(m)}-r1`));
    const sent = rig.sim.sentMail(upn("ambiguous"));
    expect(sent).toHaveLength(1);
    expect(countOf(SEND_MAIL) - sendMails).toBe(1);
    expect(outcomes(m.messageKey)).toMatchObject([{ op: "SENT", outlookId: sent[0]!.id }]);
  });
});

describe("email FAILED outcomes (completed at once, no retries, nothing sent)", () => {
  it.each([
    {
      name: "emails switched off",
      make: () => email("NOMAIL"),
      code: "emails_disabled",
      reason: "emails disabled for user",
    },
    {
      name: "recipient refused by our validation",
      make: () => email("FAIL", { cc: ["ok@fabrikam.test", "site@localhost"] }),
      code: "ErrorInvalidRecipients",
      reason: 'data.cc[1]: "site@localhost" is not a deliverable email address',
    },
    {
      name: "recipient refused by Graph (400 ErrorInvalidRecipients)",
      make: () => {
        rig.sim.injectFault({ path: /sendMail$/, mailbox: upn("fail"), status: 400, code: "ErrorInvalidRecipients" });
        return email("FAIL");
      },
      code: "ErrorInvalidRecipients",
      reason: expect.stringContaining("Graph 400 ErrorInvalidRecipients"),
    },
    {
      name: "blob missing",
      make: () =>
        email("FAIL", {
          attachments: [{ name: "gone.pdf", contentType: "application/pdf", blob: { name: "nowhere/gone.pdf" } }],
        }),
      code: "blob_not_found",
      reason: "data.attachments[0] (gone.pdf): blob erp-mail-attachments/nowhere/gone.pdf not found",
    },
    {
      name: "attachment over 150 MB",
      make: () =>
        email("FAIL", {
          attachments: [{ name: "huge.iso", contentType: "application/octet-stream", blob: { name: "huge.iso" } }],
        }),
      code: "attachment_too_large",
      reason: expect.stringMatching(/^data\.attachments\[0\] \(huge\.iso\): 157286912 bytes exceeds .*150 MB/),
    },
  ])("$name → FAILED $code", async ({ make, code, reason }) => {
    // A page blob has its size without its bytes: 150 MB + 1 costs nothing to create.
    await container.getPageBlobClient("huge.iso").create(150 * 1024 * 1024 + 512);
    const before = rig.sim.sentMail(upn("fail")).length;
    const m = make();
    await send(m);
    const r = await drain();
    expect(r).toMatchObject({ handled: 1, failed: 0 });
    expect(pushCopies(m)).toHaveLength(1);
    expect(rig.sim.sentMail(upn("fail"))).toHaveLength(before);
    expect(outcomes(m.messageKey)).toEqual([
      expect.objectContaining({ kind: "email", op: "FAILED", user: m.user, data: { code, reason } }),
    ]);
    rig.sim.clearFaults();
  });
});

describe("email FAILED after a draft was made", () => {
  it("Exchange refusing the send (ErrorMessageSizeExceeded) → FAILED, and the draft is removed from Drafts", async () => {
    await container.getBlockBlobClient("limit/big.bin").uploadData(randomBytes(3 * 1024 * 1024 + 5));
    rig.sim.injectFault({ path: /\/send$/, mailbox: upn("fail"), status: 400, code: "ErrorMessageSizeExceeded" });
    const m = email("FAIL", {
      attachments: [{ name: "big.bin", contentType: "application/octet-stream", blob: { name: "limit/big.bin" } }],
    });
    const before = rig.sim.sentMail(upn("fail")).length;
    await send(m);
    expect(await drain()).toMatchObject({ handled: 1, failed: 0 });
    expect(outcomes(m.messageKey)).toEqual([
      expect.objectContaining({
        op: "FAILED",
        data: {
          code: "ErrorMessageSizeExceeded",
          reason: expect.stringContaining("Graph 400 ErrorMessageSizeExceeded"),
        },
      }),
    ]);
    expect(rig.sim.sentMail(upn("fail"))).toHaveLength(before);
    const left = await rig.deps.graph.http.send(upn("fail"), { method: "GET", path: `/users/${upn("fail")}/messages` });
    expect((left.body as { value: { isDraft: boolean }[] }).value.filter((x) => x.isDraft)).toEqual([]);
    rig.sim.clearFaults();
  });
});

describe("email throttling and spacing (a scheduled copy of the push message, never a sleep in the function)", () => {
  const RETRY = (m: Email, n: number) => `${pushMessageId(m)}-r${n}`;

  it("429 on sendMail → tried once, the handler returns without sleeping, a copy Retry-After later sends it once", async () => {
    rig.sim.injectFault({ path: /sendMail$/, mailbox: upn("throttle"), status: 429, retryAfterSeconds: 2, times: 1 });
    const m = email("THROTTLE");
    const sendMails = countOf(SEND_MAIL);
    await send(m);
    const calls = new Map<string, number>();
    const timed = () =>
      harness(undefined, (run, context) => {
        calls.set(String(context.triggerMetadata?.messageId), rig.deps.now().getTime());
        return run();
      });
    await drain(timed());
    const first = calls.get(pushMessageId(m))!;
    // sendMail is never re-POSTed inside the adapter (a 503 may come after the mail went out): one request, and the
    // handler completed without waiting for the Retry-After (the app's clock did not move, its copy is not due).
    expect(countOf(SEND_MAIL) - sendMails).toBe(1);
    const copy = pushCopies(m).find((x) => x.messageId === RETRY(m, 1));
    expect(copy?.state).toBe("scheduled");
    const at = copy?.scheduledEnqueueTimeUtc?.getTime() ?? 0;
    expect(at).toBe(first + 2000);
    // Not delivered a millisecond early; delivered and sent exactly once when due.
    rig.advance(at - rig.deps.now().getTime() - 1);
    await drain(timed());
    expect(calls.has(RETRY(m, 1))).toBe(false);
    rig.advance(1);
    await drain(timed());
    expect(calls.get(RETRY(m, 1))).toBe(at);
    expect(rig.sim.sentMail(upn("throttle"))).toHaveLength(1);
    expect(countOf(SEND_MAIL) - sendMails).toBe(2);
    expect(outcomes(m.messageKey)).toMatchObject([{ op: "SENT" }]);
  });

  it("the 31st mail within a minute is scheduled for when the first one's slot frees", async () => {
    const mails = Array.from({ length: 31 }, () => email("RATE"));
    for (const m of mails) await send(m);
    expect(await drain()).toMatchObject({ handled: 31, failed: 0 });
    expect(rig.sim.sentMail(upn("rate"))).toHaveLength(30);
    const last = mails[30]!;
    const copy = pushCopies(last).find((x) => x.messageId === RETRY(last, 1));
    const log = await (await emailStoresFor(rig.deps)).sendLog.list(upn("rate"));
    const lastKey = pushMessageId(last);
    const firstSend = Math.min(...log.filter((e) => e.key !== lastKey).map((e) => e.at));
    const reserved = log.find((e) => e.key === lastKey)?.at;
    expect(reserved).toBe(firstSend + 60_000);
    expect(copy?.scheduledEnqueueTimeUtc?.getTime()).toBe(firstSend + 60_500);
    expect(outcomes(last.messageKey)).toEqual([]);
    expect(mails.slice(0, 30).every((m) => outcomes(m.messageKey).length === 1)).toBe(true);
  });

  it("a spaced mail is delivered and sent when its slot comes", async () => {
    const stores = await emailStoresFor(rig.deps);
    const now = rig.deps.now().getTime();
    for (let i = 0; i < 30; i++) await stores.sendLog.set(upn("spaced"), `earlier-${i}`, now - 58_500 + i * 10);
    const m = email("SPACED");
    await send(m);
    const calls = new Map<string, number>();
    const timed = () =>
      harness(undefined, (run, context) => {
        calls.set(String(context.triggerMetadata?.messageId), rig.deps.now().getTime());
        return run();
      });
    await drain(timed());
    const at =
      pushCopies(m)
        .find((x) => x.messageId === RETRY(m, 1))
        ?.scheduledEnqueueTimeUtc?.getTime() ?? 0;
    expect(at).toBe(now - 58_500 + 60_000 + 500);
    expect(calls.has(RETRY(m, 1))).toBe(false);
    expect(rig.sim.sentMail(upn("spaced"))).toHaveLength(0);
    rig.advance(at - rig.deps.now().getTime() - 1);
    await drain(timed());
    expect(calls.has(RETRY(m, 1))).toBe(false);
    rig.advance(1);
    await drain(timed());
    expect(calls.get(RETRY(m, 1))).toBe(at);
    expect(rig.sim.sentMail(upn("spaced"))).toHaveLength(1);
    expect(outcomes(m.messageKey)).toMatchObject([{ op: "SENT" }]);
  });
  // Last: its copy stays scheduled 45 s ahead, after every other drain of this file.
  it("a 503 with a long Retry-After (45 s) is not slept through: scheduled now + Retry-After", async () => {
    rig.sim.injectFault({ path: /sendMail$/, mailbox: upn("longthrottle"), status: 503, retryAfterSeconds: 45 });
    const m = email("LONGTHROTTLE");
    await send(m);
    const sendMails = countOf(SEND_MAIL);
    const before = rig.deps.now().getTime();
    expect(await drain()).toMatchObject({ handled: 1, failed: 0 });
    const copy = pushCopies(m).find((x) => x.messageId === RETRY(m, 1));
    // Not slept through: handled once with one sendMail, its copy scheduled for exactly now + Retry-After.
    expect(countOf(SEND_MAIL) - sendMails).toBe(1);
    expect(copy?.state).toBe("scheduled");
    expect(copy?.scheduledEnqueueTimeUtc?.getTime()).toBe(before + 45_000);
    const stores = await emailStoresFor(rig.deps);
    expect(await stores.sent.get("LONGTHROTTLE", m.messageKey)).toMatchObject({
      state: "sending",
      transientRetries: 1,
    });
  });
});

describe("email without Mail.ReadWrite (the design's permission list)", () => {
  it("a mail needing a draft fails with a reason naming Mail.ReadWrite; small mails still go out", async () => {
    const plain = await startAppRig(); // default seed: Mail.Read + Mail.Send only
    try {
      await plain.deps.users.upsertUser({ userId: "JSMITH", mailbox: "jsmith@contoso.test", emails: true });
      const blobs = plain.deps.blobs;
      await blobs.upload({ name: "perm/big.bin" }, randomBytes(3 * 1024 * 1024 + 1));
      const big = email("JSMITH", {
        attachments: [{ name: "big.bin", contentType: "application/octet-stream", blob: { name: "perm/big.bin" } }],
      });
      const small = email("JSMITH");
      for (const m of [big, small])
        await plain.deps.queues.send(QUEUES.push, m, { sessionId: m.user, messageId: pushMessageId(m) });
      const h = createDeliveryHarness({
        connectionString: plain.bus.connectionString,
        queue: QUEUES.push,
        handler: (message, context) =>
          runPushWorker(message, context, {
            queue: QUEUES.push,
            handlers: buildPushHandlers(plain.deps),
            rejected: plain.deps.rejected,
          }),
      });
      expect(await drain(h)).toMatchObject({ handled: 2, failed: 0 });
      const inbound = plain.bus
        .queue(QUEUES.inbound)
        .messages()
        .map((m) => m.bodyJson as Record<string, unknown>);
      expect(inbound.find((b) => b.messageKey === big.messageKey)).toMatchObject({
        op: "FAILED",
        data: { code: "ErrorAccessDenied", reason: expect.stringContaining("Mail.ReadWrite") },
      });
      expect(inbound.find((b) => b.messageKey === small.messageKey)).toMatchObject({ op: "SENT" });
      expect(plain.sim.sentMail("jsmith@contoso.test").map((s) => s.subject)).toEqual([small.data.subject]);
    } finally {
      await plain.stop();
    }
  });
});
