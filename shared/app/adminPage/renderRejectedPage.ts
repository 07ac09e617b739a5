// The admin page's Rejected messages: what was set aside, why (the reason names the field), Check and Replay.
import type { RejectedRow } from "../../adapters/servicebus/rejectedStore.js";
import { replayOfRow } from "../admin/listRejected.js";
import { adminFrame, esc } from "./html.js";

export function renderRejectedPage(rows: readonly RejectedRow[], base: string, who: string): string {
  const body = `
<p>${rows.length} rejected message${rows.length === 1 ? "" : "s"}. Fix the cause first (the Users row, the ERP's
message, a missing handler). <strong>Check</strong> says whether the message would be accepted now;
<strong>Replay</strong> sends the original body again to its queue and removes the row. A message the current parser
still rejects is not replayed (the reason names the field).</p>
<table id="rejected"><thead><tr><th scope="col">Rejected at</th><th scope="col">Queue</th><th scope="col">User (session)</th>
<th scope="col">Code</th><th scope="col">Reason</th><th scope="col">Body</th><th scope="col">Replay of</th><th scope="col">Action</th></tr></thead><tbody>
${rows
  .map((r) => {
    const data = `data-queue="${esc(r.queue)}" data-id="${esc(r.id)}"${r.sessionId ? "" : " disabled"}`;
    return `<tr data-id="${esc(r.id)}" data-code="${esc(r.code)}">
<td>${esc(r.rejectedAt.toISOString())}</td><td>${esc(r.queue)}</td><td>${esc(r.sessionId ?? "—")}</td><td>${esc(r.code)}</td>
<td>${esc(r.reason)}</td><td><details><summary>${esc(r.body.length)} characters</summary><pre>${esc(r.body.slice(0, 4000))}</pre></details></td>
<td>${esc(replayOfRow(r) ?? "—")}</td>
<td><button type="button" data-check ${data}>Check ${esc(r.code)}</button>
<button type="button" data-replay ${data}>Replay ${esc(r.code)}</button></td>
</tr>`;
  })
  .join("\n")}
</tbody></table>`;
  const url = JSON.stringify(`${base}manage/page/rejected/replay`);
  const script = `
document.querySelectorAll("#rejected button[data-replay]").forEach((b) => b.addEventListener("click", () =>
  act(${url}, { queue: b.dataset.queue, id: b.dataset.id }, true)));
document.querySelectorAll("#rejected button[data-check]").forEach((b) => b.addEventListener("click", () =>
  act(${url}, { queue: b.dataset.queue, id: b.dataset.id, dryRun: true }, false)));
`;
  return adminFrame({ title: "Rejected messages", base, who, body, script });
}
