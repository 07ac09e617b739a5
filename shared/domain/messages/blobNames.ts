// Azure Blob Storage naming rules for the claim-check references of the push contract (data.attachments[].blob).

/**
 * Container: 3–63 characters, lowercase letters, digits and hyphens, starting and ending with a letter or digit, no
 * two hyphens in a row (a valid DNS label) — Azure's "Naming and Referencing Containers, Blobs, and Metadata".
 */
export function containerNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `expected 3–63 characters, got ${name.length}`;
  if (!/^[a-z0-9-]+$/.test(name)) return "expected lowercase letters, digits and hyphens only";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "must start and end with a letter or digit";
  if (name.includes("--")) return "must not contain two hyphens in a row";
  return undefined;
}

/**
 * Blob name: 1–1024 characters, no control characters, no backslash, and no `.` / `..` path segment (a reference
 * never climbs out of its "folder"; Azure refuses or silently rewrites such names).
 */
export function blobNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 1024) return `expected 1–1024 characters, got ${name.length}`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return "must not contain control characters";
  if (name.includes("\\")) return "must not contain a backslash";
  if (name.split("/").some((s) => s === "." || s === "..")) return 'must not contain a "." or ".." path segment';
  return undefined;
}

/** The first naming problem of a reference, with the field it is in (relative to the attachment's `blob`). */
export function blobRefProblem(ref: {
  container?: string;
  name: string;
}): { field: string; problem: string } | undefined {
  const container = ref.container === undefined ? undefined : containerNameProblem(ref.container);
  if (container) return { field: "container", problem: container };
  const name = blobNameProblem(ref.name);
  return name ? { field: "name", problem: name } : undefined;
}
