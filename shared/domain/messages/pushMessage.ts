// Contract of the msgraph-push queue (ERP → Outlook): appointments, tasks, emails and action types, one kind each.
import * as z from "zod";
import { bool, dateOrDateTime, dateTimeWithOffset, erpUser, nonEmpty } from "./fields.js";

/** An instant only when the text fixes one (an offset, or a bare date = UTC midnight): never the process's zone. */
const fixedInstant = (v: string): number =>
  /(?:Z|[+-]\d{2}:?\d{2})$/i.test(v.trim()) || /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? Date.parse(v) : NaN;

/** end ≥ start when both are exact; a value without offset is reported by its own field and not compared here. */
export const endNotBeforeStart = (d: { start: string; end: string }, ctx: z.core.$RefinementCtx) => {
  if (fixedInstant(d.end) < fixedInstant(d.start))
    ctx.addIssue({ code: "custom", path: ["end"], message: "must not be before start" });
};

/** Appointment fields both directions share (the push adds the action type; erp-inbound has it on the envelope). */
export const appointmentFields = z.object({
  subject: z.string({ error: "expected a string" }).describe("Event subject"),
  start: dateTimeWithOffset,
  end: dateTimeWithOffset,
  allDay: bool,
  location: z.string().optional(),
  notes: z.string().optional().describe("Plain-text body of the event"),
});
/** The ERP record's last change: a push older than what the link holds is skipped (stale, delivered late). */
export const modifiedAt = dateTimeWithOffset
  .optional()
  .describe("When the ERP record last changed (ISO 8601 with offset); an older push than the last applied is skipped");

export const appointmentData = appointmentFields
  .extend({
    actionType: z.string().optional().describe("ERP action type code; its description becomes the first category"),
    modifiedAt,
  })
  .superRefine(endNotBeforeStart);

export const taskStatus = z.enum(["notStarted", "inProgress", "completed", "waitingOnOthers", "deferred"]);
export const taskPriority = z.enum(["low", "normal", "high"]);

export const taskFields = z.object({
  title: nonEmpty("Task title"),
  due: dateOrDateTime.optional(),
  reminder: dateTimeWithOffset.optional(),
  status: taskStatus,
  priority: taskPriority,
  notes: z.string().optional(),
});
export const taskData = taskFields.extend({ actionType: z.string().optional(), modifiedAt });

const address = z
  .string({ error: "expected an email address" })
  .regex(/^[^\s@]+@[^\s@]+$/, "expected an email address");
export const recipient = z.union([address, z.object({ address, name: z.string().optional() })], {
  error: "expected an email address or { address, name? }",
});

export const inlineAttachment = z.object({
  name: nonEmpty("File name"),
  contentType: nonEmpty("MIME type"),
  contentBytes: z.base64("expected base64").describe("File content, base64 (small files; Graph's limit is 3 MB)"),
});
export const blobAttachment = z.object({
  name: nonEmpty("File name"),
  contentType: nonEmpty("MIME type"),
  blob: z
    .object({
      container: z.string().min(1).optional().describe("Defaults to the EMAIL_BLOB_CONTAINER setting"),
      name: nonEmpty("Blob name"),
    })
    .describe("Claim check: the file is in Blob Storage"),
  size: z.number().int().nonnegative().optional(),
});

export const emailData = z.object({
  to: z.array(recipient).min(1, "expected at least one recipient"),
  cc: z.array(recipient).optional(),
  bcc: z.array(recipient).optional(),
  replyTo: z.array(recipient).optional(),
  subject: z.string({ error: "expected a string" }),
  body: z.object({
    contentType: z.enum(["html", "text"]),
    content: z.string({ error: "expected a string" }),
  }),
  attachments: z.array(z.union([inlineAttachment, blobAttachment])).optional(),
});

const actionTypeCompany = nonEmpty("ERP company (kco) the action type belongs to");
const actionTypeCode = nonEmpty("Action type code");
/** Blank is refused: a row without a description matches no category (the table skips it). */
const actionTypeDescription = nonEmpty("Matched against an Outlook event's first category");
export const actionTypeData = z.object({
  company: actionTypeCompany,
  code: actionTypeCode,
  description: actionTypeDescription,
});
/** The full list of one company's action types: rows of that company not in it are removed. */
export const actionTypeListData = z.object({
  company: actionTypeCompany,
  actionTypes: z
    .array(z.object({ code: actionTypeCode, description: actionTypeDescription }))
    .describe("Every action type the company has (an empty list removes them all)"),
});

/**
 * Upper bounds that keep every table key built from these fields under Azure's 1 KiB even when escaped (a field that
 * breaks them is named in the reason, instead of failing later as an anonymous key-length error).
 */
export const KEY_FIELD_MAX = { kco: 20, hsaRef: 80, outlookId: 300 } as const;

const envelope = {
  user: erpUser,
  outlookId: z
    .string()
    .min(1)
    .max(KEY_FIELD_MAX.outlookId, `at most ${KEY_FIELD_MAX.outlookId} characters (a Graph id is far shorter)`)
    .optional()
    .describe("Set when the ERP record came from an Outlook item: link it"),
};
const erpKey = {
  kco: nonEmpty("ERP company of the record").max(KEY_FIELD_MAX.kco, `at most ${KEY_FIELD_MAX.kco} characters`),
  hsaRef: nonEmpty("ERP key (hsa_ref) of the appointment/task").max(
    KEY_FIELD_MAX.hsaRef,
    `at most ${KEY_FIELD_MAX.hsaRef} characters`,
  ),
};

/** appointment and task: CREATE/UPDATE carry data; DELETE may omit it (the ERP key identifies the item). */
function itemKind<K extends string, D extends z.ZodType>(kind: K, data: D) {
  const base = { kind: z.literal(kind), ...envelope, ...erpKey };
  return z.discriminatedUnion("op", [
    z.object({ ...base, op: z.enum(["CREATE", "UPDATE"]), data }),
    z.object({ ...base, op: z.literal("DELETE"), data: data.optional() }),
  ]);
}

export const pushAppointment = itemKind("appointment", appointmentData);
export const pushTask = itemKind("task", taskData);
export const pushEmail = z.object({
  kind: z.literal("email"),
  op: z.literal("SEND"),
  ...envelope,
  kco: z.string().min(1).optional(),
  messageKey: nonEmpty(
    "ERP's unique id of this email (idempotency key: a re-sent message with the same key is not mailed twice; " +
      "echoed in the SENT/FAILED outcome on erp-inbound)",
  ).max(100),
  data: emailData,
});
const actionTypeBase = { kind: z.literal("actionType"), ...envelope, kco: z.string().min(1).optional() };
/**
 * The ActionTypes table kept in step by the ERP: CREATE/UPDATE upsert one row, DELETE removes one (its description may
 * be omitted), REPLACE sets a company's whole list (rows not in it are removed).
 */
export const pushActionType = z.discriminatedUnion("op", [
  z.object({ ...actionTypeBase, op: z.enum(["CREATE", "UPDATE"]), data: actionTypeData }),
  z.object({ ...actionTypeBase, op: z.literal("DELETE"), data: actionTypeData.partial({ description: true }) }),
  z.object({ ...actionTypeBase, op: z.literal("REPLACE"), data: actionTypeListData }),
]);

export const pushMessage = z
  .discriminatedUnion("kind", [pushAppointment, pushTask, pushEmail, pushActionType])
  .describe("msgraph-push: a message from the ERP (SessionId = user)");

export type PushMessage = z.infer<typeof pushMessage>;
export type PushKind = PushMessage["kind"];
export type PushMessageOf<K extends PushKind> = Extract<PushMessage, { kind: K }>;
export type AppointmentData = z.infer<typeof appointmentData>;
export type TaskData = z.infer<typeof taskData>;
export type EmailData = z.infer<typeof emailData>;
export type ActionTypeData = z.infer<typeof actionTypeData>;
export const pushKinds = ["appointment", "task", "email", "actionType"] as const satisfies readonly PushKind[];
