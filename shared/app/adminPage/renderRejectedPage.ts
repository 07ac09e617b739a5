// The admin page's Rejected messages: what was set aside, why (the reason names the field), and Replay.
import type { RejectedRow } from "../../adapters/servicebus/rejectedStore.js";
import { adminFrame, esc } from "./html.js";

export function renderRejectedPage(rows: readonly RejectedRow[], base: string, who: string): string {
  const body = `
<p>${rows.length} rejected message${rows.length === 1 ? "" : "s"}. Fix the cause first (the row, the ERP's message,
a missing handler), then Replay sends the original body again to its queue.</p>
<table id="rejected"><thead><tr><th scope="col">Rejected at</th><th scope="col">Queue</th><th scope="col">User (session)</th>
<th scope="col">Code</th><th scope="col">Reason</th><th scope="col">Body</th><th scope="col">Replays</th><th scope="col">Action</th></tr></thead><tbody>
${rows
  .map(
    (r) => `<tr data-id="${esc(r.id)}" data-code="${esc(r.code)}">
<td>${esc(r.rejectedAt.toISOString())}</td><td>${esc(r.queue)}</td><td>${esc(r.sessionId ?? "—")}</td><td>${esc(r.code)}</td>
<td>${esc(r.reason)}</td><td><details><summary>${esc(r.body.length)} characters</summary><pre>${esc(r.body.slice(0, 4000))}</pre></details></td>
<td>${r.replayCount}${r.replayedAt ? ` (last ${esc(r.replayedAt.toISOString())})` : ""}</td>
<td><button type="button" data-queue="${esc(r.queue)}" data-id="${esc(r.id)}"${r.sessionId ? "" : " disabled"}>Replay ${esc(r.code)}</button></td>
</tr>`,
  )
  .join("\n")}
</tbody></table>`;
  const script = `
document.querySelectorAll("#rejected button[data-id]").forEach((b) => b.addEventListener("click", () =>
  act(${JSON.stringify(`${base}manage/page/rejected/replay`)}, { queue: b.dataset.queue, id: b.dataset.id }, true)));
`;
  return adminFrame({ title: "Rejected messages", base, who, body, script });
}
