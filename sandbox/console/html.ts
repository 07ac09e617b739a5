// Tiny HTML helpers for the sandbox pages: escaping and the shared page frame (plain HTML, a little CSS).
import { esc } from "../../shared/app/adminPage/html.js";

export { esc };

export function page(title: string, body: string, script: string, adminPage: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}fieldset{margin:.75rem 0;border:1px solid #bbb}label{display:inline-block;margin:.2rem .6rem .2rem 0}
textarea{width:100%;font-family:monospace}.status{padding:.4rem;background:#eef6ee;border:1px solid #9c9;min-height:1.2em}
.bad{background:#fbeaea;border-color:#d99}nav a{margin-right:1rem}code{font-size:.9em}
button:focus,input:focus,select:focus,textarea:focus,a:focus{outline:3px solid #2a6ebb}
</style></head><body>
<nav aria-label="Sandbox pages"><a href="/erp">ERP console</a><a href="/outlook">Outlook view</a><a id="adminLink" href="${esc(adminPage)}">Admin page</a></nav>
<h1>${esc(title)}</h1>
${body}
<script>${script}</script>
</body></html>`;
}
