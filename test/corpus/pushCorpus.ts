// Malformed msgraph-push messages (ERP → Outlook) as data: each with the field its reason must name.
import { edit, MISSING, raw, type CorpusCase } from "./corpusCase.js";

export const CORPUS_USER = "CORPUS";

const appointment = {
  kind: "appointment",
  op: "CREATE",
  user: CORPUS_USER,
  kco: "1",
  hsaRef: "H1",
  data: {
    subject: "Site visit",
    start: "2026-12-03T09:00:00+01:00",
    end: "2026-12-03T10:00:00+01:00",
    allDay: false,
    location: "Depot",
    notes: "Bring boots",
    actionType: "MEET",
  },
};
const task = {
  kind: "task",
  op: "CREATE",
  user: CORPUS_USER,
  kco: "1",
  hsaRef: "T1",
  data: { title: "Order steel", status: "notStarted", priority: "normal", due: "2026-12-04" },
};
const email = {
  kind: "email",
  op: "SEND",
  user: CORPUS_USER,
  messageKey: "MAIL-1",
  data: { to: ["site@fabrikam.test"], subject: "Plans", body: { contentType: "text", content: "attached" } },
};
const actionType = {
  kind: "actionType",
  op: "CREATE",
  user: CORPUS_USER,
  data: { company: "1", code: "MEET", description: "Meeting" },
};
const blobMail = (messageKey: string, blob: Record<string, unknown>) =>
  edit(edit(email, "messageKey", messageKey), "data.attachments", [
    { name: "plan.pdf", contentType: "application/pdf", blob },
  ]);

const a = (path: string, value: unknown) => edit(appointment, path, value);
const t = (path: string, value: unknown) => edit(task, path, value);
const e = (path: string, value: unknown) => edit(email, path, value);
const at = (path: string, value: unknown) => edit(actionType, path, value);

export const PUSH_CORPUS: CorpusCase[] = [
  // --- not a JSON object at all, or the wrong content type
  { name: "bad JSON", body: raw('{"kind":"appointment",'), field: "body" },
  { name: "trailing comma", body: raw('{"kind":"appointment","op":"CREATE",}'), field: "body" },
  { name: "empty body", body: raw(""), field: "body" },
  { name: "JSON null", body: raw("null"), field: "body" },
  { name: "JSON array", body: raw("[]"), field: "body" },
  { name: "JSON number", body: raw("42"), field: "body" },
  { name: "JSON string", body: raw('"appointment"'), field: "body" },
  {
    name: "XML (application/xml)",
    body: raw("<appointment><user>CORPUS</user></appointment>", "application/xml"),
    field: "body",
  },
  {
    name: "form-encoded text (text/plain)",
    body: raw("kind=appointment&op=CREATE&user=CORPUS", "text/plain"),
    field: "body",
  },
  { name: "invalid UTF-8 bytes", body: raw(Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0xc3])), field: "body" },
  { name: "JSON behind a byte-order mark", body: raw(`\uFEFF${JSON.stringify(appointment)}`), field: "body" },
  {
    name: "two JSON objects back to back",
    body: raw(`${JSON.stringify(appointment)}${JSON.stringify(task)}`),
    field: "body",
  },
  // --- unknown action types / kinds
  { name: "kind missing", body: a("kind", MISSING), field: "kind" },
  { name: "kind unknown (meeting)", body: a("kind", "meeting"), field: "kind" },
  { name: "kind mis-cased (Appointment)", body: a("kind", "Appointment"), field: "kind" },
  { name: "kind a number", body: a("kind", 1), field: "kind" },
  { name: "op unknown (UPSERT)", body: a("op", "UPSERT"), field: "op" },
  { name: "op lower-case (create)", body: a("op", "create"), field: "op" },
  { name: "op missing", body: a("op", MISSING), field: "op" },
  { name: "email op CREATE instead of SEND", body: e("op", "CREATE"), field: "op" },
  { name: "actionType op SEND", body: at("op", "SEND"), field: "op" },
  { name: "task op PATCH", body: t("op", "PATCH"), field: "op" },
  // --- bad user ids
  { name: "user missing", body: a("user", MISSING), field: "user" },
  { name: "user empty", body: a("user", ""), field: "user" },
  { name: "user a number", body: a("user", 42), field: "user" },
  { name: "user null", body: a("user", null), field: "user" },
  { name: "user with a space", body: a("user", "J SMITH"), field: "user" },
  { name: "user non-ASCII (long s)", body: a("user", "j\u017Fmith"), field: "user" },
  { name: "user non-ASCII (dotless i)", body: a("user", "jsm\u0131th"), field: "user" },
  { name: "user a lone surrogate", body: a("user", "\uD800"), field: "user" },
  { name: "user with an emoji", body: a("user", "JSMITH\u{1F600}"), field: "user" },
  { name: "user with a slash", body: a("user", "A/B"), field: "user" },
  { name: "user 129 characters", body: a("user", "U".repeat(129)), field: "user" },
  { name: "user not the SessionId", body: a("user", "ADOE"), session: CORPUS_USER, field: "user" },
  // --- ERP keys and ids
  { name: "kco missing", body: a("kco", MISSING), field: "kco" },
  { name: "kco empty", body: a("kco", ""), field: "kco" },
  { name: "kco a number", body: a("kco", 1), field: "kco" },
  { name: "hsaRef missing", body: a("hsaRef", MISSING), field: "hsaRef" },
  { name: "hsaRef a number", body: a("hsaRef", 123), field: "hsaRef" },
  { name: "hsaRef 2000 characters", body: a("hsaRef", "R".repeat(2000)), field: "hsaRef" },
  { name: "kco 600 characters", body: a("kco", "9".repeat(600)), field: "kco" },
  { name: "outlookId empty", body: a("outlookId", ""), field: "outlookId" },
  { name: "outlookId a number", body: a("outlookId", 5), field: "outlookId" },
  { name: "outlookId 2000 characters", body: a("outlookId", "A".repeat(2000)), field: "outlookId" },
  // --- appointment data: missing, wrong types, bad dates and offsets
  { name: "data missing on CREATE", body: a("data", MISSING), field: "data" },
  { name: "data null", body: a("data", null), field: "data" },
  { name: "data an array", body: a("data", []), field: "data" },
  { name: "DELETE with data a string", body: edit(a("op", "DELETE"), "data", "gone"), field: "data" },
  { name: "subject missing", body: a("data.subject", MISSING), field: "data.subject" },
  { name: "subject a number", body: a("data.subject", 7), field: "data.subject" },
  { name: "start missing", body: a("data.start", MISSING), field: "data.start" },
  { name: "start without offset", body: a("data.start", "2026-12-03T09:00:00"), field: "data.start" },
  { name: "start date only", body: a("data.start", "2026-12-03"), field: "data.start" },
  { name: "start in words", body: a("data.start", "tomorrow 9am"), field: "data.start" },
  { name: "start month 13", body: a("data.start", "2026-13-03T09:00:00Z"), field: "data.start" },
  { name: "start 30 February", body: a("data.start", "2026-02-30T09:00:00Z"), field: "data.start" },
  { name: "start hour 24", body: a("data.start", "2026-12-03T24:00:00Z"), field: "data.start" },
  { name: "start offset +25:00", body: a("data.start", "2026-12-03T09:00:00+25:00"), field: "data.start" },
  { name: "start offset without colon", body: a("data.start", "2026-12-03T09:00:00+0100"), field: "data.start" },
  { name: "start a Unix time", body: a("data.start", 1764748800), field: "data.start" },
  { name: "end in US format", body: a("data.end", "12/03/2026 10:00"), field: "data.end" },
  { name: "end before start", body: a("data.end", "2026-12-03T08:00:00+01:00"), field: "data.end" },
  { name: "allDay a string", body: a("data.allDay", "yes"), field: "data.allDay" },
  { name: "allDay missing", body: a("data.allDay", MISSING), field: "data.allDay" },
  { name: "location a number", body: a("data.location", 12), field: "data.location" },
  { name: "notes an object", body: a("data.notes", { text: "x" }), field: "data.notes" },
  { name: "actionType a number", body: a("data.actionType", 3), field: "data.actionType" },
  // --- task data
  { name: "task title empty", body: t("data.title", ""), field: "data.title" },
  { name: "task status unknown (done)", body: t("data.status", "done"), field: "data.status" },
  { name: "task priority unknown (urgent)", body: t("data.priority", "urgent"), field: "data.priority" },
  { name: "task due in words", body: t("data.due", "next week"), field: "data.due" },
  { name: "task reminder without offset", body: t("data.reminder", "2026-12-04T08:00:00"), field: "data.reminder" },
  // --- email data, oversized strings
  { name: "email messageKey missing", body: e("messageKey", MISSING), field: "messageKey" },
  { name: "email messageKey 101 characters", body: e("messageKey", "K".repeat(101)), field: "messageKey" },
  { name: "email without recipients", body: e("data.to", []), field: "data.to" },
  { name: "email recipient not an address", body: e("data.to", ["Site Office"]), field: "data.to[0]" },
  { name: "email recipient with two @", body: e("data.to", ["site@@fabrikam.test"]), field: "data.to[0]" },
  { name: "email cc a string, not a list", body: e("data.cc", "site@fabrikam.test"), field: "data.cc" },
  { name: "email body type rtf", body: e("data.body.contentType", "rtf"), field: "data.body.contentType" },
  { name: "email body content missing", body: e("data.body.content", MISSING), field: "data.body.content" },
  {
    name: "email inline attachment not base64",
    body: e("data.attachments", [{ name: "a.txt", contentType: "text/plain", contentBytes: "not base64!!" }]),
    field: "data.attachments[0].contentBytes",
  },
  // --- bad blob names: valid contract, refused before storage → FAILED on erp-inbound naming the field
  {
    name: "blob container with capitals and !",
    body: blobMail("MAIL-B1", { container: "Bad_Name!", name: "plan.pdf" }),
    field: "data.attachments[0].blob.container",
    fate: "failed",
  },
  {
    name: "blob name with ../",
    body: blobMail("MAIL-B2", { name: "../../etc/passwd" }),
    field: "data.attachments[0].blob.name",
    fate: "failed",
  },
  {
    name: "blob container too short",
    body: blobMail("MAIL-B3", { container: "ab", name: "plan.pdf" }),
    field: "data.attachments[0].blob.container",
    fate: "failed",
  },
  {
    name: "blob name 1025 characters",
    body: blobMail("MAIL-B4", { name: "n".repeat(1025) }),
    field: "data.attachments[0].blob.name",
    fate: "failed",
  },
  // --- action types
  { name: "actionType code missing", body: at("data.code", MISSING), field: "data.code" },
  { name: "actionType company empty", body: at("data.company", ""), field: "data.company" },
  { name: "actionType description null", body: at("data.description", null), field: "data.description" },
];
