// PUSH decisions for ERP appointments: create (transactionId, extended property), link, update, delete, skips.
import { describe, expect, it } from "vitest";
import { appointmentTransactionId, ERP_KEY_PROPERTY_ID } from "../../../shared/domain/appointments/erpKey.js";
import {
  decidePush,
  etagOf,
  newestModifiedAt,
  type PushDecision,
  type PushInput,
} from "../../../shared/domain/appointments/pushPlan.js";
import type { Link } from "../../../shared/domain/appointments/types.js";
import { PermanentError } from "../../../shared/domain/errors.js";
import { erpAppointmentFingerprint } from "../../../shared/domain/appointments/appointmentFingerprint.js";
import { syncWindow } from "../../../shared/domain/window.js";
import { sampleErpAppointment } from "./sampleErpAppointment.js";

const now = new Date("2026-11-30T04:00:00Z");
const appointment = sampleErpAppointment;
const link = (overrides: Partial<Link> = {}): Link => ({
  user: "JSMITH",
  kco: "1",
  hsaRef: "H0001234",
  outlookId: "EV1",
  erpFingerprint: erpAppointmentFingerprint(appointment()),
  outlookFingerprint: erpAppointmentFingerprint(appointment()),
  outlookChangeKey: "CK1",
  lastSyncedAt: new Date("2026-11-29T00:00:00Z"),
  ...overrides,
});
const input = (overrides: Partial<PushInput> = {}): PushInput => ({
  op: "CREATE",
  user: "JSMITH",
  appointment: appointment(),
  switches: { syncAppointments: true, appointmentsFromOutlook: true },
  window: syncWindow(now, 1, 21),
  now,
  ...overrides,
});
const outsideWindow = { start: "2027-03-01T09:00:00+01:00", end: "2027-03-01T10:00:00+01:00" };
const off = { syncAppointments: false, appointmentsFromOutlook: false };

function summary(d: PushDecision): string {
  switch (d.type) {
    case "create":
      return "create";
    case "link":
      return `link ${d.outlookId}`;
    case "update":
      return `update ${d.outlookId} ifMatch=${d.ifMatch}`;
    case "delete":
      return `delete ${d.outlookId}`;
    case "skip":
      return `skip ${d.reason}`;
  }
}

describe("decidePush", () => {
  it.each<[string, Partial<PushInput>, string]>([
    ["CREATE, new, inside the window", {}, "create"],
    ["CREATE, outside the window: not created", { appointment: appointment(outsideWindow) }, "skip outsideWindow"],
    ["CREATE with outlookId (came from Outlook): link, never create", { outlookId: "OUT1" }, "link OUT1"],
    ["CREATE redelivered after success, unchanged", { link: link() }, "skip unchanged"],
    [
      "CREATE redelivered, content changed meanwhile",
      { link: link(), appointment: appointment({ subject: "New" }) },
      'update EV1 ifMatch=W/"CK1"',
    ],
    [
      "UPDATE linked, changed",
      { op: "UPDATE", link: link(), appointment: appointment({ subject: "New" }) },
      'update EV1 ifMatch=W/"CK1"',
    ],
    ["UPDATE linked, unchanged (our own echo from the ERP)", { op: "UPDATE", link: link() }, "skip unchanged"],
    [
      "UPDATE of a tombstone (deleted in Outlook, DELETE sent to the ERP): nothing re-created",
      { op: "UPDATE", link: link({ state: "outlookDeleted" }), appointment: appointment({ subject: "Late" }) },
      "skip tombstoned",
    ],
    [
      "CREATE of a tombstone: nothing",
      { link: link({ state: "outlookDeleted" }), appointment: appointment({ subject: "Again" }) },
      "skip tombstoned",
    ],
    ["DELETE of a tombstone: retires it", { op: "DELETE", link: link({ state: "outlookDeleted" }) }, "delete EV1"],
    [
      "UPDATE of a pending tombstone (DELETE to the ERP still deferred): the conflict rule decides",
      {
        op: "UPDATE",
        link: link({ state: "outlookDeleted", erpDeleteDue: new Date("2026-11-30T10:02:00Z") }),
        appointment: appointment({ subject: "Crossed" }),
      },
      "skip tombstonePending",
    ],
    [
      "UPDATE of a pending tombstone, older than the link's modifiedAt: stale",
      {
        op: "UPDATE",
        link: link({
          state: "outlookDeleted",
          erpDeleteDue: new Date("2026-11-30T10:02:00Z"),
          erpModifiedAt: new Date("2026-11-29T10:00:00Z"),
        }),
        appointment: appointment({ subject: "Old", modifiedAt: "2026-11-29T10:30:00+01:00" }),
      },
      "skip stale",
    ],
    [
      "DELETE of a pending tombstone: the ERP deleted the record itself (no DELETE goes back)",
      { op: "DELETE", link: link({ state: "outlookDeleted", erpDeleteDue: new Date("2026-11-30T10:02:00Z") }) },
      "delete EV1",
    ],
    [
      "UPDATE while re-creating: PATCH (its 404 leads back to the re-create)",
      { op: "UPDATE", link: link({ state: "recreating" }), appointment: appointment({ subject: "x" }) },
      'update EV1 ifMatch=W/"CK1"',
    ],
    [
      "UPDATE older than the link's modifiedAt (delivered late): stale",
      {
        op: "UPDATE",
        link: link({ erpModifiedAt: new Date("2026-11-29T10:00:00Z") }),
        appointment: appointment({ subject: "Old", modifiedAt: "2026-11-29T10:30:00+01:00" }),
      },
      "skip stale",
    ],
    [
      "UPDATE as new as the link's modifiedAt: applied",
      {
        op: "UPDATE",
        link: link({ erpModifiedAt: new Date("2026-11-29T10:00:00Z") }),
        appointment: appointment({ subject: "Same time", modifiedAt: "2026-11-29T11:00:00+01:00" }),
      },
      'update EV1 ifMatch=W/"CK1"',
    ],
    [
      "UPDATE without modifiedAt is never stale",
      {
        op: "UPDATE",
        link: link({ erpModifiedAt: new Date("2026-11-29T10:00:00Z") }),
        appointment: appointment({ subject: "No time" }),
      },
      'update EV1 ifMatch=W/"CK1"',
    ],
    [
      "CREATE redelivered older than the link: stale",
      {
        link: link({ erpModifiedAt: new Date("2026-11-29T10:00:00Z") }),
        appointment: appointment({ subject: "x", modifiedAt: "2026-11-29T09:00:00Z" }),
      },
      "skip stale",
    ],

    [
      "UPDATE linked, moved outside the window: still updated",
      { op: "UPDATE", link: link(), appointment: appointment(outsideWindow) },
      'update EV1 ifMatch=W/"CK1"',
    ],
    [
      "UPDATE linked, changeKey unknown: no If-Match",
      { op: "UPDATE", link: link({ outlookChangeKey: "" }), appointment: appointment({ subject: "x" }) },
      "update EV1 ifMatch=undefined",
    ],
    ["UPDATE not linked, outlookId given", { op: "UPDATE", outlookId: "OUT1" }, "update OUT1 ifMatch=undefined"],
    ["UPDATE never seen, inside the window: create", { op: "UPDATE" }, "create"],
    [
      "UPDATE never seen, outside the window",
      { op: "UPDATE", appointment: appointment(outsideWindow) },
      "skip outsideWindow",
    ],
    ["DELETE linked", { op: "DELETE", link: link(), appointment: undefined }, "delete EV1"],
    [
      "DELETE linked, outside the window: honoured",
      { op: "DELETE", link: link(), appointment: appointment(outsideWindow) },
      "delete EV1",
    ],
    ["DELETE not linked, outlookId given", { op: "DELETE", outlookId: "OUT1" }, "delete OUT1"],
    ["DELETE unknown", { op: "DELETE" }, "skip notLinked"],
    ["switch off: CREATE", { switches: off }, "skip switchOff"],
    ["switch off: DELETE linked", { op: "DELETE", link: link(), switches: off }, "skip switchOff"],
    [
      "switch off but appointmentsFromOutlook on: the ERP's answer is still recorded",
      { outlookId: "OUT1", switches: { syncAppointments: false, appointmentsFromOutlook: true } },
      "link OUT1",
    ],
    [
      "switch off, appointmentsFromOutlook on, no outlookId",
      { switches: { syncAppointments: false, appointmentsFromOutlook: true } },
      "skip switchOff",
    ],
  ])("%s", (_name, overrides, expected) => {
    expect(summary(decidePush(input(overrides)))).toBe(expected);
  });

  it("create: Graph body with transactionId, ERP key property, category and UTC times", () => {
    const d = decidePush(input());
    const transactionId = appointmentTransactionId("JSMITH", "1", "H0001234");
    expect(d).toEqual({
      type: "create",
      transactionId,
      erpFingerprint: erpAppointmentFingerprint(appointment()),
      body: {
        subject: "Site meeting",
        body: { contentType: "text", content: "Bring boots" },
        start: { dateTime: "2026-12-01T08:00:00.0000000", timeZone: "UTC" },
        end: { dateTime: "2026-12-01T09:00:00.0000000", timeZone: "UTC" },
        isAllDay: false,
        location: { displayName: "Depot" },
        categories: ["Meeting"],
        transactionId,
        singleValueExtendedProperties: [{ id: ERP_KEY_PROPERTY_ID, value: "1|H0001234" }],
      },
    });
  });

  it("create: same transactionId on redelivery, within Graph's GUID shape", () => {
    const first = decidePush(input());
    const again = decidePush(input({ now: new Date("2026-11-30T05:00:00Z") }));
    expect(first.type === "create" && again.type === "create" && first.transactionId === again.transactionId).toBe(
      true,
    );
    expect(first.type === "create" && first.transactionId.length).toBeLessThanOrEqual(36);
  });

  it("create: all-day as midnight-to-midnight UTC, no categories when the description is unknown", () => {
    const d = decidePush(
      input({
        appointment: appointment({
          allDay: true,
          start: "2026-12-01T00:00:00+01:00",
          end: "2026-12-01T23:59:59+01:00",
          actionTypeDescription: undefined,
        }),
      }),
    );
    expect(d.type === "create" && d.body).toMatchObject({
      isAllDay: true,
      start: { dateTime: "2026-12-01T00:00:00.0000000", timeZone: "UTC" },
      end: { dateTime: "2026-12-02T00:00:00.0000000", timeZone: "UTC" },
    });
    expect(d.type === "create" && "categories" in d.body).toBe(false);
  });

  it("update: PATCH body without transactionId (it cannot change) but with the ERP key", () => {
    const d = decidePush(input({ op: "UPDATE", link: link(), appointment: appointment({ subject: "New" }) }));
    expect(d).toMatchObject({ type: "update", outlookId: "EV1", ifMatch: 'W/"CK1"', changeKey: "CK1" });
    expect(d.type === "update" && "transactionId" in d.body).toBe(false);
    expect(d.type === "update" && d.body.singleValueExtendedProperties).toEqual([
      { id: ERP_KEY_PROPERTY_ID, value: "1|H0001234" },
    ]);
    expect(d.type === "update" && d.erpFingerprint).toBe(erpAppointmentFingerprint(appointment({ subject: "New" })));
  });

  it("link: completes a pending link, keeping what is known of the Outlook side", () => {
    const pending = link({ hsaRef: null, outlookId: "OUT1", outlookFingerprint: "outfp", outlookChangeKey: "CK9" });
    const d = decidePush(input({ outlookId: "OUT1", link: pending }));
    expect(d).toEqual({
      type: "link",
      outlookId: "OUT1",
      link: {
        user: "JSMITH",
        kco: "1",
        hsaRef: "H0001234",
        outlookId: "OUT1",
        erpFingerprint: erpAppointmentFingerprint(appointment()),
        outlookFingerprint: "outfp",
        outlookChangeKey: "CK9",
        lastSyncedAt: now,
      },
    });
  });

  it.each<[string, Partial<PushInput>, RegExp]>([
    ["CREATE without data", { appointment: undefined }, /data: appointment data is required for CREATE/],
    [
      "UPDATE with a local time",
      { op: "UPDATE", appointment: appointment({ start: "2026-12-01T09:00:00" }) },
      /data\.start/,
    ],
    ["end before start", { appointment: appointment({ end: "2026-12-01T08:00:00+01:00" }) }, /data\.end/],
  ])("%s → PermanentError naming the field", (_name, overrides, message) => {
    expect(() => decidePush(input(overrides))).toThrow(PermanentError);
    expect(() => decidePush(input(overrides))).toThrow(message);
  });

  it("etagOf wraps a changeKey as Graph's weak ETag", () => {
    expect(etagOf("ZlnW4RIAV06KYYwlrfNZvQAALfZeRQ==")).toBe('W/"ZlnW4RIAV06KYYwlrfNZvQAALfZeRQ=="');
  });
});

describe("newestModifiedAt", () => {
  const held = new Date("2026-11-29T10:00:00Z");
  it.each<[string, Date | undefined, string | undefined, string | undefined]>([
    ["nothing known", undefined, undefined, undefined],
    ["only the push's", undefined, "2026-11-29T11:00:00+01:00", "2026-11-29T10:00:00.000Z"],
    ["only the link's", held, undefined, "2026-11-29T10:00:00.000Z"],
    ["the push is newer", held, "2026-11-29T12:00:00Z", "2026-11-29T12:00:00.000Z"],
    ["the link is newer", held, "2026-11-29T09:00:00Z", "2026-11-29T10:00:00.000Z"],
  ])("%s", (_name, erpModifiedAt, modifiedAt, expected) => {
    const got = newestModifiedAt(link({ erpModifiedAt }), appointment({ modifiedAt }));
    expect(got?.toISOString()).toBe(expected);
  });
});
