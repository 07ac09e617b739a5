// The ERP console page: push messages to msgraph-push as the ERP would, pause/resume the workers, and watch what
// arrives on erp-inbound (like the seed's ESB outbound message screen).
import { esc, page } from "./html.js";

export function erpPage(users: readonly { user: string; defaultCompany: string }[], adminPage: string): string {
  const options = users
    .map((u) => `<option value="${esc(u.user)}" data-kco="${esc(u.defaultCompany)}">${esc(u.user)}</option>`)
    .join("");
  const body = `
<p id="status" class="status" role="status" aria-live="polite"></p>
<section aria-labelledby="workersH"><h2 id="workersH">Workers and queues</h2>
<table><thead><tr><th scope="col">worker</th><th scope="col">state</th><th scope="col">queue</th><th scope="col">waiting messages</th><th scope="col">action</th></tr></thead>
<tbody id="workers"></tbody></table>
<p>In Azure the same switch is the app setting <code>AzureWebJobs.&lt;function&gt;.Disabled</code> = <code>true</code>.</p></section>
<section aria-labelledby="pushH"><h2 id="pushH">Push to msgraph-push</h2>
<form id="push">
<fieldset><legend>Message</legend>
<label>Kind <select id="kind" name="kind"><option>appointment</option><option>task</option><option>actionType</option><option>email</option></select></label>
<label>Operation <select id="op" name="op"><option>CREATE</option><option>UPDATE</option><option>DELETE</option><option>SEND</option></select></label>
<label>User <select id="user" name="user">${options}</select></label>
<label>Company (kco) <input id="kco" name="kco" size="4" value="${esc(users[0]?.defaultCompany ?? "1")}"></label>
<label>ERP key (hsa_ref) <input id="hsaRef" name="hsaRef" size="10" value="A-1001"></label>
<label>Outlook id <input id="outlookId" name="outlookId" size="12" placeholder="(optional)"></label>
</fieldset>
<fieldset><legend>Data</legend>
<label>Subject / title <input id="subject" name="subject" size="30" value="Site meeting"></label>
<label>Start <input id="start" name="start" size="26"></label>
<label>End <input id="end" name="end" size="26"></label>
<label>Action type <input id="actionType" name="actionType" size="8" value="MEET"></label>
<label>Location <input id="location" name="location" size="16" value="Site office"></label>
<label>E-mail to <input id="to" name="to" size="22" value="site.manager@example.test"></label>
</fieldset>
<label for="json">Message JSON (composed from the fields; edit freely before sending)</label>
<textarea id="json" name="json" rows="12"></textarea>
<p><button type="submit" id="send">Send to msgraph-push</button></p>
</form></section>
<section aria-labelledby="inH"><h2 id="inH">Received on erp-inbound (<span id="inCount">0</span>)</h2>
<p><a href="/erp/inbound.json">as JSON</a></p>
<table><thead><tr><th scope="col">#</th><th scope="col">enqueued</th><th scope="col">kind</th><th scope="col">op</th><th scope="col">user</th><th scope="col">kco|hsa_ref</th><th scope="col">outlook id</th><th scope="col">action type</th><th scope="col">subject</th><th scope="col">console</th></tr></thead>
<tbody id="inbound"></tbody></table></section>`;
  const script = `
const $ = (id) => document.getElementById(id);
const say = (text, bad) => { const s = $("status"); s.textContent = text; s.className = bad ? "status bad" : "status"; };
const hour = 3600e3, t0 = Math.ceil(Date.now() / hour) * hour + 24 * hour;
$("start").value = new Date(t0).toISOString().replace(".000Z", "Z");
$("end").value = new Date(t0 + hour).toISOString().replace(".000Z", "Z");
function compose() {
  const v = (id) => $(id).value.trim();
  const kind = v("kind"), op = v("op"), base = { kind, op, user: v("user") };
  if (v("outlookId")) base.outlookId = v("outlookId");
  let m;
  if (kind === "appointment") m = { ...base, kco: v("kco"), hsaRef: v("hsaRef"), data: { subject: v("subject"), start: v("start"), end: v("end"), allDay: false, location: v("location"), actionType: v("actionType") } };
  else if (kind === "task") m = { ...base, kco: v("kco"), hsaRef: v("hsaRef"), data: { title: v("subject"), due: v("start").slice(0, 10), status: "notStarted", priority: "normal", actionType: v("actionType") } };
  else if (kind === "actionType") m = { ...base, kco: v("kco"), data: { company: v("kco"), code: v("actionType"), description: v("subject") } };
  else m = { ...base, op: "SEND", kco: v("kco"), messageKey: "MAIL-" + v("hsaRef"), data: { to: [v("to")], subject: v("subject"), body: { contentType: "text", content: "Sent from the sandbox ERP console." } } };
  if (op === "DELETE" && (kind === "appointment" || kind === "task")) delete m.data;
  $("json").value = JSON.stringify(m, null, 2);
}
document.querySelectorAll("#push input, #push select").forEach((el) => el.addEventListener("input", compose));
$("user").addEventListener("change", () => { $("kco").value = $("user").selectedOptions[0].dataset.kco; compose(); });
compose();
$("push").addEventListener("submit", async (e) => {
  e.preventDefault();
  let message;
  try { message = JSON.parse($("json").value); } catch (err) { return say("Message JSON: " + err.message, true); }
  const r = await fetch("/erp/send", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(message) });
  const b = await r.json();
  if (r.ok) say("Sent " + message.kind + " " + message.op + " to msgraph-push (MessageId " + b.messageId + ", session " + message.user + ")");
  else say("Not sent: " + b.error, true);
});
async function worker(name, paused) {
  const r = await fetch("/erp/workers/" + name, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ paused }) });
  const b = await r.json();
  say(r.ok ? name + (paused ? " paused: messages wait on its queue" : " resumed: it processes the backlog") : "Failed: " + b.error, !r.ok);
  refresh();
}
const cell = (text) => { const td = document.createElement("td"); td.textContent = text ?? ""; return td; };
async function refresh() {
  const s = await (await fetch("/erp/state.json")).json();
  const w = $("workers"); w.replaceChildren();
  for (const k of s.workers) {
    const tr = document.createElement("tr"); tr.dataset.worker = k.name;
    tr.append(cell(k.name), cell(k.disabled ? "paused" : "running"), cell(k.queue), cell(String(k.waiting)));
    const td = document.createElement("td"), b = document.createElement("button");
    b.type = "button"; b.textContent = (k.disabled ? "Resume " : "Pause ") + k.name; b.onclick = () => worker(k.name, !k.disabled);
    td.append(b); tr.append(td); w.append(tr);
  }
  $("inCount").textContent = String(s.inbound.length);
  const tb = $("inbound"); tb.replaceChildren();
  s.inbound.forEach((e, i) => {
    const m = e.body || {}, d = m.data || {};
    const tr = document.createElement("tr"); tr.dataset.op = m.op; tr.dataset.kind = m.kind; tr.dataset.outlookId = m.outlookId || "";
    tr.append(cell(String(i + 1)), cell(e.enqueuedTimeUtc), cell(m.kind), cell(m.op), cell(m.user), cell((m.kco || "") + "|" + (m.hsaRef ?? "(new)")),
      cell(m.outlookId ? "…" + m.outlookId.slice(-12) : (m.reason || "")), cell(m.actionType), cell(d.subject || d.title || m.messageKey), cell(e.answer));
    tb.append(tr);
  });
}
refresh(); setInterval(refresh, 1000);
`;
  return page("ERP console (sandbox)", body, script, adminPage);
}
