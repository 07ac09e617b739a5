// Shows an admin which secret is stored without revealing it: only the last 4 characters of a long secret.

/** The shortest secret whose last 4 characters may be shown (ours are 64 characters; short ones stay fully hidden). */
export const MIN_REVEALABLE_LENGTH = 16;

/** "…••••abcd" for a secret of ≥ 16 characters, "••••" for a shorter one, undefined for none. */
export function maskSecret(secret: string | undefined): string | undefined {
  if (secret === undefined || secret === "") return undefined;
  if (secret.length < MIN_REVEALABLE_LENGTH) return "••••";
  return `…••••${secret.slice(-4)}`;
}
