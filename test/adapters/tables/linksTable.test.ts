// Links against Azurite: ERP key ⇄ Outlook id both ways with one point read each; both rows change together.
import { beforeAll, describe, expect, it } from "vitest";
import { PermanentError, TransientError } from "../../../shared/domain/errors.js";
import { erpRowKey, LinksTable, outlookRowKey, type LinkInput } from "../../../shared/adapters/tables/linksTable.js";
import { azuriteOptions, requestCounter, type RequestLog } from "./tableTestOptions.js";

let links: LinksTable;
let log: RequestLog;

beforeAll(async () => {
  const counter = requestCounter();
  log = counter.log;
  links = await LinksTable.open(
    azuriteOptions("links", { additionalPolicies: [{ policy: counter.policy, position: "perRetry" }] }),
  );
});

// A real-shaped Graph event id: base64 with "/", "+" and "=".
const OUTLOOK_ID = "AAMkAGI2TG93AAA/AbC+dEf=gHI==";

const link = (over: Partial<LinkInput> = {}): LinkInput => ({
  user: "JSMITH",
  kind: "appointment",
  kco: "1",
  hsaRef: "H0001234",
  outlookId: OUTLOOK_ID,
  erpFingerprint: "erp-fp-1",
  outlookFingerprint: "ol-fp-1",
  outlookChangeKey: "ck-1",
  lastSyncedAt: "2026-11-30T04:00:00.000Z",
  ...over,
});

describe("LinksTable", () => {
  it("finds a link by ERP key and by Outlook id, each with one GET", async () => {
    const saved = await links.save(link());
    log.reset();
    const byErp = await links.getByErpKey("jsmith", "appointment", "1", "H0001234");
    expect(log.requests.map((r) => r.method)).toEqual(["GET"]);
    log.reset();
    const byOutlook = await links.getByOutlookId("JSMITH", OUTLOOK_ID);
    expect(log.requests.map((r) => r.method)).toEqual(["GET"]);
    expect(byErp).toEqual(saved);
    expect(byOutlook).toEqual(saved);
    expect(saved).toMatchObject({ user: "JSMITH", outlookId: OUTLOOK_ID, outlookChangeKey: "ck-1" });
  });

  it("lists a user's links of one kind with one partition query, other users and kinds left out", async () => {
    const user = "LISTER";
    await links.save(link({ user, hsaRef: "L1", outlookId: "list-1" }));
    await links.save(link({ user, hsaRef: "L2", outlookId: "list-2" }));
    await links.save(link({ user, kind: "task", hsaRef: "T1", outlookId: "list-task-1" }));
    await links.save(link({ user: "OTHER", hsaRef: "L3", outlookId: "list-3" }));
    log.reset();
    const listed = await links.listByUser("lister", "appointment");
    expect(log.requests.map((r) => r.method)).toEqual(["GET"]);
    expect(listed.map((l) => [l.hsaRef, l.outlookId]).sort()).toEqual([
      ["L1", "list-1"],
      ["L2", "list-2"],
    ]);
    expect(listed[0]).toEqual(await links.getByOutlookId(user, listed[0]!.outlookId));
  });

  it("escapes characters Table keys forbid, reversibly", async () => {
    const odd = link({ kind: "task", kco: "1", hsaRef: "A/B\\C#D?E'F%G\u0001", outlookId: "id/with#odd?chars" });
    await links.save(odd);
    expect(erpRowKey("task", "1", odd.hsaRef)).toMatch(/^task:1:[A-Za-z0-9._!-]+$/);
    expect(outlookRowKey(odd.outlookId)).toMatch(/^outlook:[A-Za-z0-9._!-]+$/);
    expect(await links.getByErpKey("JSMITH", "task", "1", odd.hsaRef)).toMatchObject({
      hsaRef: odd.hsaRef,
      outlookId: odd.outlookId,
    });
    expect(await links.getByOutlookId("JSMITH", "id/with#odd?chars")).toMatchObject({ hsaRef: odd.hsaRef });
  });

  it("updates both rows together; a stale version is refused", async () => {
    const v1 = await links.save(link({ hsaRef: "H2", outlookId: "ol-2" }));
    const v2 = await links.save(link({ hsaRef: "H2", outlookId: "ol-2", erpFingerprint: "erp-fp-2" }), v1.version);
    expect(v2.version).not.toBe(v1.version);
    expect((await links.getByOutlookId("JSMITH", "ol-2"))?.erpFingerprint).toBe("erp-fp-2");
    const stale = await links
      .save(link({ hsaRef: "H2", outlookId: "ol-2", erpFingerprint: "lost" }), v1.version)
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(TransientError);
    expect((stale as TransientError).code).toBe("etag_conflict");
    expect((await links.getByErpKey("JSMITH", "appointment", "1", "H2"))?.erpFingerprint).toBe("erp-fp-2");
  });

  it("moving a link to a new Outlook id drops the old reverse row", async () => {
    await links.save(link({ hsaRef: "H3", outlookId: "ol-3-old" }));
    await links.save(link({ hsaRef: "H3", outlookId: "ol-3-new" }));
    expect(await links.getByOutlookId("JSMITH", "ol-3-old")).toBeUndefined();
    expect(await links.getByOutlookId("JSMITH", "ol-3-new")).toMatchObject({ hsaRef: "H3" });
  });

  it("refuses to link one Outlook item to two ERP items", async () => {
    await links.save(link({ hsaRef: "H4", outlookId: "ol-4" }));
    const error = await links.save(link({ hsaRef: "H5", outlookId: "ol-4" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).code).toBe("outlook_id_already_linked");
    expect(await links.getByErpKey("JSMITH", "appointment", "1", "H5")).toBeUndefined();
  });

  it("concurrent saves of the same link both complete (retry), leaving consistent rows", async () => {
    await Promise.all([
      links.save(link({ hsaRef: "H6", outlookId: "ol-6", erpFingerprint: "a" })),
      links.save(link({ hsaRef: "H6", outlookId: "ol-6", erpFingerprint: "b" })),
    ]);
    const byErp = await links.getByErpKey("JSMITH", "appointment", "1", "H6");
    const byOutlook = await links.getByOutlookId("JSMITH", "ol-6");
    expect(byErp).toEqual(byOutlook);
    expect(["a", "b"]).toContain(byErp?.erpFingerprint);
  });

  it("a save whose rows changed between its read and its transaction retries (412) and wins without losing rows", async () => {
    await links.save(link({ hsaRef: "H9", outlookId: "ol-9", erpFingerprint: "v0" }));
    const other = new LinksTable(links.client); // a second writer on the same table
    const writer = new LinksTable(Object.create(links.client) as typeof links.client);
    const submit = links.client.submitTransaction.bind(links.client);
    let calls = 0;
    writer.client.submitTransaction = async (actions) => {
      if (++calls === 1) await other.save(link({ hsaRef: "H9", outlookId: "ol-9", erpFingerprint: "interloper" }));
      return submit(actions);
    };
    const saved = await writer.save(link({ hsaRef: "H9", outlookId: "ol-9", erpFingerprint: "mine" }));
    expect(calls).toBe(2);
    expect(saved.erpFingerprint).toBe("mine");
    expect(await links.getByErpKey("JSMITH", "appointment", "1", "H9")).toEqual(saved);
    expect(await links.getByOutlookId("JSMITH", "ol-9")).toEqual(saved);
  });

  it("remove deletes both rows", async () => {
    await links.save(link({ hsaRef: "H7", outlookId: "ol-7" }));
    const removed = await links.remove("JSMITH", "appointment", "1", "H7");
    expect(removed?.outlookId).toBe("ol-7");
    expect(await links.getByErpKey("JSMITH", "appointment", "1", "H7")).toBeUndefined();
    expect(await links.getByOutlookId("JSMITH", "ol-7")).toBeUndefined();
    expect(await links.remove("JSMITH", "appointment", "1", "H7")).toBeUndefined();
  });

  it("keeps users apart (the partition is the ERP user)", async () => {
    await links.save(link({ user: "ANN", hsaRef: "H8", outlookId: "ol-8" }));
    expect(await links.getByOutlookId("JSMITH", "ol-8")).toBeUndefined();
    expect(await links.getByOutlookId("ann", "ol-8")).toMatchObject({ user: "ANN" });
  });
});
