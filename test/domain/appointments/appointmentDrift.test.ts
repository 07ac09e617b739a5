// Drift repair and 412 resolution: the side that changed since the last sync wins; both → the conflict rule.
import { describe, expect, it } from "vitest";
import { decideDrift } from "../../../shared/domain/appointments/appointmentDrift.js";
import {
  erpAppointmentFingerprint,
  outlookEventFingerprint,
} from "../../../shared/domain/appointments/appointmentFingerprint.js";
import { parseGraphEvent } from "../../../shared/domain/appointments/graphEvent.js";
import type { ConflictRule, ErpAppointment, Link, UserSwitches } from "../../../shared/domain/appointments/types.js";
import { resolveConflict, type ChangeTimes } from "../../../shared/domain/sync/conflictRule.js";
import type { DriftAction } from "../../../shared/domain/sync/drift.js";
import { decideOrphan, type OrphanAction } from "../../../shared/domain/sync/orphan.js";
import { syncWindow } from "../../../shared/domain/window.js";
import { rawEvent } from "./rawEvent.js";
import { sampleErpAppointment } from "./sampleErpAppointment.js";

/** Without an action type, as this file always had it (the fingerprint reads only its description). */
const erp = (overrides: Partial<ErpAppointment> = {}): ErpAppointment =>
  sampleErpAppointment({ actionType: undefined, ...overrides });
const event = (overrides: Record<string, unknown> = {}) => parseGraphEvent(rawEvent(overrides));
const link: Link = {
  user: "JSMITH",
  kco: "1",
  hsaRef: "H0001234",
  outlookId: "EV1",
  erpFingerprint: erpAppointmentFingerprint(erp()),
  outlookFingerprint: outlookEventFingerprint(event()),
  outlookChangeKey: "CK1",
  lastSyncedAt: new Date("2026-11-29T00:00:00Z"),
};
const both: UserSwitches = { syncAppointments: true, appointmentsFromOutlook: true };
const window = syncWindow(new Date("2026-11-30T04:00:00Z"), 1, 21);

describe("resolveConflict", () => {
  it.each<[ConflictRule, string]>([
    ["erp-wins", "erp"],
    ["outlook-wins", "outlook"],
  ])("%s → %s", (rule, side) => {
    expect(resolveConflict(rule)).toBe(side);
  });

  const t = (iso: string) => new Date(iso);
  it.each<[string, ConflictRule, ChangeTimes, string]>([
    [
      "newest-wins, Outlook later",
      "newest-wins",
      { erp: t("2026-11-29T10:00Z"), outlook: t("2026-11-29T10:01Z") },
      "outlook",
    ],
    ["newest-wins, ERP later", "newest-wins", { erp: t("2026-11-29T10:02Z"), outlook: t("2026-11-29T10:01Z") }, "erp"],
    [
      "newest-wins, a tie goes to the ERP",
      "newest-wins",
      { erp: t("2026-11-29T10:00Z"), outlook: t("2026-11-29T10:00Z") },
      "erp",
    ],
    ["newest-wins, ERP time unknown", "newest-wins", { outlook: t("2026-11-29T10:00Z") }, "outlook"],
    ["newest-wins, Outlook time unknown", "newest-wins", { erp: t("2026-11-29T10:00Z") }, "erp"],
    ["newest-wins, neither known", "newest-wins", {}, "erp"],
    ["erp-wins ignores the times", "erp-wins", { erp: t("2026-11-29T10:00Z"), outlook: t("2026-11-29T11:00Z") }, "erp"],
    [
      "outlook-wins ignores the times",
      "outlook-wins",
      { erp: t("2026-11-29T12:00Z"), outlook: t("2026-11-29T11:00Z") },
      "outlook",
    ],
  ])("%s", (_name, rule, times, side) => {
    expect(resolveConflict(rule, times)).toBe(side);
  });
});

describe("decideDrift", () => {
  it("the fixtures start in step (fingerprints equal across sides)", () => {
    expect(link.erpFingerprint).toBe(link.outlookFingerprint);
  });

  it.each<
    [
      string,
      Link | undefined,
      ErpAppointment | undefined,
      ReturnType<typeof event> | undefined,
      ConflictRule,
      DriftAction,
    ]
  >([
    ["in step", link, erp(), event(), "erp-wins", "none"],
    ["changed in the ERP only", link, erp({ subject: "New" }), event(), "outlook-wins", "pushErp"],
    ["changed in Outlook only", link, erp(), event({ subject: "New" }), "erp-wins", "pullOutlook"],
    ["both changed, erp-wins", link, erp({ subject: "A" }), event({ subject: "B" }), "erp-wins", "pushErp"],
    ["both changed, outlook-wins", link, erp({ subject: "A" }), event({ subject: "B" }), "outlook-wins", "pullOutlook"],
    [
      "both changed the same way",
      link,
      erp({ subject: "Same" }),
      event({ subject: "Same" }),
      "erp-wins",
      "refreshLink",
    ],
    [
      "412: changeKey moved, content not; ERP changed",
      link,
      erp({ subject: "A" }),
      event({ changeKey: "CK7" }),
      "outlook-wins",
      "pushErp",
    ],
    ["deleted in Outlook, ERP unchanged", link, erp(), undefined, "erp-wins", "deleteInErp"],
    ["cancelled in Outlook, ERP unchanged", link, erp(), event({ isCancelled: true }), "erp-wins", "deleteInErp"],
    [
      "deleted in Outlook, ERP changed, erp-wins",
      link,
      erp({ subject: "A" }),
      undefined,
      "erp-wins",
      "recreateInOutlook",
    ],
    [
      "deleted in Outlook, ERP changed, outlook-wins",
      link,
      erp({ subject: "A" }),
      undefined,
      "outlook-wins",
      "deleteInErp",
    ],
    [
      "deleted in Outlook, ERP changed and moved outside the window",
      link,
      erp({ start: "2027-03-01T09:00:00+01:00", end: "2027-03-01T10:00:00+01:00" }),
      undefined,
      "erp-wins",
      "dropLink",
    ],
    ["deleted in the ERP, Outlook unchanged", link, undefined, event(), "outlook-wins", "deleteInOutlook"],
    [
      "deleted in the ERP, Outlook changed, erp-wins",
      link,
      undefined,
      event({ subject: "B" }),
      "erp-wins",
      "deleteInOutlook",
    ],
    [
      "deleted in the ERP, Outlook changed, outlook-wins",
      link,
      undefined,
      event({ subject: "B" }),
      "outlook-wins",
      "recreateInErp",
    ],
    ["gone on both sides", link, undefined, undefined, "erp-wins", "dropLink"],
    [
      "both changed, newest-wins, Outlook edited after the ERP",
      link,
      erp({ subject: "A", modifiedAt: "2026-11-30T10:59:00+01:00" }),
      event({ subject: "B" }),
      "newest-wins",
      "pullOutlook",
    ],
    [
      "both changed, newest-wins, the ERP edited after Outlook",
      link,
      erp({ subject: "A", modifiedAt: "2026-11-30T10:01:00Z" }),
      event({ subject: "B" }),
      "newest-wins",
      "pushErp",
    ],
    [
      "both changed, newest-wins, no ERP modifiedAt: Outlook's known time wins",
      link,
      erp({ subject: "A" }),
      event({ subject: "B" }),
      "newest-wins",
      "pullOutlook",
    ],
    [
      "deleted in Outlook, ERP changed, newest-wins: the deletion",
      link,
      erp({ subject: "A" }),
      undefined,
      "newest-wins",
      "deleteInErp",
    ],
    [
      "deleted in the ERP, Outlook changed, newest-wins: the deletion",
      link,
      undefined,
      event({ subject: "B" }),
      "newest-wins",
      "deleteInOutlook",
    ],
    ["not linked", undefined, erp(), event(), "erp-wins", "none"],
  ])("%s", (_name, l, e, o, rule, action) => {
    expect(decideDrift({ link: l, erp: e, outlook: o, rule, switches: both, window }).action).toBe(action);
  });

  it.each<[string, UserSwitches, ErpAppointment | undefined, ReturnType<typeof event> | undefined, DriftAction]>([
    [
      "Outlook changed, appointmentsFromOutlook off",
      { syncAppointments: true, appointmentsFromOutlook: false },
      erp(),
      event({ subject: "B" }),
      "none",
    ],
    [
      "ERP changed, syncAppointments off",
      { syncAppointments: false, appointmentsFromOutlook: true },
      erp({ subject: "A" }),
      event(),
      "none",
    ],
    [
      "ERP changed, only syncAppointments on",
      { syncAppointments: true, appointmentsFromOutlook: false },
      erp({ subject: "A" }),
      event(),
      "pushErp",
    ],
    [
      "deleted in Outlook, pull off",
      { syncAppointments: true, appointmentsFromOutlook: false },
      erp(),
      undefined,
      "none",
    ],
    ["both off", { syncAppointments: false, appointmentsFromOutlook: false }, erp({ subject: "A" }), event(), "none"],
  ])("switches: %s", (_name, switches, e, o, action) => {
    const d = decideDrift({ link, erp: e, outlook: o, rule: "erp-wins", switches });
    expect(d.action).toBe(action);
    if (action === "none") expect(d.reason).toMatch(/is off|unchanged|in step/);
  });

  it("names the winner and the reason", () => {
    expect(
      decideDrift({ link, erp: erp({ subject: "A" }), outlook: event({ subject: "B" }), rule: "outlook-wins" }),
    ).toEqual({
      action: "pullOutlook",
      winner: "outlook",
      reason: "both changed, outlook-wins",
    });
  });
});

describe("decideOrphan (an event carrying our ERP key, its own Outlook id not linked)", () => {
  it.each<[string, { outlookId: string; state?: Link["state"] } | undefined, ConflictRule, boolean, OrphanAction]>([
    ["key tombstoned", { outlookId: "OLD", state: "outlookDeleted" }, "erp-wins", false, "deleteEvent"],
    ["key tombstoned, resync", { outlookId: "OLD", state: "outlookDeleted" }, "erp-wins", true, "deleteEvent"],
    ["key linked to another event (duplicate)", { outlookId: "OTHER" }, "erp-wins", true, "deleteEvent"],
    [
      "key being re-created: this is its event",
      { outlookId: "OLD", state: "recreating" },
      "outlook-wins",
      true,
      "relink",
    ],
    ["no link, delta read (our create racing its link save)", undefined, "outlook-wins", false, "relink"],
    ["no link, resync, erp-wins", undefined, "erp-wins", true, "relink"],
    ["no link, resync, newest-wins", undefined, "newest-wins", true, "relink"],
    ["no link, resync, outlook-wins", undefined, "outlook-wins", true, "deleteEvent"],
    ["key linked to this very event", { outlookId: "EV9" }, "outlook-wins", true, "relink"],
  ])("%s → %s", (_name, keyLink, rule, fullResync, expected) => {
    expect(decideOrphan(keyLink, "EV9", rule, fullResync)).toBe(expected);
  });
});
