// Bad claim-check references through the real push worker (stand-in broker, Azurite): one FAILED outcome naming the
// field, completed on the first delivery — never retried to death.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvocationContext } from "@azure/functions";
import { runPushWorker } from "../../functions/pushWorker.js";
import { buildPushHandlers } from "../../shared/app/pushHandlers.js";
import { pushMessageId } from "../../shared/domain/messages/messageIds.js";
import type { PushMessageOf } from "../../shared/domain/messages/pushMessage.js";
import { startAppRig, QUEUES, type AppRig } from "../harness/appRig.js";
import { createDeliveryHarness } from "../harness/deliveryHarness.js";

let rig: AppRig;
beforeAll(async () => {
  rig = await startAppRig();
  await rig.deps.users.upsertUser({ userId: "BLOBS", mailbox: "jsmith@contoso.test", emails: true });
}, 30_000);
afterAll(async () => rig?.stop());

const email = (messageKey: string, blob: { container?: string; name: string }): PushMessageOf<"email"> => ({
  kind: "email",
  op: "SEND",
  user: "BLOBS",
  messageKey,
  data: {
    to: ["a@fabrikam.test"],
    subject: messageKey,
    body: { contentType: "text", content: "see attachment" },
    attachments: [
      { name: "inline.txt", contentType: "text/plain", contentBytes: "aGk=" },
      { name: "ref.pdf", contentType: "application/pdf", blob },
    ],
  },
});

describe("attachment blob references that break Azure's naming rules", () => {
  it.each([
    ["BLOB-1", { container: "Bad_Name!", name: "a.pdf" }, "data.attachments[1].blob.container"],
    ["BLOB-2", { name: "../../etc/passwd" }, "data.attachments[1].blob.name"],
    ["BLOB-3", { container: "ok-box", name: "a\\b.pdf" }, "data.attachments[1].blob.name"],
    ["BLOB-4", { container: "a--b", name: "a.pdf" }, "data.attachments[1].blob.container"],
  ])("%s %j → FAILED naming %s, on the first delivery", async (messageKey, blob, field) => {
    const m = email(messageKey, blob);
    await rig.deps.queues.send(QUEUES.push, m, { sessionId: m.user, messageId: pushMessageId(m) });
    const h = createDeliveryHarness({
      connectionString: rig.bus.connectionString,
      queue: QUEUES.push,
      handler: (message: unknown, context: InvocationContext) =>
        runPushWorker(message, context, {
          queue: QUEUES.push,
          handlers: buildPushHandlers(rig.deps),
          rejected: rig.deps.rejected,
        }),
    });
    let result;
    try {
      result = await h.drain();
    } finally {
      await h.stop();
    }
    expect(result.deliveries.map((d) => d.outcome)).toEqual(["completed"]);
    expect(rig.bus.queue(QUEUES.push).deadLetters()).toHaveLength(0);
    const outcomes = rig.bus
      .queue(QUEUES.inbound)
      .messages()
      .map((x) => x.bodyJson as { messageKey?: string; op?: string; data?: { code?: string; reason?: string } })
      .filter((b) => b.messageKey === messageKey);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ op: "FAILED" });
    expect(outcomes[0]?.data?.reason).toContain(`${field}: `);
  });
});
