// The Outlook view: per mailbox, the simulator's calendar and To Do lists; create, edit and delete events (with
// categories) and tasks the way a person does in Outlook, to watch the changes arrive in the ERP console.
import { esc, page } from "./html.js";

export function outlookPage(mailboxes: readonly string[], adminPage: string): string {
  const options = mailboxes.map((m) => `<option>${esc(m)}</option>`).join("");
  const body = `
<p id="status" class="status" role="status" aria-live="polite"></p>
<label>Mailbox <select id="mailbox">${options}</select></label>
<section aria-labelledby="calH"><h2 id="calH">Calendar</h2>
<table><thead><tr><th scope="col">subject</th><th scope="col">start (UTC)</th><th scope="col">end (UTC)</th><th scope="col">categories</th><th scope="col">ERP key</th><th scope="col">actions</th></tr></thead>
<tbody id="events"></tbody></table>
<form id="eventForm"><fieldset><legend id="eventLegend">New event</legend>
<input type="hidden" id="eventId">
<label>Subject <input id="evSubject" required value="Client visit"></label>
<label>Start <input id="evStart" size="26" required></label>
<label>End <input id="evEnd" size="26" required></label>
<label>Categories (comma-separated; the first one picks the ERP action type) <input id="evCategories" value="Meeting"></label>
<button type="submit" id="evSave">Save event</button> <button type="button" id="evNew">New event</button>
</fieldset></form></section>
<section aria-labelledby="todoH"><h2 id="todoH">To Do</h2>
<div id="lists"></div>
<form id="taskForm"><fieldset><legend>New task</legend>
<label>List <select id="taskList"></select></label>
<label>Title <input id="taskTitle" required value="Check delivery"></label>
<button type="submit">Create task</button></fieldset></form></section>`;
  const script = `
const $ = (id) => document.getElementById(id);
const say = (text, bad) => { const s = $("status"); s.textContent = text; s.className = bad ? "status bad" : "status"; };
const mb = () => $("mailbox").value;
const hour = 3600e3, t0 = Math.ceil(Date.now() / hour) * hour + 48 * hour;
function blank() { $("eventId").value = ""; $("eventLegend").textContent = "New event"; $("evStart").value = new Date(t0).toISOString().replace(".000Z", "Z"); $("evEnd").value = new Date(t0 + hour).toISOString().replace(".000Z", "Z"); }
blank();
$("evNew").onclick = blank;
const cell = (text) => { const td = document.createElement("td"); td.textContent = text ?? ""; return td; };
async function call(method, url, body) {
  const r = await fetch(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const b = r.status === 204 ? {} : await r.json();
  if (!r.ok) throw new Error(b.error || r.statusText);
  return b;
}
async function refresh() {
  const d = await call("GET", "/outlook/data.json?mailbox=" + encodeURIComponent(mb()));
  const tb = $("events"); tb.replaceChildren();
  for (const e of d.events) {
    const tr = document.createElement("tr"); tr.dataset.subject = e.subject; tr.dataset.id = e.id;
    tr.append(cell(e.subject), cell(e.start), cell(e.end), cell(e.categories.join(", ")), cell(e.erpKey));
    const td = document.createElement("td");
    const edit = document.createElement("button"); edit.type = "button"; edit.textContent = "Edit " + e.subject;
    edit.onclick = () => { $("eventId").value = e.id; $("eventLegend").textContent = "Edit event"; $("evSubject").value = e.subject; $("evStart").value = e.start; $("evEnd").value = e.end; $("evCategories").value = e.categories.join(", "); $("evSubject").focus(); };
    const del = document.createElement("button"); del.type = "button"; del.textContent = "Delete " + e.subject;
    del.onclick = async () => { try { await call("DELETE", "/outlook/events/" + encodeURIComponent(e.id) + "?mailbox=" + encodeURIComponent(mb())); say("Deleted event " + e.subject); refresh(); } catch (err) { say(err.message, true); } };
    td.append(edit, " ", del); tr.append(td); tb.append(tr);
  }
  const lists = $("lists"); lists.replaceChildren(); const sel = $("taskList"); const keep = sel.value; sel.replaceChildren();
  for (const l of d.lists) {
    const h = document.createElement("h3"); h.textContent = l.displayName; lists.append(h);
    const ul = document.createElement("ul");
    for (const t of l.tasks) { const li = document.createElement("li"); li.textContent = t.title + " (" + t.status + ")" + (t.erpKey ? " — ERP " + t.erpKey : ""); ul.append(li); }
    lists.append(ul);
    const o = document.createElement("option"); o.value = l.id; o.textContent = l.displayName; sel.append(o);
  }
  if (keep) sel.value = keep;
}
$("mailbox").onchange = refresh;
$("eventForm").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const body = { mailbox: mb(), subject: $("evSubject").value, start: $("evStart").value, end: $("evEnd").value,
    categories: $("evCategories").value.split(",").map((s) => s.trim()).filter(Boolean) };
  const id = $("eventId").value;
  try {
    if (id) { await call("PATCH", "/outlook/events/" + encodeURIComponent(id), body); say("Saved event " + body.subject); }
    else { await call("POST", "/outlook/events", body); say("Created event " + body.subject); }
    blank(); refresh();
  } catch (err) { say(err.message, true); }
});
$("taskForm").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try { await call("POST", "/outlook/tasks", { mailbox: mb(), listId: $("taskList").value, title: $("taskTitle").value }); say("Created task " + $("taskTitle").value); refresh(); }
  catch (err) { say(err.message, true); }
});
refresh(); setInterval(refresh, 1500);
`;
  return page("Outlook view (sandbox)", body, script, adminPage);
}
