// The contract every synced kind must keep, as one table-driven suite run against each kind with its own fixtures:
// push plan, drift, pull rules, the written → read fingerprint round trip, and the scope rule.
import { describe, expect, it } from "vitest";
import type { ConflictRule } from "../../../shared/domain/sync/conflictRule.js";
import { decideItemDrift, type DriftAction } from "../../../shared/domain/sync/drift.js";
import { kindField, type Link } from "../../../shared/domain/sync/link.js";
import {
  decidePulledItem,
  decideRemovedItem,
  type PullItemContext,
  type PullItemDecision,
  type PullRules,
} from "../../../shared/domain/sync/pullItem.js";
import { decideItemPush, etagOf, type PushDecisionOf } from "../../../shared/domain/sync/pushPlan.js";
import type { ErpItem, OutlookItem, Switches, SyncKind } from "../../../shared/domain/sync/syncKind.js";
import { syncWindow } from "../../../shared/domain/window.js";

/** What a kind supplies to be checked against the contract. */
export interface KindFixture<E extends ErpItem, O extends OutlookItem, B, D, P = never> {
  kind: SyncKind<E, O, B>;
  rules: PullRules<O, D, P>;
  /** An ERP item of the kind, in scope (key 1|H1 unless overridden), with overrides. */
  erp(over?: Partial<E>): E;
  /** Overrides that change the synced content (the fingerprint must change). */
  contentChange: Partial<E>;
  /** Overrides that put the item outside the kind's scope; undefined when every item is in scope. */
  outOfScope: Partial<E> | undefined;
  /** ERP items whose written → read round trip must keep the fingerprint (each named for the table). */
  roundTrips: [string, Partial<E>][];
  /** What Graph answers (parsed as the domain reads it) for the create body of `item`, with that id and version. */
  written(item: E, id: string, changeKey: string): O;
  /** The same Outlook item edited by the user (other content, a later version). */
  edited(item: O): O;
  /** The Outlook item carrying our ERP key `kco|hsaRef` (null: read whole, not ours). */
  withKey(item: O, key: string | null): O;
  /** The action type a CREATE of `item` in the default company "1" carries (null when the kind has no gate). */
  createActionType: string | null;
  /** The push switch and the pull switch of the kind. */
  switches: { push: keyof Switches; pull: keyof Switches };
}

/** The instant and the window every contract case is decided in (a kind's pull rules may need the window). */
export const contractNow = new Date("2026-11-30T04:00:00Z");
export const contractWindow = syncWindow(contractNow, 1, 21);
const now = contractNow;
const window = contractWindow;
const USER = "JSMITH";

export function describeKindContract<E extends ErpItem, O extends OutlookItem, B, D, P>(
  f: KindFixture<E, O, B, D, P>,
): void {
  const { kind } = f;
  const on: Switches = { [f.switches.push]: true, [f.switches.pull]: true };
  const off = (name: keyof Switches): Switches => ({ ...on, [name]: false });
  const erp = f.erp();
  const outlook = f.written(erp, "O-1", "ck1");
  const link = (over: Partial<Link> = {}): Link => ({
    ...kindField(kind.name),
    user: USER,
    kco: erp.kco,
    hsaRef: erp.hsaRef,
    outlookId: "O-1",
    erpFingerprint: kind.erpFingerprint(erp),
    outlookFingerprint: kind.outlookFingerprint(outlook),
    outlookChangeKey: "ck1",
    lastSyncedAt: new Date("2026-11-29T00:00:00Z"),
    ...over,
  });

  describe(`${kind.name}: push plan`, () => {
    const push = (op: "CREATE" | "UPDATE" | "DELETE", over: { item?: E; link?: Link; switches?: Switches } = {}) =>
      decideItemPush(kind, {
        op,
        user: USER,
        item: "item" in over ? over.item : erp,
        ...(over.link ? { link: over.link } : {}),
        switches: over.switches ?? on,
        window,
        now,
      });
    const changed = f.erp(f.contentChange);
    const summary = (d: PushDecisionOf<B>): string =>
      d.type === "skip"
        ? `skip ${d.reason}`
        : d.type === "update"
          ? `update ${d.outlookId} ifMatch=${d.ifMatch ?? "none"}`
          : d.type === "delete"
            ? `delete ${d.outlookId}`
            : d.type === "create"
              ? `create key=${d.createKey === kind.createKeyOf(USER, erp.kco, erp.hsaRef) ? "kind's" : "other"}`
              : `link ${d.outlookId}`;
    const cases: [string, () => PushDecisionOf<B>, string][] = [
      ["CREATE, unlinked → create with the kind's create key", () => push("CREATE"), "create key=kind's"],
      [
        "UPDATE, linked, changed → PATCH with If-Match",
        () => push("UPDATE", { item: changed, link: link() }),
        `update O-1 ifMatch=${etagOf("ck1")}`,
      ],
      [
        "UPDATE, linked, version unknown → PATCH without If-Match",
        () => push("UPDATE", { item: changed, link: link({ outlookChangeKey: "" }) }),
        "update O-1 ifMatch=none",
      ],
      ["UPDATE, linked, same content → nothing", () => push("UPDATE", { link: link() }), "skip unchanged"],
      ["DELETE, linked → delete", () => push("DELETE", { item: undefined, link: link() }), "delete O-1"],
      ["DELETE, unlinked → nothing", () => push("DELETE", { item: undefined }), "skip notLinked"],
      ["push switch off → nothing", () => push("CREATE", { switches: off(f.switches.push) }), "skip switchOff"],
      [
        "tombstoned → nothing re-created",
        () => push("UPDATE", { item: changed, link: link({ state: "outlookDeleted" }) }),
        "skip tombstoned",
      ],
      [
        "older modifiedAt than the link's → stale",
        () =>
          push("UPDATE", {
            item: f.erp({ ...f.contentChange, modifiedAt: "2026-11-01T00:00:00Z" } as Partial<E>),
            link: link({ erpModifiedAt: now }),
          }),
        "skip stale",
      ],
    ];
    if (f.outOfScope) {
      const outside = f.erp(f.outOfScope);
      cases.push(["CREATE out of scope → nothing", () => push("CREATE", { item: outside }), "skip outsideWindow"]);
    }
    it.each(cases)("%s", (_name, decide, want) => {
      expect(summary(decide())).toBe(want);
    });

    it("a create carries the ERP fingerprint of the item", () => {
      expect(push("CREATE")).toMatchObject({ type: "create", erpFingerprint: kind.erpFingerprint(erp) });
    });
  });

  describe(`${kind.name}: drift`, () => {
    const erpChanged = f.erp(f.contentChange);
    const outlookChanged = f.edited(outlook);
    it.each<[string, E | undefined, O | undefined, ConflictRule, DriftAction]>([
      ["in step", erp, outlook, "erp-wins", "none"],
      ["ERP changed → push it", erpChanged, outlook, "outlook-wins", "pushErp"],
      ["Outlook changed → pull it", erp, outlookChanged, "erp-wins", "pullOutlook"],
      ["both changed, erp-wins", erpChanged, outlookChanged, "erp-wins", "pushErp"],
      ["both changed, outlook-wins", erpChanged, outlookChanged, "outlook-wins", "pullOutlook"],
      ["gone from Outlook, ERP unchanged → DELETE to the ERP", erp, undefined, "erp-wins", "deleteInErp"],
      ["gone from Outlook, ERP changed, erp-wins → re-create", erpChanged, undefined, "erp-wins", "recreateInOutlook"],
      [
        "gone from the ERP, Outlook unchanged → delete in Outlook",
        undefined,
        outlook,
        "outlook-wins",
        "deleteInOutlook",
      ],
      ["gone on both sides → drop the link", undefined, undefined, "erp-wins", "dropLink"],
    ])("%s", (_name, e, o, rule, want) => {
      expect(decideItemDrift(kind, { link: link(), erp: e, outlook: o, rule, switches: on, window }).action).toBe(want);
    });

    it("both sides saying the same again with stale link fingerprints → refresh the link only", () => {
      const stale = link({ erpFingerprint: "old", outlookFingerprint: "old" });
      expect(decideItemDrift(kind, { link: stale, erp, outlook, rule: "erp-wins" }).action).toBe("refreshLink");
    });
  });

  describe(`${kind.name}: pull rules`, () => {
    const ctx = (links: Link[] = [], switches: Switches = on): PullItemContext => ({
      user: USER,
      company: "1",
      links: new Map(links.map((l) => [l.outlookId, l])),
      switches,
      now,
    });
    const pulled = (c: PullItemContext, item: O) => decidePulledItem(kind, f.rules, c, { removed: false, item });
    const summary = (d: PullItemDecision<D>): string =>
      d.type === "inbound"
        ? `inbound ${d.op} hsaRef=${d.hsaRef} link=${d.link.op}`
        : d.type === "skip"
          ? `skip ${d.reason}`
          : d.type === "relink"
            ? `relink ${d.link.kco}|${d.link.hsaRef}`
            : d.type;
    const notOurs = f.withKey(outlook, null);
    const edited = f.edited(outlook);
    it.each<[string, () => PullItemDecision<D>, string]>([
      ["our own write coming back → echo", () => pulled(ctx([link()]), outlook), "skip echo"],
      ["edited in Outlook → UPDATE", () => pulled(ctx([link()]), edited), "inbound UPDATE hsaRef=H1 link=upsert"],
      [
        "awaiting the ERP's answer, edited → CREATE again",
        () => pulled(ctx([link({ hsaRef: null })]), edited),
        "inbound CREATE hsaRef=null link=upsert",
      ],
      ["tombstone → nothing", () => pulled(ctx([link({ state: "outlookDeleted" })]), edited), "skip tombstoned"],
      ["new in Outlook, not ours → CREATE", () => pulled(ctx(), notOurs), "inbound CREATE hsaRef=null link=upsert"],
      ["new, carrying our key → relink", () => pulled(ctx(), f.withKey(outlook, "1|H9")), "relink 1|H9"],
      ["pull switch off → nothing", () => pulled(ctx([link()], off(f.switches.pull)), edited), "skip switchOff"],
      [
        "removed, linked → confirm with a GET",
        () => decidePulledItem(kind, f.rules, ctx([link()]), { removed: true, id: "O-1" }),
        "confirmRemoval",
      ],
      [
        "removed, unlinked → nothing",
        () => decidePulledItem(kind, f.rules, ctx(), { removed: true, id: "O-1" }),
        "skip unlinkedRemoval",
      ],
      [
        "GET 404 → DELETE, tombstone first",
        () => decideRemovedItem(kind, f.rules, ctx([link()]), "O-1", undefined),
        "inbound DELETE hsaRef=H1 link=tombstone",
      ],
      [
        "GET 404 of a tombstone → the same DELETE again",
        () => decideRemovedItem(kind, f.rules, ctx([link({ state: "outlookDeleted" })]), "O-1", undefined),
        "inbound DELETE hsaRef=H1 link=tombstone",
      ],
      [
        "GET 404 while the push re-creates it → nothing",
        () => decideRemovedItem(kind, f.rules, ctx([link({ state: "recreating" })]), "O-1", undefined),
        "skip recreating",
      ],
      [
        "GET finds it unchanged → echo",
        () => decideRemovedItem(kind, f.rules, ctx([link()]), "O-1", outlook),
        "skip echo",
      ],
    ])("%s", (_name, decide, want) => {
      expect(summary(decide())).toBe(want);
    });

    it("an UPDATE sends the kind's data and expects the ERP to store Outlook's content", () => {
      const d = pulled(ctx([link()]), edited);
      const fp = kind.outlookFingerprint(edited);
      expect(d).toMatchObject({ type: "inbound", kco: "1", data: f.rules.inboundData(edited) });
      expect(d.type === "inbound" && d.link.link).toMatchObject({ erpFingerprint: fp, outlookFingerprint: fp });
    });

    it("a CREATE goes to the default company with the kind's action type and a pending link of the kind", () => {
      const d = pulled(ctx(), notOurs);
      expect(d).toMatchObject({ type: "inbound", op: "CREATE", kco: "1", actionType: f.createActionType });
      expect(d.type === "inbound" && d.link.link).toMatchObject({ user: USER, hsaRef: null, outlookId: "O-1" });
      expect(d.type === "inbound" && d.link.link.kind).toBe(kind.name === "appointment" ? undefined : kind.name);
    });
  });

  describe(`${kind.name}: fingerprint round trip (written from the ERP, read back from Graph)`, () => {
    it.each(f.roundTrips)("%s", (_name, over) => {
      const item = f.erp(over);
      expect(kind.outlookFingerprint(f.written(item, "O-2", "ck9"))).toBe(kind.erpFingerprint(item));
    });

    it("a change of content changes both fingerprints", () => {
      const item = f.erp(f.contentChange);
      expect(kind.erpFingerprint(item)).not.toBe(kind.erpFingerprint(erp));
      expect(kind.outlookFingerprint(f.written(item, "O-1", "ck1"))).not.toBe(kind.outlookFingerprint(outlook));
    });
  });

  describe(`${kind.name}: scope rule`, () => {
    it("an item in scope is in", () => {
      expect(kind.outOfScope(erp, window)).toBeUndefined();
    });
    it(f.outOfScope ? "an item out of scope says why" : "every item is in scope", () => {
      const item = f.erp(f.outOfScope ?? f.contentChange);
      if (f.outOfScope) expect(kind.outOfScope(item, window)).toMatch(/\S/);
      else expect(kind.outOfScope(item, window)).toBeUndefined();
    });
  });
}
