// PULL decisions per delta item: create by category, update/delete linked, echo, window, switches, removals.
import { describe, expect, it } from "vitest";
import { parseGraphEvent } from "../../../shared/domain/appointments/graphEvent.js";
import {
  decidePull,
  decideRemoval,
  matchActionType,
  needsFullRead,
  type PullContext,
  type PullDecision,
} from "../../../shared/domain/appointments/pullPlan.js";
import type { Link } from "../../../shared/domain/appointments/types.js";
import { outlookEventFingerprint } from "../../../shared/domain/appointments/appointmentFingerprint.js";
import { syncWindow } from "../../../shared/domain/window.js";
import { rawEvent, withErpKey } from "./rawEvent.js";

const now = new Date("2026-11-30T04:00:00Z");
const fp = (raw: Record<string, unknown>) => outlookEventFingerprint(parseGraphEvent(raw));

function linkFor(raw: Record<string, unknown>, overrides: Partial<Link> = {}): Link {
  return {
    user: "JSMITH",
    kco: "1",
    hsaRef: "H0001234",
    outlookId: String(raw.id),
    erpFingerprint: fp(raw),
    outlookFingerprint: fp(raw),
    outlookChangeKey: "CK1",
    lastSyncedAt: new Date("2026-11-29T00:00:00Z"),
    ...overrides,
  };
}

function ctx(links: Link[] = [], overrides: Partial<PullContext> = {}): PullContext {
  return {
    user: "JSMITH",
    company: "1",
    links: new Map(links.map((l) => [l.outlookId, l])),
    actionTypes: [
      { company: "1", code: "MEET", description: "Meeting" },
      { company: "1", code: "VISIT", description: "Site visit" },
      { company: "2", code: "OTHER", description: "Other company type" },
    ],
    switches: { syncAppointments: true, appointmentsFromOutlook: true },
    window: syncWindow(now, 1, 21),
    now,
    ...overrides,
  };
}

const one = (context: PullContext, item: unknown, fullRead = false): PullDecision => {
  const decisions = decidePull({ ...context, items: [item], fullRead });
  expect(decisions).toHaveLength(1);
  return decisions[0]!;
};

/** The decision reduced to what the table compares. */
function summary(d: PullDecision): string {
  switch (d.type) {
    case "inbound":
      return `inbound ${d.op} kco=${d.kco} hsaRef=${d.hsaRef} actionType=${d.actionType} link=${d.link.op}`;
    case "skip":
      return `skip ${d.reason}`;
    case "fetch":
      return `fetch ${d.reason}`;
    case "relink":
      return `relink ${d.link.op === "upsert" ? `${d.link.link.kco}|${d.link.link.hsaRef}` : d.link.op}`;
    case "confirmRemoval":
      return "confirmRemoval";
  }
}

const linked = rawEvent();
const outside = {
  start: { dateTime: "2027-02-01T08:00:00", timeZone: "UTC" },
  end: { dateTime: "2027-02-01T09:00:00", timeZone: "UTC" },
};

describe("decidePull: one item", () => {
  it.each<[string, PullContext, unknown, boolean, string]>([
    // new events
    ["new, category matches, our key unknown", ctx(), rawEvent(), false, "fetch erpKeyUnknown"],
    [
      "new, read whole, category matches",
      ctx(),
      rawEvent(),
      true,
      "inbound CREATE kco=1 hsaRef=null actionType=MEET link=upsert",
    ],
    [
      "category match ignores case and spaces",
      ctx(),
      rawEvent({ categories: ["  sITE VISIT "] }),
      true,
      "inbound CREATE kco=1 hsaRef=null actionType=VISIT link=upsert",
    ],
    [
      "only the FIRST category counts",
      ctx(),
      rawEvent({ categories: ["Red", "Meeting"] }),
      true,
      "skip noMatchingCategory",
    ],
    [
      "other company's action type",
      ctx(),
      rawEvent({ categories: ["Other company type"] }),
      true,
      "skip noMatchingCategory",
    ],
    ["no category", ctx(), rawEvent({ categories: [] }), false, "skip noMatchingCategory"],
    ["no category (read whole)", ctx(), rawEvent({ categories: undefined }), true, "skip noMatchingCategory"],
    ["new, outside the window", ctx(), rawEvent(outside), true, "skip outsideWindow"],
    ["new, cancelled", ctx(), rawEvent({ isCancelled: true }), false, "skip cancelled"],
    [
      "new but carries our ERP key (lost link / create race)",
      ctx(),
      withErpKey("1|H0009999"),
      false,
      "relink 1|H0009999",
    ],
    ["ours, category not matching: still relinked", ctx(), withErpKey("3|H7", { categories: [] }), true, "relink 3|H7"],
    ["partial new item", ctx(), { id: "EV9", subject: "x" }, false, "fetch partial"],
    [
      "switch off: matching new event",
      ctx([], { switches: { syncAppointments: true, appointmentsFromOutlook: false } }),
      rawEvent(),
      true,
      "skip switchOff",
    ],
    // linked events
    ["linked, unchanged (our own write coming back)", ctx([linkFor(linked)]), linked, false, "skip echo"],
    [
      "linked, subject changed in Outlook",
      ctx([linkFor(linked)]),
      rawEvent({ subject: "Moved" }),
      false,
      "inbound UPDATE kco=1 hsaRef=H0001234 actionType=MEET link=upsert",
    ],
    [
      "linked, category no longer matching",
      ctx([linkFor(linked)]),
      rawEvent({ categories: ["Red"] }),
      false,
      "inbound UPDATE kco=1 hsaRef=H0001234 actionType=null link=upsert",
    ],
    ["linked, partial", ctx([linkFor(linked)]), { id: "EV1", subject: "x" }, false, "fetch partial"],
    [
      "linked, cancelled",
      ctx([linkFor(linked)]),
      { id: "EV1", isCancelled: true },
      false,
      "inbound DELETE kco=1 hsaRef=H0001234 actionType=null link=tombstone",
    ],
    ["linked, now outside the window", ctx([linkFor(linked)]), rawEvent(outside), false, "skip outsideWindow"],
    [
      "linked, switch off",
      ctx([linkFor(linked)], { switches: { syncAppointments: true, appointmentsFromOutlook: false } }),
      rawEvent({ subject: "Moved" }),
      false,
      "skip switchOff",
    ],
    ["awaiting the ERP's answer, unchanged", ctx([linkFor(linked, { hsaRef: null })]), linked, false, "skip echo"],
    [
      "awaiting the ERP's answer, changed",
      ctx([linkFor(linked, { hsaRef: null })]),
      rawEvent({ subject: "Moved" }),
      false,
      "inbound CREATE kco=1 hsaRef=null actionType=MEET link=upsert",
    ],
    [
      "awaiting the ERP's answer, category removed",
      ctx([linkFor(linked, { hsaRef: null })]),
      rawEvent({ categories: [] }),
      false,
      "skip noMatchingCategory",
    ],
    // removals
    [
      "@removed, linked",
      ctx([linkFor(linked)]),
      { id: "EV1", "@removed": { reason: "deleted" } },
      false,
      "confirmRemoval",
    ],
    [
      "@removed (changed), linked",
      ctx([linkFor(linked)]),
      { id: "EV1", "@removed": { reason: "changed" } },
      false,
      "confirmRemoval",
    ],
    ["@removed, not linked", ctx(), { id: "EV1", "@removed": { reason: "deleted" } }, false, "skip unlinkedRemoval"],
    // bad input
    [
      "unknown time zone",
      ctx(),
      rawEvent({ start: { dateTime: "2026-12-01T08:00:00", timeZone: "Nowhere" } }),
      false,
      "skip invalid",
    ],
    ["whole read without times", ctx(), { id: "EV1", subject: "x" }, true, "skip invalid"],
  ])("%s", (_name, context, item, fullRead, expected) => {
    expect(summary(one(context, item, fullRead))).toBe(expected);
  });
});

describe("decidePull: payloads", () => {
  it("CREATE carries the ERP data and a pending link with the event's fingerprint", () => {
    const d = one(ctx(), rawEvent(), true);
    expect(d).toEqual({
      type: "inbound",
      op: "CREATE",
      outlookId: "EV1",
      kco: "1",
      hsaRef: null,
      actionType: "MEET",
      data: {
        subject: "Site meeting",
        start: "2026-12-01T08:00:00.000Z",
        end: "2026-12-01T09:00:00.000Z",
        allDay: false,
        location: "Depot",
        notes: "Bring boots",
      },
      link: {
        op: "upsert",
        link: {
          user: "JSMITH",
          kco: "1",
          hsaRef: null,
          outlookId: "EV1",
          erpFingerprint: fp(rawEvent()),
          outlookFingerprint: fp(rawEvent()),
          outlookChangeKey: "CK1",
          lastSyncedAt: now,
        },
      },
    });
  });

  it("UPDATE records the new fingerprint and changeKey on both sides of the link (the ERP echo is then recognised)", () => {
    const changed = rawEvent({ subject: "Moved", changeKey: "CK2" });
    const d = one(ctx([linkFor(linked)]), changed);
    expect(d.type === "inbound" && d.link).toEqual({
      op: "upsert",
      link: {
        ...linkFor(linked),
        erpFingerprint: fp(changed),
        outlookFingerprint: fp(changed),
        outlookChangeKey: "CK2",
        lastSyncedAt: now,
      },
    });
    expect(d.type === "inbound" && d.data?.subject).toBe("Moved");
  });

  it("all-day CREATE sends midnight UTC dates, end exclusive", () => {
    const d = one(
      ctx(),
      rawEvent({
        isAllDay: true,
        start: { dateTime: "2026-12-01T00:00:00.0000000", timeZone: "W. Europe Standard Time" },
        end: { dateTime: "2026-12-02T00:00:00.0000000", timeZone: "W. Europe Standard Time" },
      }),
      true,
    );
    expect(d.type === "inbound" && d.data).toMatchObject({
      allDay: true,
      start: "2026-12-01T00:00:00Z",
      end: "2026-12-02T00:00:00Z",
    });
  });

  it("invalid items name the problem", () => {
    const d = one(ctx(), rawEvent({ start: { dateTime: "2026-12-01T08:00:00", timeZone: "Nowhere" } }));
    expect(d).toMatchObject({ type: "skip", outlookId: "EV1", reason: "invalid" });
    expect(d.type === "skip" && d.detail).toMatch(/event EV1: start\.timeZone: unknown time zone "Nowhere"/);
  });
});

describe("decidePull: a page of items", () => {
  it("keeps only the last occurrence of a repeated id, in order", () => {
    const decisions = decidePull({
      ...ctx([linkFor(linked)]),
      items: [rawEvent({ subject: "first" }), rawEvent({ id: "EV2", categories: [] }), linked],
    });
    expect(decisions.map((d) => `${d.outlookId} ${summary(d)}`)).toEqual([
      "EV2 skip noMatchingCategory",
      "EV1 skip echo",
    ]);
  });

  it("decides Microsoft's abbreviated delta items as 'read whole first'", () => {
    const items = [
      {
        "@odata.type": "#microsoft.graph.event",
        "@odata.etag": 'W/"EZ9r3czxY0m2jz8c45czkwAALZu97g=="',
        subject: "Rest!",
        body: { contentType: "html", content: "" },
        start: { dateTime: "2026-12-12T02:00:00.0000000", timeZone: "UTC" },
        end: { dateTime: "2026-12-12T07:30:00.0000000", timeZone: "UTC" },
        location: { displayName: "Home" },
        attendees: [],
        id: "AAMkADj1HuAAA=",
      },
    ];
    expect(decidePull({ ...ctx(), items }).map(summary)).toEqual(["fetch partial"]);
    expect(needsFullRead(items[0])).toBe(true);
  });
});

describe("needsFullRead", () => {
  it.each([
    [rawEvent(), false],
    [{ id: "X", subject: "only this" }, true],
    [{ id: "X", "@removed": { reason: "deleted" } }, false],
    ["garbage", false],
  ])("%j → %s", (item, expected) => {
    expect(needsFullRead(item)).toBe(expected);
  });
});

describe("decideRemoval (after GET of a @removed linked event)", () => {
  it.each<[string, PullContext, unknown, string]>([
    [
      "404: really deleted",
      ctx([linkFor(linked)]),
      null,
      "inbound DELETE kco=1 hsaRef=H0001234 actionType=null link=tombstone",
    ],
    ["moved out of the window: NOT deleted", ctx([linkFor(linked)]), rawEvent(outside), "skip movedOutOfWindow"],
    [
      "moved out, in a zone",
      ctx([linkFor(linked)]),
      rawEvent({
        start: { dateTime: "2026-11-28T23:00:00", timeZone: "W. Europe Standard Time" },
        end: { dateTime: "2026-11-29T00:30:00", timeZone: "W. Europe Standard Time" },
      }),
      "skip movedOutOfWindow",
    ],
    ["still there, unchanged", ctx([linkFor(linked)]), linked, "skip echo"],
    [
      "still there, changed",
      ctx([linkFor(linked)]),
      rawEvent({ subject: "Changed" }),
      "inbound UPDATE kco=1 hsaRef=H0001234 actionType=MEET link=upsert",
    ],
    [
      "cancelled",
      ctx([linkFor(linked)]),
      rawEvent({ isCancelled: true }),
      "inbound DELETE kco=1 hsaRef=H0001234 actionType=null link=tombstone",
    ],
    [
      "awaiting the ERP's answer, 404",
      ctx([linkFor(linked, { hsaRef: null })]),
      null,
      "inbound DELETE kco=1 hsaRef=null actionType=null link=tombstone",
    ],
    [
      "404 while the push side re-creates it (its ERP change won)",
      ctx([linkFor(linked, { state: "recreating" })]),
      null,
      "skip recreating",
    ],
    [
      "404 of a tombstone: the same DELETE again (duplicate detection drops it)",
      ctx([linkFor(linked, { state: "outlookDeleted" })]),
      null,
      "inbound DELETE kco=1 hsaRef=H0001234 actionType=null link=tombstone",
    ],
    [
      "a tombstoned event still there and changed: nothing for the ERP",
      ctx([linkFor(linked, { state: "outlookDeleted" })]),
      rawEvent({ subject: "Edited orphan" }),
      "skip tombstoned",
    ],
    ["not linked", ctx(), null, "skip unlinkedRemoval"],
    [
      "switch off",
      ctx([linkFor(linked)], { switches: { syncAppointments: true, appointmentsFromOutlook: false } }),
      null,
      "skip switchOff",
    ],
  ])("%s", (_name, context, fetched, expected) => {
    expect(summary(decideRemoval(context, "EV1", fetched))).toBe(expected);
  });
});

describe("matchActionType", () => {
  const types = ctx().actionTypes;
  it.each([
    [["Meeting"], "1", "MEET"],
    [["MEETING"], "1", "MEET"],
    [[" Site visit"], "1", "VISIT"],
    [["Meeting"], "2", undefined],
    [["Other company type"], "2", "OTHER"],
    [[], "1", undefined],
    [[""], "1", undefined],
  ])("%j in company %s → %s", (categories, company, code) => {
    expect(matchActionType(categories, types, company)?.code).toBe(code);
  });

  it("picks the lowest code when two action types share a description", () => {
    const dupes = [
      { company: "1", code: "ZZ", description: "Meeting" },
      { company: "1", code: "AA", description: "meeting" },
    ];
    expect(matchActionType(["Meeting"], dupes, "1")?.code).toBe("AA");
  });
});
