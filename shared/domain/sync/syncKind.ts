// The per-kind contract of the shared sync pipeline: what differs between appointments (events) and tasks (To Do).
import type { SyncWindow } from "../window.js";
import type { ItemKind } from "./link.js";

/** The per-user switches of the Users table that the sync kinds use. */
export type SwitchName = "syncAppointments" | "appointmentsFromOutlook" | "syncTasks" | "tasksFromOutlook";
export type Switches = Readonly<Partial<Record<SwitchName, boolean>>>;

/** What every ERP item carries: its key, and when it last changed (newest-wins, stale pushes). */
export interface ErpItem {
  kco: string;
  hsaRef: string;
  modifiedAt?: string | undefined;
}

/** What every Outlook item carries for the pipeline: its id, its version, when it last changed. */
export interface OutlookItem {
  id: string;
  /** The version a conditional write sends back (events: changeKey; tasks: the ETag's value). */
  changeKey: string | undefined;
  lastModifiedDateTime: Date | undefined;
}

/**
 * One synced kind. `E`: the ERP item as pushed; `O`: the Outlook item as the sync decides on it; `B`: the Graph body
 * that writes an ERP item; `K`: its name. Everything else (links, echo rules, conflict rule, push and drift planning) is shared.
 */
export interface SyncKind<E extends ErpItem, O extends OutlookItem, B, K extends ItemKind = ItemKind> {
  name: K;
  /** What Outlook calls the item, for logs ("event", "task"). */
  noun: string;
  /** The switch that lets ERP changes reach Outlook, and the one that lets Outlook changes reach the ERP. */
  switches: { push: SwitchName; pull: SwitchName };
  /** Fingerprints, equal across sides when both say the same thing (how echoes are recognised). */
  erpFingerprint(item: E): string;
  outlookFingerprint(item: O): string;
  /**
   * The Graph body writing `item`: an update without `create`; a create with it (its idempotency key when the
   * resource has one, and what only a create may carry, e.g. a task's linkedResources).
   */
  bodyOf(item: E, create?: { key: string | undefined }): B;
  /**
   * The idempotency key of a create (events: a deterministic transactionId); undefined when the resource has none
   * (tasks: a create is made safe by finding the item by its linked resource first).
   */
  createKeyOf(user: string, kco: string, hsaRef: string): string | undefined;
  /** Scope rule: why an ERP item is not (re-)created in Outlook (undefined = in scope). */
  outOfScope(item: E, window: SyncWindow): string | undefined;
  /** An Outlook item that counts as gone although it exists (a cancelled event). */
  isGone(item: O): boolean;
}

/** Whether a switch is on (no switches given = every direction allowed). */
export const switchOn = (switches: Switches | undefined, name: SwitchName): boolean =>
  switches === undefined || switches[name] === true;
