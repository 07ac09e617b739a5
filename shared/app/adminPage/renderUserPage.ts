// The admin page for one user, laid out like the seed's "MS Graph" tab: the switches with Save (under the row's
// ETag), per resource the subscription (ID, masked state, expiry, delta URL, list id) with REFRESH and Delete,
// the AAD scope the user granted, the Profile button and the last error.
import type { UserStatusView } from "../admin/getUserStatus.js";
import { adminFrame, esc } from "./html.js";
import { renderSignIn, signInView } from "./signInView.js";

const SWITCHES: [string, string][] = [
  ["emails", "Emails"],
  ["syncAppointments", "Synchronise Appointments"],
  ["appointmentsFromOutlook", "New Outlook appointments to Coins ERP+"],
  ["syncTasks", "Synchronise Tasks"],
  ["tasksFromOutlook", "New Outlook tasks to Coins ERP+"],
];

const RESOURCES: ["events" | "todoTasks", string][] = [
  ["events", "Appointments (calendar)"],
  ["todoTasks", "Tasks (To Do)"],
];

/** `signInLinkFor` in delegated mode only (the page then offers "Sign in"). */
export function renderUserPage(
  view: UserStatusView,
  etag: string,
  base: string,
  who: string,
  signInLinkFor?: (user: string) => string,
): string {
  const u = encodeURIComponent(view.user);
  const actions = `${base}manage/page/users/${u}`;
  const settings = view.settings;
  const switches = settings
    ? `<form id="switches"><fieldset><legend>Switches</legend>
<input type="hidden" id="etag" value="${esc(etag)}">
${SWITCHES.map(
  ([k, label]) =>
    `<label><input type="checkbox" id="sw-${k}" name="${k}"${(settings as unknown as Record<string, boolean>)[k] ? " checked" : ""}> ${esc(label)}</label><br>`,
).join("\n")}
<button type="submit" id="save">Save</button></fieldset></form>`
    : `<p class="attention">The Users row is invalid; fix it in the table first: ${esc(view.lastError)}</p>`;
  const resources = RESOURCES.map(([kind, title]) => {
    const s = view.subscriptions[kind];
    return `<section aria-labelledby="h-${kind}"><h2 id="h-${kind}">${esc(title)}</h2>
<table><tbody>
<tr><th scope="row">Subscription ID</th><td data-field="subscriptionId">${esc(s?.subscriptionId ?? "none")}</td></tr>
<tr><th scope="row">State</th><td>${esc(s?.state ?? "—")}</td></tr>
<tr><th scope="row">Expires</th><td>${esc(s ? `${s.expiresAt}${s.expired ? " (expired)" : ""}` : "—")}</td></tr>
<tr><th scope="row">Delta URL</th><td><small>${esc((kind === "todoTasks" ? view.taskList?.deltaUrl : s?.deltaUrl) ?? "—")}</small></td></tr>
<tr><th scope="row">List ID</th><td>${esc((kind === "todoTasks" ? view.taskList?.listId : s?.listId) ?? "—")}</td></tr>
</tbody></table>
<button type="button" data-action="refresh">REFRESH</button>
<button type="button" data-action="delete" data-kind="${kind}"${s ? "" : " disabled"}>Delete ${esc(kind === "events" ? "calendar" : "task")} subscription</button>
</section>`;
  }).join("\n");
  const body = `
<p><a href="${esc(base)}manage/page">← all users</a></p>
<table><tbody>
<tr><th scope="row">User</th><td>${esc(view.user)}</td></tr>
<tr><th scope="row">Mailbox</th><td>${esc(settings?.mailbox ?? "—")}</td></tr>
<tr><th scope="row">Default company</th><td>${esc(settings?.defaultCompany ?? "—")}</td></tr>
<tr><th scope="row">Status</th><td id="userStatus">${esc(view.status ?? "—")}</td></tr>
<tr><th scope="row">Last sync</th><td>${esc(view.lastSyncAt ?? "—")}</td></tr>
<tr><th scope="row">Last error</th><td id="lastError">${esc(view.lastError ?? "none")}</td></tr>
<tr><th scope="row">AAD scope</th><td id="aadScope">${view.grantedScopes.length ? esc(view.grantedScopes.join(" ")) : signInLinkFor ? "none (not signed in)" : "not signed in (the app uses application permissions)"}</td></tr>
<tr><th scope="row">Sign-in</th><td id="signIn">${renderSignIn(signInView(view, view.valid ? signInLinkFor : undefined, view.user), view.user)}</td></tr>
</tbody></table>
${switches}
${resources}
<section aria-labelledby="h-profile"><h2 id="h-profile">Profile test</h2>
<button type="button" id="profileButton">Profile</button><pre id="profile" aria-live="polite"></pre></section>`;
  const script = `
const base = ${JSON.stringify(actions)};
const form = $("switches");
if (form) form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const switches = {};
  for (const k of ${JSON.stringify(SWITCHES.map(([k]) => k))}) switches[k] = $("sw-" + k).checked;
  const r = await act(base + "/save", { etag: $("etag").value, switches });
  if (r.ok) $("etag").value = r.body.etag;
});
document.querySelectorAll("button[data-action=refresh]").forEach((b) => b.addEventListener("click", () => act(base + "/refresh", {}, true)));
document.querySelectorAll("button[data-action=delete]").forEach((b) => b.addEventListener("click", () => act(base + "/delete", { kind: b.dataset.kind }, true)));
$("profileButton").addEventListener("click", async () => {
  const r = await act(base + "/profile");
  $("profile").textContent = r.ok ? JSON.stringify(r.body.profile, null, 2) : "";
});
`;
  return adminFrame({ title: `User ${view.user}`, base, who, body, script });
}
