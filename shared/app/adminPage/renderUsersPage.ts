// The admin page's users list: health at a glance (ok / needs attention with reasons), counts per state,
// sortable columns and a filter (plain HTML; the sorting and filtering are a few lines of client script).
import { adminFrame, esc } from "./html.js";
import type { UserRow } from "./listUserRows.js";
import { renderSignIn } from "./signInView.js";

const SWITCH_LABELS: [keyof NonNullable<UserRow["switches"]>, string][] = [
  ["emails", "Emails"],
  ["syncAppointments", "Appointments"],
  ["appointmentsFromOutlook", "Appointments from Outlook"],
  ["syncTasks", "Tasks"],
  ["tasksFromOutlook", "Tasks from Outlook"],
];

export function renderUsersPage(rows: readonly UserRow[], base: string, who: string): string {
  const count = (s: string) => rows.filter((r) => r.health.state === s).length;
  const body = `
<p>${rows.length} users: <span class="ok">${count("ok")} ok</span>, <span class="attention">${count("attention")} need attention</span>.</p>
<p><label>Filter <input id="filter" type="search" placeholder="user, mailbox or reason"></label>
<label>Health <select id="state"><option value="">all</option><option value="ok">ok (${count("ok")})</option>
<option value="attention">needs attention (${count("attention")})</option></select></label></p>
<table id="users"><thead><tr>
<th scope="col" aria-sort="ascending"><button type="button" data-col="0">User</button></th>
<th scope="col"><button type="button" data-col="1">Mailbox</button></th>
<th scope="col"><button type="button" data-col="2">Health</button></th>
<th scope="col">Switches</th>
<th scope="col"><button type="button" data-col="4">Status</button></th>
<th scope="col"><button type="button" data-col="5">Last sync</button></th>
<th scope="col"><button type="button" data-col="6">Calendar subscription expires</button></th>
<th scope="col">Sign-in (AAD scope)</th>
</tr></thead><tbody>
${rows
  .map(
    (r) => `<tr data-user="${esc(r.user)}" data-state="${r.health.state}">
<td><a href="${esc(base)}manage/page/users/${encodeURIComponent(r.user)}">${esc(r.user)}</a></td>
<td>${esc(r.mailbox ?? "—")}</td>
<td class="${r.health.state}">${r.health.state === "ok" ? "ok" : `needs attention: ${esc(r.health.reasons.join(", "))}`}</td>
<td>${
      r.switches
        ? SWITCH_LABELS.filter(([k]) => r.switches![k])
            .map(([, l]) => esc(l))
            .join(", ") || "none"
        : "—"
    }</td>
<td>${esc(r.status ?? "—")}${r.lastError ? `<br><small>${esc(r.lastError)}</small>` : ""}</td>
<td>${esc(r.lastSyncAt ?? "—")}</td>
<td>${r.subscriptions.events ? `${esc(r.subscriptions.events.expiresAt)}${r.subscriptions.events.expired ? " (expired)" : ""}` : "none"}</td>
<td data-column="signIn">${renderSignIn(r.signIn, r.user)}</td>
</tr>`,
  )
  .join("\n")}
</tbody></table>`;
  const script = `
const rows = [...document.querySelectorAll("#users tbody tr")];
function apply() {
  const q = $("filter").value.trim().toLowerCase(), st = $("state").value;
  for (const r of rows) r.hidden = (st && r.dataset.state !== st) || (q && !r.textContent.toLowerCase().includes(q));
}
$("filter").addEventListener("input", apply); $("state").addEventListener("change", apply);
let sorted = { col: 0, dir: 1 };
document.querySelectorAll("th button").forEach((b) => b.addEventListener("click", () => {
  const col = Number(b.dataset.col); sorted = { col, dir: sorted.col === col ? -sorted.dir : 1 };
  const tb = document.querySelector("#users tbody");
  rows.sort((a, z) => a.cells[col].textContent.localeCompare(z.cells[col].textContent) * sorted.dir).forEach((r) => tb.append(r));
  document.querySelectorAll("th").forEach((th) => th.removeAttribute("aria-sort"));
  b.parentElement.setAttribute("aria-sort", sorted.dir > 0 ? "ascending" : "descending");
}));
`;
  return adminFrame({ title: "Outlook integration — users", base, who, body, script });
}
