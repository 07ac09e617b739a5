// What the sign-in routes answer: a redirect, or a small HTML page with a status code (never a stack trace).

export type SignInOutcome =
  { kind: "redirect"; location: string } | { kind: "page"; status: number; title: string; message: string };

export const page = (status: number, title: string, message: string): SignInOutcome => ({
  kind: "page",
  status,
  title,
  message,
});

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function renderPage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(message)}</p></body></html>`;
}
