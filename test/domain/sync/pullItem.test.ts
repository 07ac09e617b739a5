// The shared pull rules, driven with the task kind: echo, UPDATE/CREATE, relink, fetch, removal.
import { describe, expect, it } from "vitest";
import {
  decidePulledItem,
  decidePulledPage,
  decideRemovedItem,
  type PullItemContext,
} from "../../../shared/domain/sync/pullItem.js";
import type { Link } from "../../../shared/domain/sync/link.js";
import { taskKind } from "../../../shared/domain/tasks/taskKind.js";
import { outlookTaskFingerprint } from "../../../shared/domain/tasks/taskFingerprint.js";
import type { OutlookTask } from "../../../shared/domain/tasks/types.js";
import { taskPullRules } from "../../../shared/domain/tasks/taskPullRules.js";

const task = (over: Partial<OutlookTask> = {}): OutlookTask => ({
  id: "T-1",
  changeKey: "ck2",
  lastModifiedDateTime: new Date("2026-12-01T10:00:00Z"),
  title: "Order material",
  notes: "",
  due: undefined,
  reminder: undefined,
  status: "notStarted",
  importance: "normal",
  categories: [],
  erpKey: null,
  ...over,
});
const link = (over: Partial<Link> = {}): Link => ({
  kind: "task",
  user: "JSMITH",
  kco: "1",
  hsaRef: "H1",
  outlookId: "T-1",
  erpFingerprint: outlookTaskFingerprint(task()),
  outlookFingerprint: outlookTaskFingerprint(task()),
  outlookChangeKey: "ck1",
  lastSyncedAt: new Date(0),
  ...over,
});
const ctx = (links: Link[] = [], switches = { tasksFromOutlook: true }): PullItemContext => ({
  user: "JSMITH",
  company: "1",
  links: new Map(links.map((l) => [l.outlookId, l])),
  switches,
  now: new Date("2026-12-01T12:00:00Z"),
});
const decide = (c: PullItemContext, t: OutlookTask) =>
  decidePulledItem(taskKind, taskPullRules, c, { removed: false, item: t });

describe("decidePulledItem", () => {
  it.each([
    ["tasksFromOutlook off", ctx([], { tasksFromOutlook: false }), task(), { type: "skip", reason: "switchOff" }],
    ["linked, same content → echo", ctx([link()]), task(), { type: "skip", reason: "echo" }],
    [
      "linked tombstone",
      ctx([link({ state: "outlookDeleted" })]),
      task({ title: "x" }),
      { type: "skip", reason: "tombstoned" },
    ],
    ["linked, edited → UPDATE", ctx([link()]), task({ title: "New" }), { type: "inbound", op: "UPDATE", hsaRef: "H1" }],
    [
      "pending link, edited → CREATE again",
      ctx([link({ hsaRef: null })]),
      task({ title: "New" }),
      { type: "inbound", op: "CREATE" },
    ],
    ["unlinked, key not read → fetch", ctx(), task({ erpKey: undefined }), { type: "fetch" }],
    ["unlinked carrying our key → relink", ctx(), task({ erpKey: "1|H9" }), { type: "relink" }],
    [
      "unlinked, not ours → CREATE in the default company",
      ctx(),
      task(),
      { type: "inbound", op: "CREATE", kco: "1", hsaRef: null },
    ],
  ])("%s", (_name, c, t, want) => {
    expect(decide(c, t)).toMatchObject(want);
  });

  it("an UPDATE's link expects the ERP to store Outlook's content (both fingerprints Outlook's)", () => {
    const d = decide(ctx([link()]), task({ title: "New" }));
    const fp = outlookTaskFingerprint(task({ title: "New" }));
    expect(d.type === "inbound" && d.link.link).toMatchObject({
      erpFingerprint: fp,
      outlookFingerprint: fp,
      outlookChangeKey: "ck2",
    });
  });
});

describe("decideRemovedItem", () => {
  it.each([
    [
      "gone → DELETE with a tombstone first",
      [link()],
      undefined,
      { type: "inbound", op: "DELETE", link: { op: "tombstone" } },
    ],
    [
      "gone while the push re-creates it → nothing",
      [link({ state: "recreating" })],
      undefined,
      { type: "skip", reason: "recreating" },
    ],
    ["still there, unchanged → echo", [link()], task(), { type: "skip", reason: "echo" }],
    ["not linked → nothing", [], undefined, { type: "skip", reason: "unlinkedRemoval" }],
  ])("%s", (_name, links, fetched, want) => {
    expect(decideRemovedItem(taskKind, taskPullRules, ctx(links), "T-1", fetched)).toMatchObject(want);
  });
});

describe("decidePulledPage with the task rules (raw To Do items)", () => {
  const whole = { id: "T-1", title: "Order material", status: "notStarted", importance: "normal" };
  const ours = { linkedResources: [{ applicationName: "Coins ERP+", externalId: "1|H7" }] };
  it.each([
    ["@removed, linked → confirm with a GET", [link()], { id: "T-1", "@removed": {} }, false, "confirmRemoval"],
    ["@removed, not linked → nothing", [], { id: "T-1", "@removed": {} }, false, "skip unlinkedRemoval"],
    ["changed properties only, linked → read whole", [link()], { id: "T-1", title: "x" }, false, "fetch partial"],
    ["changed properties only, not linked → read whole", [], { id: "T-1" }, false, "fetch partial"],
    ["whole, linked, edited → UPDATE", [link()], { ...whole, title: "New" }, false, "inbound UPDATE"],
    ["whole delta item, not linked, key unknown → read whole", [], whole, false, "fetch erpKeyUnknown"],
    ["read whole, no linkedResources → CREATE", [], whole, true, "inbound CREATE"],
    ["read whole, our linkedResource → relink", [], { ...whole, ...ours }, true, "relink"],
    ["no id → invalid", [], { title: "x" }, false, "skip invalid"],
  ])("%s", (_name, links, raw, readWhole, want) => {
    const [d] = decidePulledPage(taskKind, taskPullRules, ctx(links), [raw], readWhole);
    const got = d?.type === "inbound" ? `inbound ${d.op}` : d?.type === "skip" ? `skip ${d.reason}` : d?.type;
    expect(`${got}${d?.type === "fetch" ? ` ${d.reason}` : ""}`).toBe(want);
  });
});
