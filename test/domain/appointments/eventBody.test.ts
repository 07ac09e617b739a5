// The event body written for an ERP appointment in the user's mailbox zone: wall times there, the same instants, the
// all-day dates unmoved, and fingerprints that do not depend on the zone written.
import { describe, expect, it } from "vitest";
import { erpAppointmentTimes } from "../../../shared/domain/appointments/erpAppointment.js";
import { eventBodyFromErp } from "../../../shared/domain/appointments/eventBody.js";
import { parseGraphEvent } from "../../../shared/domain/appointments/graphEvent.js";
import {
  erpAppointmentFingerprint,
  outlookEventFingerprint,
} from "../../../shared/domain/appointments/appointmentFingerprint.js";
import { graphDateTimeToInstant } from "../../../shared/domain/graphDateTime.js";
import { sampleErpAppointment } from "./sampleErpAppointment.js";

const timed = sampleErpAppointment(); // 1 Dec 2026 09:00–10:00 +01:00 = 08:00–09:00Z
const allDay = sampleErpAppointment({ allDay: true, start: "2026-12-01", end: "2026-12-02" });
const ukSpring = sampleErpAppointment({ allDay: true, start: "2026-03-29", end: "2026-03-29" });
const usFall = sampleErpAppointment({
  allDay: true,
  start: "2026-11-01T00:00:00-07:00",
  end: "2026-11-02T00:00:00-08:00",
});
const summer = sampleErpAppointment({ start: "2026-07-01T09:00:00+02:00", end: "2026-07-01T10:30:00+02:00" });

describe("eventBodyFromErp in the mailbox zone", () => {
  it.each([
    ["timed, UTC (default)", timed, undefined, "2026-12-01T08:00:00.0000000", "2026-12-01T09:00:00.0000000", "UTC"],
    ["timed, Pacific", timed, "Pacific Standard Time", "2026-12-01T00:00:00.0000000", "2026-12-01T01:00:00.0000000"],
    ["timed, GMT (winter)", timed, "GMT Standard Time", "2026-12-01T08:00:00.0000000", "2026-12-01T09:00:00.0000000"],
    ["timed, GMT (BST)", summer, "GMT Standard Time", "2026-07-01T08:00:00.0000000", "2026-07-01T09:30:00.0000000"],
    ["timed, Tokyo", timed, "Tokyo Standard Time", "2026-12-01T17:00:00.0000000", "2026-12-01T18:00:00.0000000"],
    ["all-day, Pacific", allDay, "Pacific Standard Time", "2026-12-01T00:00:00.0000000", "2026-12-02T00:00:00.0000000"],
    ["all-day, Tokyo", allDay, "Tokyo Standard Time", "2026-12-01T00:00:00.0000000", "2026-12-02T00:00:00.0000000"],
    [
      "all-day on the UK change",
      ukSpring,
      "GMT Standard Time",
      "2026-03-29T00:00:00.0000000",
      "2026-03-30T00:00:00.0000000",
    ],
    [
      "all-day on the US change",
      usFall,
      "Pacific Standard Time",
      "2026-11-01T00:00:00.0000000",
      "2026-11-02T00:00:00.0000000",
    ],
  ])("%s", (_name, a, zone, start, end, writtenZone = zone) => {
    const body = eventBodyFromErp(a, undefined, zone);
    expect(body.start).toEqual({ dateTime: start, timeZone: writtenZone });
    expect(body.end).toEqual({ dateTime: end, timeZone: writtenZone });
    expect(body.isAllDay).toBe(a.allDay);
  });

  it.each(["UTC", "Pacific Standard Time", "GMT Standard Time", "Tokyo Standard Time", "America/Los_Angeles"])(
    "timed: the instants are unchanged in %s",
    (zone) => {
      const span = erpAppointmentTimes(summer);
      const body = eventBodyFromErp(summer, undefined, zone);
      expect(graphDateTimeToInstant(body.start).toISOString()).toBe(span.start.toISOString());
      expect(graphDateTimeToInstant(body.end).toISOString()).toBe(span.end.toISOString());
    },
  );

  it.each([
    ["timed", timed],
    ["all-day", allDay],
    ["all-day on the UK change", ukSpring],
  ])("%s: what Graph keeps has the ERP fingerprint whichever zone was written", (_name, a) => {
    const fingerprints = ["UTC", "Pacific Standard Time", "GMT Standard Time", "Tokyo Standard Time"].map((zone) => {
      const body = eventBodyFromErp(a, "tx", zone);
      return outlookEventFingerprint(parseGraphEvent({ ...body, id: "E1", categories: body.categories ?? [] }));
    });
    expect(new Set(fingerprints)).toEqual(new Set([erpAppointmentFingerprint(a)]));
  });

  it("an unknown zone is refused, naming it", () => {
    expect(() => eventBodyFromErp(allDay, undefined, "Atlantis Standard Time")).toThrow(
      /mailboxTimeZone: unknown time zone "Atlantis Standard Time"/,
    );
  });
});
