// Which zone a user's events are written in, from what the mailboxSettings read gave (pure).
import { describe, expect, it } from "vitest";
import { cacheFromRead, mailboxZoneUnknown, writeZoneOf } from "../../../shared/domain/users/mailboxTimeZone.js";

describe("cacheFromRead", () => {
  it.each([
    [{ timeZone: "Pacific Standard Time" }, { timeZone: "Pacific Standard Time", note: "" }],
    [{ timeZone: "Europe/London" }, { timeZone: "Europe/London", note: "" }],
    [
      { timeZone: "Customized Time Zone" },
      {
        timeZone: "Customized Time Zone",
        note: 'mailbox time zone "Customized Time Zone" is not one this app can convert; DEFAULT_TIME_ZONE "GMT Standard Time" used',
      },
    ],
    [
      { denied: "Graph 403 ErrorAccessDenied: Access is denied." },
      {
        timeZone: "",
        note: 'mailboxSettings not readable (Graph 403 ErrorAccessDenied: Access is denied.); DEFAULT_TIME_ZONE "GMT Standard Time" used until MailboxSettings.Read is granted',
      },
    ],
  ])("%j → %j", (read, cached) => {
    expect(cacheFromRead(read, "GMT Standard Time")).toEqual(cached);
  });
});

describe("writeZoneOf / mailboxZoneUnknown", () => {
  it.each([
    [{ mailboxTimeZone: "Pacific Standard Time" }, "Pacific Standard Time", false],
    [{ mailboxTimeZone: "Customized Time Zone", mailboxTimeZoneNote: "…" }, "UTC", false],
    [{ mailboxTimeZone: undefined, mailboxTimeZoneNote: "denied" }, "UTC", false],
    [{}, "UTC", true],
    [{ mailboxTimeZone: "", mailboxTimeZoneNote: "" }, "UTC", true],
  ])("%j → writes in %s; read needed: %s", (row, zone, unknown) => {
    expect(writeZoneOf(row, "UTC")).toBe(zone);
    expect(mailboxZoneUnknown(row)).toBe(unknown);
  });
});
