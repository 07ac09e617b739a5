// Fingerprints: equal across ERP and Outlook for the same content (echo both ways), different when content differs.
import { describe, expect, it } from "vitest";
import {
  canonicalFromErp,
  erpAppointmentFingerprint,
  outlookEventFingerprint,
} from "../../../shared/domain/appointments/appointmentFingerprint.js";
import { inboundDataFromEvent } from "../../../shared/domain/appointments/erpAppointment.js";
import { eventBodyFromErp } from "../../../shared/domain/appointments/eventBody.js";
import { parseGraphEvent } from "../../../shared/domain/appointments/graphEvent.js";
import type { ErpAppointment } from "../../../shared/domain/appointments/types.js";
import { normaliseText } from "../../../shared/domain/sync/contentHash.js";
import { asGraphStoresIt } from "./graphAnswer.js";
import { rawEvent } from "./rawEvent.js";
import { sampleErpAppointment } from "./sampleErpAppointment.js";

const erp = (overrides: Partial<ErpAppointment> = {}): ErpAppointment =>
  sampleErpAppointment({ notes: "Bring boots\r\nand a helmet", ...overrides });

const outlook = (overrides: Record<string, unknown> = {}) =>
  parseGraphEvent(
    rawEvent({
      body: {
        contentType: "html",
        content: '<html><head><meta charset="utf-8"></head><body><div>Bring boots<br>and a helmet</div></body></html>',
      },
      ...overrides,
    }),
  );

describe("same content → equal fingerprints", () => {
  it.each([
    ["UTC event vs +01:00 ERP", erp(), outlook()],
    [
      "event in W. Europe Standard Time",
      erp(),
      outlook({
        start: { dateTime: "2026-12-01T09:00:00.0000000", timeZone: "W. Europe Standard Time" },
        end: { dateTime: "2026-12-01T10:00:00.0000000", timeZone: "W. Europe Standard Time" },
      }),
    ],
    [
      "ERP in Z, event in Europe/London (winter = UTC)",
      erp({ start: "2026-12-01T08:00:00Z", end: "2026-12-01T09:00:00Z" }),
      outlook({
        start: { dateTime: "2026-12-01T08:00:00", timeZone: "Europe/London" },
        end: { dateTime: "2026-12-01T09:00:00", timeZone: "Europe/London" },
      }),
    ],
    [
      "summer: ERP +02:00, event GMT Standard Time (BST)",
      erp({ start: "2026-07-01T09:00:00+02:00", end: "2026-07-01T10:00:00+02:00" }),
      outlook({
        start: { dateTime: "2026-07-01T08:00:00", timeZone: "GMT Standard Time" },
        end: { dateTime: "2026-07-01T09:00:00", timeZone: "GMT Standard Time" },
      }),
    ],
    [
      "category case and spaces; only the first category counts",
      erp({ actionTypeDescription: "  MEETING " }),
      outlook({ categories: ["meeting", "Red category"] }),
    ],
    ["no description and no category", erp({ actionTypeDescription: undefined }), outlook({ categories: [] })],
    [
      "notes: text body with CRLF vs LF, extra spaces",
      erp({ notes: "Bring boots  \nand a helmet " }),
      outlook({ body: { contentType: "text", content: "Bring boots\r\nand a helmet" } }),
    ],
    [
      "empty notes and location",
      erp({ notes: undefined, location: undefined }),
      outlook({ body: { contentType: "html", content: "" }, location: { displayName: "" } }),
    ],
    [
      "all-day: exclusive ERP end vs event in W. Europe zone",
      erp({ allDay: true, start: "2026-12-01T00:00:00+01:00", end: "2026-12-02T00:00:00+01:00" }),
      outlook({
        isAllDay: true,
        start: { dateTime: "2026-12-01T00:00:00.0000000", timeZone: "W. Europe Standard Time" },
        end: { dateTime: "2026-12-02T00:00:00.0000000", timeZone: "W. Europe Standard Time" },
      }),
    ],
    [
      "all-day: inclusive ERP end (23:59) vs event in UTC",
      erp({ allDay: true, start: "2026-12-01T00:00:00+01:00", end: "2026-12-01T23:59:00+01:00" }),
      outlook({
        isAllDay: true,
        start: { dateTime: "2026-12-01T00:00:00.0000000", timeZone: "UTC" },
        end: { dateTime: "2026-12-02T00:00:00.0000000", timeZone: "UTC" },
      }),
    ],
    [
      "all-day over two days, ERP end equal to start day's midnight + 2",
      erp({ allDay: true, start: "2026-12-01T00:00:00Z", end: "2026-12-03T00:00:00Z" }),
      outlook({
        isAllDay: true,
        start: { dateTime: "2026-12-01T00:00:00.0000000", timeZone: "Pacific Standard Time" },
        end: { dateTime: "2026-12-03T00:00:00.0000000", timeZone: "Pacific Standard Time" },
      }),
    ],
  ])("%s", (_name, appointment, event) => {
    expect(outlookEventFingerprint(event)).toBe(erpAppointmentFingerprint(appointment));
  });
});

describe("different content → different fingerprints", () => {
  const base = erpAppointmentFingerprint(erp());
  it.each([
    ["subject", outlook({ subject: "Site meeting (moved)" })],
    ["start one minute later", outlook({ start: { dateTime: "2026-12-01T08:01:00", timeZone: "UTC" } })],
    ["end", outlook({ end: { dateTime: "2026-12-01T09:30:00", timeZone: "UTC" } })],
    [
      "same wall time, other zone",
      outlook({ start: { dateTime: "2026-12-01T08:00:00", timeZone: "Europe/Amsterdam" } }),
    ],
    ["location", outlook({ location: { displayName: "Head office" } })],
    ["notes", outlook({ body: { contentType: "text", content: "Bring boots" } })],
    ["first category", outlook({ categories: ["Visit", "Meeting"] })],
    ["all-day flag", outlook({ isAllDay: true })],
  ])("%s", (_name, event) => {
    expect(outlookEventFingerprint(event)).not.toBe(base);
  });

  it("ignores what is not synced (changeKey, lastModified, cancelled flag, our property)", () => {
    expect(
      outlookEventFingerprint(
        outlook({
          changeKey: "OTHER",
          lastModifiedDateTime: "2027-01-01T00:00:00Z",
          singleValueExtendedProperties: [],
        }),
      ),
    ).toBe(base);
  });
});

describe("echo both ways", () => {
  it.each([
    ["timed", erp()],
    ["all-day", erp({ allDay: true, start: "2026-12-01T00:00:00+01:00", end: "2026-12-02T00:00:00+01:00" })],
    ["notes with markup characters", erp({ notes: "a < b & c > d\nnext line" })],
    ["no category", erp({ actionTypeDescription: undefined })],
  ])("ERP write → the event Graph returns has the ERP fingerprint (%s)", (_name, appointment) => {
    const stored = asGraphStoresIt(eventBodyFromErp(appointment, "tx"));
    expect(outlookEventFingerprint(stored)).toBe(erpAppointmentFingerprint(appointment));
  });

  it.each([
    ["timed", outlook()],
    [
      "all-day",
      outlook({
        isAllDay: true,
        start: { dateTime: "2026-12-01T00:00:00.0000000", timeZone: "W. Europe Standard Time" },
        end: { dateTime: "2026-12-03T00:00:00.0000000", timeZone: "W. Europe Standard Time" },
      }),
    ],
  ])("Outlook → erp-inbound data → the ERP's echo has the Outlook fingerprint (%s)", (_name, event) => {
    const data = inboundDataFromEvent(event);
    const echoed: ErpAppointment = { kco: "1", hsaRef: "H1", ...data, actionTypeDescription: "Meeting" };
    expect(erpAppointmentFingerprint(echoed)).toBe(outlookEventFingerprint(event));
  });
});

describe("canonical form", () => {
  it("is stable and readable", () => {
    expect(canonicalFromErp(erp())).toEqual({
      subject: "Site meeting",
      allDay: false,
      start: "2026-12-01T08:00:00.000Z",
      end: "2026-12-01T09:00:00.000Z",
      location: "Depot",
      notes: "Bring boots and a helmet",
      category: "meeting",
    });
    expect(erpAppointmentFingerprint(erp())).toMatch(/^[0-9a-f]{64}$/);
    expect(normaliseText(" a\u00a0\tb\r\n c ")).toBe("a b c");
  });

  it("names the field when ERP dates are unusable", () => {
    expect(() => erpAppointmentFingerprint(erp({ start: "2026-12-01T09:00:00" }))).toThrow(/data\.start/);
    expect(() => erpAppointmentFingerprint(erp({ end: "2026-12-01T07:00:00+01:00" }))).toThrow(/data\.end.*before/);
  });
});
