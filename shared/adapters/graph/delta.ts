// Delta paging: follows @odata.nextLink to the final @odata.deltaLink, returns the changes; saves nothing itself.
import type { z } from "zod";
import type { GraphHttp } from "./graphHttp.js";
import { ResyncRequiredError } from "./mapGraphError.js";
import { parseGraph } from "./parseGraph.js";
import { deltaPageSchema, type RemovedEntry } from "./schemas.js";
import { PermanentError } from "../../domain/errors.js";

/** One change of a delta round: an item (created or updated; an update may carry only changed fields) or a removal. */
export type DeltaChange<T> =
  { removed: false; id: string; item: T } | { removed: true; id: string; reason: string | undefined };

export type DeltaResult<T> =
  | { kind: "ok"; items: DeltaChange<T>[]; deltaUrl: string; pages: number }
  | { kind: "resyncRequired"; freshDeltaUrl?: string; reason: string };

export interface DeltaOptions {
  /** Sent as `Prefer: odata.maxpagesize=N` on every page. */
  maxPageSize?: number;
  /** Further Prefer values (e.g. `outlook.timezone="UTC"`). */
  prefer?: string[];
  /** Safety stop against a server that never ends a round (default 10,000 pages). */
  maxPages?: number;
}

function isRemoved(entry: object): entry is RemovedEntry {
  return "@removed" in entry;
}

/**
 * Reads one delta round from `firstPath` (an initial delta request or a saved deltaLink) to its deltaLink.
 * 410 / syncStateNotFound / resyncRequired anywhere in the round → `{ kind: "resyncRequired" }`.
 * Every other failure throws the mapped AppError. The caller saves `deltaUrl` only after handling `items`.
 */
export async function readDeltaRound<T extends z.ZodType<{ id: string }>>(
  http: GraphHttp,
  mailbox: string,
  firstPath: string,
  itemSchema: T,
  options: DeltaOptions = {},
): Promise<DeltaResult<z.infer<T>>> {
  const pageSchema = deltaPageSchema(itemSchema);
  const prefer = [...(options.prefer ?? [])];
  if (options.maxPageSize !== undefined) prefer.push(`odata.maxpagesize=${options.maxPageSize}`);
  const headers = prefer.length ? { Prefer: prefer.join(", ") } : undefined;
  const maxPages = options.maxPages ?? 10_000;
  const items: DeltaChange<z.infer<T>>[] = [];
  let path = firstPath;
  for (let pages = 1; pages <= maxPages; pages++) {
    let body: unknown;
    try {
      body = (await http.send(mailbox, { method: "GET", path, ...(headers ? { headers } : {}) })).body;
    } catch (error) {
      if (error instanceof ResyncRequiredError) {
        return {
          kind: "resyncRequired",
          reason: error.message,
          ...(error.freshDeltaUrl ? { freshDeltaUrl: error.freshDeltaUrl } : {}),
        };
      }
      throw error;
    }
    const page = parseGraph(pageSchema, body, "delta page");
    for (const entry of page.value as Array<RemovedEntry | z.infer<T>>) {
      if (isRemoved(entry)) items.push({ removed: true, id: entry.id, reason: entry["@removed"].reason });
      else items.push({ removed: false, id: entry.id, item: entry });
    }
    const deltaLink = page["@odata.deltaLink"];
    if (deltaLink !== undefined) return { kind: "ok", items, deltaUrl: deltaLink, pages };
    path = http.toPath(page["@odata.nextLink"] as string);
  }
  throw new PermanentError("delta_runaway", `delta round for ${mailbox} did not end within ${maxPages} pages`);
}
