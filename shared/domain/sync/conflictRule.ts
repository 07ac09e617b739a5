// The conflict rule between the ERP and Outlook (CONFLICT_RULE) and which side it makes win, for every synced kind.

/** newest-wins: the ERP's `modifiedAt` against Outlook's `lastModifiedDateTime`. */
export type ConflictRule = "erp-wins" | "outlook-wins" | "newest-wins";

export type Side = "erp" | "outlook";

/** When each side last changed, for `newest-wins` (undefined = not known). */
export interface ChangeTimes {
  /** The ERP record's `modifiedAt`. */
  erp?: Date | undefined;
  /** The Outlook item's `lastModifiedDateTime`; a deletion's time is not known (undefined). */
  outlook?: Date | undefined;
}

/**
 * Which side a conflict rule makes win when both sides changed since the last sync. newest-wins compares the ERP's
 * modifiedAt with Outlook's lastModifiedDateTime: the later wins; an unknown time counts as older than a known one;
 * a tie, or neither known, goes to the ERP (the system of record).
 */
export function resolveConflict(rule: ConflictRule, times: ChangeTimes = {}): Side {
  if (rule === "outlook-wins") return "outlook";
  if (rule === "erp-wins") return "erp";
  const erp = times.erp?.getTime();
  const outlook = times.outlook?.getTime();
  if (outlook === undefined) return "erp";
  if (erp === undefined) return "outlook";
  return outlook > erp ? "outlook" : "erp";
}

/** An ERP record's modifiedAt as an instant (undefined when absent or unreadable). */
export function erpModifiedAt(item: { modifiedAt?: string | undefined } | undefined): Date | undefined {
  const t = item?.modifiedAt ? Date.parse(item.modifiedAt) : NaN;
  return Number.isNaN(t) ? undefined : new Date(t);
}
