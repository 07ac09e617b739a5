// Links table rows ⇄ domain links: a pending (Outlook-born) link keeps a per-event stand-in key and reads back as null.
import { describe, expect, it } from "vitest";
import { pendingHsaRef, toDomainLink, toLinkInput } from "../../../shared/app/appointments/appointmentLinks.js";
import type { Link } from "../../../shared/domain/appointments/types.js";

const base: Link = {
  user: "JSMITH",
  kco: "1",
  hsaRef: "H1",
  outlookId: "AAMk/ev+1=",
  erpFingerprint: "e".repeat(64),
  outlookFingerprint: "o".repeat(64),
  outlookChangeKey: "CK1",
  lastSyncedAt: new Date("2026-11-30T04:00:00.000Z"),
};

describe("appointment links", () => {
  it.each<[string, Link, string]>([
    ["an ERP-keyed link", base, "H1"],
    ["a pending Outlook-born link", { ...base, hsaRef: null }, pendingHsaRef(base.outlookId)],
    [
      "a tombstone with the newest ERP modifiedAt",
      { ...base, state: "outlookDeleted", erpModifiedAt: new Date("2026-11-30T03:00:00.000Z") },
      "H1",
    ],
    ["a link being re-created", { ...base, state: "recreating" }, "H1"],
  ])("%s round-trips through the table shape", (_what, link, storedHsaRef) => {
    const input = toLinkInput(link);
    expect(input).toMatchObject({
      kind: "appointment",
      hsaRef: storedHsaRef,
      lastSyncedAt: "2026-11-30T04:00:00.000Z",
    });
    expect(toDomainLink({ ...input, version: "v1" })).toEqual({ ...link, version: "v1" });
  });

  it("an unknown state or an unreadable erpModifiedAt reads as live / unknown", () => {
    const row = { ...toLinkInput(base), state: "zombie", erpModifiedAt: "soon", version: "v" };
    const link = toDomainLink(row);
    expect(link.state).toBeUndefined();
    expect(link.erpModifiedAt).toBeUndefined();
  });

  it("two pending links of different events never share a key", () => {
    expect(pendingHsaRef("A")).not.toBe(pendingHsaRef("B"));
  });

  it("a row missing the optional columns reads as empty fingerprints and the epoch", () => {
    const row = { user: "JSMITH", kind: "appointment" as const, kco: "1", hsaRef: "H9", outlookId: "X", version: "v" };
    expect(toDomainLink(row)).toEqual({
      user: "JSMITH",
      kco: "1",
      hsaRef: "H9",
      outlookId: "X",
      erpFingerprint: "",
      outlookFingerprint: "",
      outlookChangeKey: "",
      lastSyncedAt: new Date(0),
      version: "v",
    });
  });
});
