// endNotBeforeStart compares only exact instants: a value without offset never meets the process's time zone.
import { afterEach, describe, expect, it } from "vitest";
import { parsePushMessage } from "../../../shared/domain/messages/parseMessage.js";

const appointment = (start: string, end: string) => ({
  kind: "appointment",
  op: "CREATE",
  user: "JSMITH",
  kco: "1",
  hsaRef: "H1",
  data: { subject: "x", start, end, allDay: false },
});

const reasonOf = (body: unknown): string => {
  const r = parsePushMessage(body);
  return r.ok ? "ok" : r.reason;
};

describe("endNotBeforeStart, whatever the process time zone", () => {
  const original = process.env.TZ;
  afterEach(() => {
    process.env.TZ = original;
  });

  it.each(["UTC", "Europe/London", "America/Los_Angeles", "Pacific/Auckland"])("TZ=%s", (tz) => {
    process.env.TZ = tz;
    // 09:30 without offset read as Los Angeles time would be 17:30Z, after the end: only the offset is reported.
    expect(reasonOf(appointment("2026-03-02T09:30:00", "2026-03-02T10:30:00+01:00"))).toBe(
      "data.start: expected ISO 8601 date-time with offset",
    );
    expect(reasonOf(appointment("2026-03-02T09:30:00+01:00", "2026-03-02T08:00:00+01:00"))).toBe(
      "data.end: must not be before start",
    );
    expect(reasonOf(appointment("2026-03-02T09:30:00+01:00", "2026-03-02T08:45:00Z"))).toBe("ok");
  });
});
