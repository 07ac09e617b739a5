// Tests of mail: sendMail (saveToSentItems as boolean or string, 3 MB inline limit), drafts, upload sessions, /send.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSeed, startGraphSim, type GraphSim } from "./index.js";
import { appToken, graph } from "./testkit.js";

let sim: GraphSim;
let g: ReturnType<typeof graph>;
const MB = "jsmith@contoso.test";
const PID = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name CoinsMailId";

beforeAll(async () => {
  const seed = defaultSeed();
  seed.apps.push({
    clientId: "33333333-3333-4333-8333-333333333333",
    clientSecret: "rw-secret",
    applicationPermissions: ["Mail.ReadWrite", "Mail.Send"],
  });
  sim = await startGraphSim({ seed });
  g = graph(sim, await appToken(sim));
});
afterAll(async () => {
  await sim.stop();
});

const msg = (extra: Record<string, unknown> = {}) => ({
  subject: "Invoice",
  body: { contentType: "Text", content: "See attached." },
  toRecipients: [{ emailAddress: { address: "frannis@contoso.com" } }],
  ...extra,
});

describe("sendMail", () => {
  it("202 with no body; stored with attachments; saveToSentItems 'false' (string) keeps it out of Sent Items", async () => {
    const att = {
      "@odata.type": "#microsoft.graph.fileAttachment",
      name: "a.txt",
      contentType: "text/plain",
      contentBytes: Buffer.from("hello").toString("base64"),
    };
    const r = await g("POST", `/users/${MB}/sendMail`, {
      message: msg({ attachments: [att], singleValueExtendedProperties: [{ id: PID, value: "m-1" }] }),
      saveToSentItems: "false",
    });
    expect(r.status).toBe(202);
    expect(r.body).toBeUndefined();
    const sent = sim.sentMail(MB);
    expect(sent.length).toBe(1);
    expect(sent[0]!.attachments[0]).toMatchObject({
      name: "a.txt",
      contentType: "text/plain",
      size: 5,
      contentBytes: att.contentBytes,
    });
    expect(sent[0]!.savedToSentItems).toBe(false);
    expect((await g("GET", `/users/${MB}/mailFolders/sentitems/messages`)).body.value).toEqual([]);
  });

  it("saveToSentItems true: findable in Sent Items by a single-value extended property", async () => {
    await g("POST", `/users/${MB}/sendMail`, {
      message: msg({ singleValueExtendedProperties: [{ id: PID, value: "m-2" }] }),
      saveToSentItems: true,
    });
    const f = encodeURIComponent(`singleValueExtendedProperties/any(ep: ep/id eq '${PID}' and ep/value eq 'm-2')`);
    const r = await g("GET", `/users/${MB}/mailFolders/sentitems/messages?$filter=${f}`);
    expect(r.body.value.length).toBe(1);
    expect(r.body.value[0].subject).toBe("Invoice");
    const none = await g(
      "GET",
      `/users/${MB}/mailFolders/sentitems/messages?$filter=${encodeURIComponent(`singleValueExtendedProperties/any(ep: ep/id eq '${PID}' and ep/value eq 'm-1')`)}`,
    );
    expect(none.body.value).toEqual([]);
  });

  it("refuses inline attachments over 3 MB and messages without recipients", async () => {
    const big = {
      "@odata.type": "#microsoft.graph.fileAttachment",
      name: "big.bin",
      contentBytes: Buffer.alloc(3 * 1024 * 1024 + 1).toString("base64"),
    };
    const r = await g("POST", `/users/${MB}/sendMail`, { message: msg({ attachments: [big] }) });
    expect(r.status).toBe(413);
    const n = await g("POST", `/users/${MB}/sendMail`, { message: msg({ toRecipients: [] }) });
    expect([n.status, n.body.error.code]).toEqual([400, "ErrorInvalidRecipients"]);
  });
});

describe("drafts and upload sessions", () => {
  it("drafts need Mail.ReadWrite (Mail.Send alone is 403)", async () => {
    const r = await g("POST", `/users/${MB}/messages`, msg());
    expect([r.status, r.body.error.code]).toEqual([403, "ErrorAccessDenied"]);
  });

  it("uploads a 5 MB attachment in ranged PUTs without a bearer, then sends the draft", async () => {
    const rw = graph(sim, await appToken(sim, "33333333-3333-4333-8333-333333333333", "rw-secret"));
    const d = await rw("POST", `/users/${MB}/messages`, msg({ subject: "Large" }));
    expect(d.status).toBe(201);
    expect(d.body.isDraft).toBe(true);
    const size = 5 * 1024 * 1024;
    const data = Buffer.alloc(size, 7);
    const s = await rw("POST", `/users/${MB}/messages/${d.body.id}/attachments/createUploadSession`, {
      AttachmentItem: { attachmentType: "file", name: "big.pdf", size, contentType: "application/pdf" },
    });
    expect(s.status).toBe(201);
    expect(s.body.nextExpectedRanges).toEqual(["0-"]);
    const put = (a: number, z: number) =>
      fetch(s.body.uploadUrl, {
        method: "PUT",
        headers: { "content-range": `bytes ${a}-${z}/${size}`, "content-type": "application/octet-stream" },
        body: data.subarray(a, z + 1),
      });
    const p1 = await put(0, 3 * 1024 * 1024 - 1);
    expect(p1.status).toBe(200);
    expect(((await p1.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges).toEqual([`${3 * 1024 * 1024}-`]);
    const wrong = await put(0, 10);
    expect(wrong.status).toBe(400);
    const p2 = await put(3 * 1024 * 1024, size - 1);
    expect(p2.status).toBe(201);
    expect(p2.headers.get("location")).toContain("/attachments(");
    expect((await rw("POST", `/users/${MB}/messages/${d.body.id}/send`)).status).toBe(202);
    const sent = sim.sentMail(MB).find((m) => m.subject === "Large")!;
    expect(sent.via).toBe("draft");
    expect(sent.attachments[0]!.size).toBe(size);
    expect(Buffer.from(sent.attachments[0]!.contentBytes, "base64").equals(data)).toBe(true);
    expect((await rw("GET", `/users/${MB}/messages/${d.body.id}/send`)).status).toBeGreaterThanOrEqual(400);
  });
});
