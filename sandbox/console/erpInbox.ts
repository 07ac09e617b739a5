// The ERP side of erp-inbound in the sandbox: consumes the queue (as the Coins ESB would), keeps what arrived, and
// answers an Outlook-born CREATE as the contract says: it pushes the record back with outlookId and a new ERP key.
import type { LogLevel } from "@azure/functions";
import type { QueueSender } from "../../shared/adapters/servicebus/queueSender.js";
import { pushMessageId } from "../../shared/domain/messages/messageIds.js";
import { pushMessage } from "../../shared/domain/messages/pushMessage.js";
import { QUEUES } from "../host/localAppSettings.js";
import { startSessionTrigger, type SessionTrigger } from "../host/serviceBusTrigger.js";

export interface InboundEntry {
  /** The message body as received. */
  body: unknown;
  messageId: string | undefined;
  enqueuedTimeUtc: string | undefined;
  /** What the console did about it: e.g. "answered: pushed CREATE 1|ERP-1 with outlookId". */
  answer?: string;
}

export interface ErpInbox {
  entries(): InboundEntry[];
  stop(): Promise<void>;
}

type Inbound = { kind?: string; op?: string; user?: string; kco?: string; hsaRef?: string | null; outlookId?: string };

export function startErpInbox(o: {
  connectionString: string;
  sender: QueueSender;
  log: (level: LogLevel, text: string) => void;
}): ErpInbox {
  const entries: InboundEntry[] = [];
  let next = 1;
  const answered = new Map<string, string>(); // outlookId → ERP key, so a repeated CREATE updates, as the contract says

  async function answer(m: Inbound & { actionType?: string | null; data?: Record<string, unknown> }) {
    if ((m.kind !== "appointment" && m.kind !== "task") || m.op !== "CREATE" || m.hsaRef !== null || !m.outlookId)
      return undefined;
    const hsaRef = answered.get(m.outlookId) ?? `ERP-${next++}`;
    answered.set(m.outlookId, hsaRef);
    const candidate = {
      kind: m.kind,
      op: "CREATE",
      user: m.user,
      kco: m.kco,
      hsaRef,
      outlookId: m.outlookId,
      data: { ...m.data, ...(m.actionType ? { actionType: m.actionType } : {}) },
    };
    const parsed = pushMessage.safeParse(candidate);
    if (!parsed.success) return `not answered: ${parsed.error.issues[0]?.message ?? "invalid"}`;
    await o.sender.send(QUEUES.push, parsed.data, {
      sessionId: parsed.data.user,
      messageId: pushMessageId(parsed.data),
    });
    return `answered: pushed CREATE ${m.kco}|${hsaRef} with outlookId (linked)`;
  }

  const trigger: SessionTrigger = startSessionTrigger({
    functionName: "erpConsole",
    connectionString: o.connectionString,
    queue: QUEUES.inbound,
    autoComplete: true,
    settings: {
      maxConcurrentSessions: 4,
      maxAutoLockRenewalDurationMs: 60_000,
      sessionIdleTimeoutMs: 2_000,
      autoCompleteMessages: true,
    },
    log: o.log,
    handler: async (body, context) => {
      const meta = context.triggerMetadata ?? {};
      const entry: InboundEntry = {
        body,
        messageId: typeof meta.messageId === "string" ? meta.messageId : undefined,
        enqueuedTimeUtc: typeof meta.enqueuedTimeUtc === "string" ? meta.enqueuedTimeUtc : undefined,
      };
      entries.push(entry);
      const result = await answer(body as Inbound);
      if (result) entry.answer = result;
    },
  });
  return { entries: () => entries, stop: () => trigger.stop() };
}
