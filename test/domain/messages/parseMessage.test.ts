// Contract tests: valid and invalid queue messages, with the exact field path in the rejection reason.
import { describe, expect, it } from "vitest";
import {
  formatPath,
  parseInboundMessage,
  parsePullMessage,
  parsePushMessage,
} from "../../../shared/domain/messages/parseMessage.js";

const appointment = {
  kind: "appointment",
  op: "CREATE",
  user: "JSMITH",
  kco: "1",
  hsaRef: "H0001234",
  data: {
    subject: "Site visit",
    start: "2026-03-02T09:30:00+01:00",
    end: "2026-03-02T10:30:00+01:00",
    allDay: false,
    location: "Utrecht",
    actionType: "AFS",
  },
};
const task = {
  kind: "task",
  op: "UPDATE",
  user: "JSMITH",
  kco: "1",
  hsaRef: "T77",
  data: { title: "Call supplier", due: "2026-03-05", status: "notStarted", priority: "high" },
};
const email = {
  kind: "email",
  op: "SEND",
  user: "JSMITH",
  messageKey: "MAIL-000123",
  data: {
    to: ["a@example.com", { address: "b@example.com", name: "B" }],
    subject: "Invoice",
    body: { contentType: "html", content: "<p>Hi</p>" },
    attachments: [
      { name: "a.pdf", contentType: "application/pdf", contentBytes: "JVBERi0xLjQK" },
      { name: "big.pdf", contentType: "application/pdf", blob: { name: "2026/big.pdf" }, size: 9_000_000 },
    ],
  },
};
const actionType = {
  kind: "actionType",
  op: "UPDATE",
  user: "JSMITH",
  data: { company: "1", code: "AFS", description: "Afspraak" },
};

const set = (obj: object, path: string, value: unknown) => {
  const copy = structuredClone(obj) as Record<string, unknown>;
  const keys = path.split(".");
  let cur: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
};

describe("msgraph-push contract", () => {
  it.each([
    ["appointment CREATE", appointment],
    ["appointment with Z offset", set(appointment, "data.start", "2026-03-02T08:30:00Z")],
    ["appointment DELETE without data", { ...set(appointment, "data", undefined), op: "DELETE" }],
    ["appointment linked to an Outlook item", { ...appointment, outlookId: "AAMkAGI2" }],
    ["task UPDATE with date due", task],
    ["task with date-time due", set(task, "data.due", "2026-03-05T17:00:00+01:00")],
    ["task DELETE", { ...set(task, "data", undefined), op: "DELETE" }],
    ["appointment with modifiedAt", set(appointment, "data.modifiedAt", "2026-03-01T17:04:05.123+01:00")],
    ["task with modifiedAt", set(task, "data.modifiedAt", "2026-03-01T16:04:05Z")],
    ["email SEND with inline and blob attachments", email],
    ["actionType UPDATE", actionType],
  ])("accepts %s", (_name, body) => {
    const r = parsePushMessage(body);
    expect(r).toMatchObject({ ok: true });
  });

  it.each([
    [
      "start without offset",
      set(appointment, "data.start", "2026-03-02T09:30:00"),
      "data.start: expected ISO 8601 date-time with offset",
    ],
    ["start missing", set(appointment, "data.start", undefined), "data.start: required"],
    [
      "modifiedAt without offset",
      set(appointment, "data.modifiedAt", "2026-03-01T17:04:05"),
      "data.modifiedAt: expected ISO 8601 date-time with offset",
    ],
    [
      "task modifiedAt not a date",
      set(task, "data.modifiedAt", "yesterday"),
      "data.modifiedAt: expected ISO 8601 date-time with offset",
    ],
    [
      "end before start",
      set(appointment, "data.end", "2026-03-02T08:00:00+01:00"),
      "data.end: must not be before start",
    ],
    ["allDay a string", set(appointment, "data.allDay", "no"), "data.allDay: expected true or false"],
    ["hsaRef missing on appointment", set(appointment, "hsaRef", undefined), "hsaRef: required"],
    ["user empty", set(appointment, "user", ""), "user: expected a non-empty ERP user id"],
    ["user missing", set(appointment, "user", undefined), "user: required"],
    [
      "user with a Unicode letter that upper-cases to ASCII",
      set(appointment, "user", "j\u017Fmith"),
      "user: expected ASCII letters, digits, _ - . only (1–128 characters)",
    ],
    [
      "user with a space",
      set(task, "user", "V 20"),
      "user: expected ASCII letters, digits, _ - . only (1–128 characters)",
    ],
    [
      "user a lone surrogate",
      set(email, "user", "\uD800"),
      "user: expected ASCII letters, digits, _ - . only (1–128 characters)",
    ],
    [
      "CREATE without data",
      set(appointment, "data", undefined),
      "data: Invalid input: expected object, received undefined",
    ],
    [
      "SEND on an appointment",
      { ...appointment, op: "SEND" },
      "op: Invalid discriminator value. Expected 'CREATE' | 'UPDATE' | 'DELETE'",
    ],
    [
      "unknown kind",
      { ...appointment, kind: "memo" },
      "kind: Invalid discriminator value. Expected 'appointment' | 'task' | 'email' | 'actionType'",
    ],
    [
      "task status unknown",
      set(task, "data.status", "open"),
      'data.status: Invalid option: expected one of "notStarted"|"inProgress"|"completed"|"waitingOnOthers"|"deferred"',
    ],
    [
      "task reminder without offset",
      set(task, "data.reminder", "2026-03-05T09:00"),
      "data.reminder: expected ISO 8601 date-time with offset",
    ],
    [
      "task due garbage",
      set(task, "data.due", "tomorrow"),
      "data.due: expected ISO 8601 date (YYYY-MM-DD) or date-time with offset",
    ],
    ["email without messageKey", set(email, "messageKey", undefined), "messageKey: required"],
    ["email op DELETE", { ...email, op: "DELETE" }, 'op: Invalid input: expected "SEND"'],
    ["email with no recipients", set(email, "data.to", []), "data.to: expected at least one recipient"],
    [
      "email bad recipient",
      set(email, "data.to", ["a@example.com", "nobody"]),
      "data.to[1]: expected an email address",
    ],
    [
      "email body type",
      set(email, "data.body.contentType", "rtf"),
      'data.body.contentType: Invalid option: expected one of "html"|"text"',
    ],
    [
      "email attachment not base64",
      set(email, "data.attachments", [{ name: "a", contentType: "text/plain", contentBytes: "%%%" }]),
      "data.attachments[0].contentBytes: expected base64",
    ],
    [
      "email blob attachment without blob name",
      set(email, "data.attachments", [{ name: "a", contentType: "text/plain", blob: {} }]),
      "data.attachments[0].blob.name: required",
    ],
    ["actionType without code", set(actionType, "data.code", undefined), "data.code: required"],
  ])("rejects %s", (_name, body, reason) => {
    const r = parsePushMessage(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.split("; ")[0]).toBe(reason);
  });

  it.each([
    ["text that is not JSON", "{kind: appointment", "body: not valid JSON"],
    ["a JSON array", "[1,2]", "body: expected a JSON object"],
    ["JSON null", null, "body: expected a JSON object"],
  ])("rejects a body that is %s", (_name, body, reason) => {
    expect(parsePushMessage(body)).toEqual({ ok: false, reason });
  });

  it("parses a JSON string and raw UTF-8 bytes the same as the object", () => {
    const text = JSON.stringify(task);
    expect(parsePushMessage(text)).toEqual(parsePushMessage(task));
    expect(parsePushMessage(new TextEncoder().encode(text))).toEqual(parsePushMessage(task));
  });
});

describe("msgraph-pull contract", () => {
  it.each([
    ["an event notification", { source: "MSEVENT", subscriptionId: "s1", user: "JSMITH", changeType: "updated" }],
    ["a task notification", { source: "MSTASK", subscriptionId: "s2", user: "JSMITH" }],
    ["a RESYNC without subscription", { source: "RESYNC", user: "JSMITH", reason: "nightly" }],
    ["a LIFECYCLE event", { source: "LIFECYCLE", subscriptionId: "s1", user: "JSMITH", lifecycleEvent: "missed" }],
  ])("accepts %s", (_name, body) => {
    expect(parsePullMessage(body)).toMatchObject({ ok: true, message: body });
  });

  it.each([
    ["MSEVENT without subscriptionId", { source: "MSEVENT", user: "J" }, "subscriptionId: required"],
    [
      "LIFECYCLE without event",
      { source: "LIFECYCLE", subscriptionId: "s", user: "J" },
      'lifecycleEvent: Invalid option: expected one of "reauthorizationRequired"|"subscriptionRemoved"|"missed"',
    ],
    [
      "unknown source",
      { source: "MAIL", user: "J" },
      "source: Invalid discriminator value. Expected 'MSEVENT' | 'MSTASK' | 'RESYNC' | 'LIFECYCLE' | 'CONFIRMDELETE' | 'TASKPOLL'",
    ],
    ["RESYNC without user", { source: "RESYNC" }, "user: required"],
    ["CONFIRMDELETE without outlookId", { source: "CONFIRMDELETE", user: "JSMITH" }, "outlookId: required"],
  ])("rejects %s", (_name, body, reason) => {
    expect(parsePullMessage(body)).toEqual({ ok: false, reason });
  });
});

describe("erp-inbound contract", () => {
  const created = {
    kind: "appointment",
    op: "CREATE",
    user: "JSMITH",
    kco: "1",
    hsaRef: null,
    outlookId: "AAMkAGI2",
    actionType: "AFS",
    data: { subject: "From Outlook", start: "2026-03-02T09:30:00Z", end: "2026-03-02T10:00:00Z", allDay: false },
  };
  it.each([
    ["a new Outlook appointment (hsaRef null)", created],
    ["a task DELETE without data", { ...set(created, "data", undefined), kind: "task", op: "DELETE", hsaRef: "T1" }],
    ["a RESYNC request", { kind: "task", op: "RESYNC", user: "JSMITH", reason: "syncStateNotFound" }],
    ["an email SENT outcome", { kind: "email", op: "SENT", user: "JSMITH", messageKey: "MAIL-1", outlookId: "AAMk=" }],
    [
      "an email FAILED outcome",
      {
        kind: "email",
        op: "FAILED",
        user: "JSMITH",
        messageKey: "MAIL-1",
        data: { code: "ErrorInvalidRecipients", reason: "x" },
      },
    ],
  ])("accepts %s", (_name, body) => {
    expect(parseInboundMessage(body)).toMatchObject({ ok: true });
  });

  it.each([
    [
      "hsaRef missing (must be null, not absent)",
      set(created, "hsaRef", undefined),
      "hsaRef: Invalid input: expected string, received undefined",
    ],
    [
      "FAILED without reason",
      { kind: "email", op: "FAILED", user: "J", messageKey: "M", data: { code: "X" } },
      "data.reason: required",
    ],
    [
      "email CREATE",
      { kind: "email", op: "CREATE", user: "J", messageKey: "M" },
      "op: Invalid discriminator value. Expected 'SENT' | 'FAILED'",
    ],
  ])("rejects %s", (_name, body, reason) => {
    const r = parseInboundMessage(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.split("; ")[0]).toBe(reason);
  });
});

describe("formatPath", () => {
  it.each([
    [[], "body"],
    [["data", "start"], "data.start"],
    [["data", "to", 3], "data.to[3]"],
    [["data", "attachments", 0, "blob", "name"], "data.attachments[0].blob.name"],
  ])("%j → %s", (path, text) => expect(formatPath(path)).toBe(text));
});
