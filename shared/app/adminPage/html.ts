// HTML helpers for the admin page: escaping and the page frame (plain server-rendered HTML, a little JavaScript).
export const esc = (v: unknown): string =>
  String(v ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** Client script shared by the pages: `act(url, body)` posts with the page's anti-forgery header and reports. */
const COMMON_SCRIPT = `
const $ = (id) => document.getElementById(id);
const say = (text, bad) => { const s = $("status"); s.textContent = text; s.className = bad ? "status bad" : "status"; };
const stored = sessionStorage.getItem("adminPageStatus");
if (stored) { sessionStorage.removeItem("adminPageStatus"); const m = JSON.parse(stored); say(m.text, m.bad); }
async function act(url, body, reload) {
  say("Working…");
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-admin-page": "1" }, body: JSON.stringify(body || {}) });
  let b = {}; try { b = await r.json(); } catch {}
  const text = r.ok ? (b.message || "Done") : ("Failed (" + r.status + "): " + (b.reason || b.error || r.statusText));
  if (r.ok && reload) { sessionStorage.setItem("adminPageStatus", JSON.stringify({ text, bad: false })); location.reload(); }
  else say(text, !r.ok);
  return { ok: r.ok, body: b };
}
`;

export function adminFrame(o: { title: string; base: string; who: string; body: string; script?: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(o.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}th button{font:inherit;background:none;border:0;cursor:pointer;padding:0}
.status{padding:.4rem;background:#eef6ee;border:1px solid #9c9;min-height:1.2em}.bad{background:#fbeaea;border-color:#d99}
.attention{color:#8a1c1c;font-weight:600}.ok{color:#1c6b2a;font-weight:600}fieldset{margin:.75rem 0}
nav a{margin-right:1rem}pre{background:#f6f6f6;padding:.5rem;white-space:pre-wrap}
button:focus,input:focus,select:focus,a:focus{outline:3px solid #2a6ebb}
</style></head><body>
<nav aria-label="Admin"><a href="${esc(o.base)}manage/page">Users</a><a href="${esc(o.base)}manage/page/rejected">Rejected messages</a>
<span>Signed in: ${esc(o.who)}</span></nav>
<h1>${esc(o.title)}</h1>
<p id="status" class="status" role="status" aria-live="polite"></p>
${o.body}
<script>${COMMON_SCRIPT}${o.script ?? ""}</script>
</body></html>`;
}
