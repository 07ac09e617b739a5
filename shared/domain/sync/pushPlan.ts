// PUSH decisions for any kind: what an ERP CREATE/UPDATE/DELETE means for the user's Outlook item.
import { PermanentError } from "../errors.js";
import type { SyncWindow } from "../window.js";
import { erpModifiedAt } from "./conflictRule.js";
import { kindField, newestOf, type Link } from "./link.js";
import { switchOn, type ErpItem, type OutlookItem, type Switches, type SyncKind } from "./syncKind.js";

export interface PushInputOf<E> {
  op: "CREATE" | "UPDATE" | "DELETE";
  /** ERP user id (part of the create key). */
  user: string;
  /** Required for CREATE/UPDATE; optional for DELETE. Carries kco + hsaRef. */
  item?: E | undefined;
  /** Set when the ERP record was created from an Outlook item: link to it, never create another. */
  outlookId?: string;
  /** The existing link for this ERP key (or for `outlookId`), if any. */
  link?: Link;
  switches: Switches;
  window: SyncWindow;
  now: Date;
}

export type PushSkipReason =
  | "switchOff"
  | "outsideWindow"
  | "unchanged"
  | "notLinked"
  | "stale"
  | "tombstoned"
  /** Deleted in Outlook, DELETE to the ERP still deferred (erp-wins grace): the caller applies the conflict rule. */
  | "tombstonePending";

export type PushDecisionOf<B> =
  /** Create the Outlook item with `body` (`createKey` inside when the kind has one); then save a link from the answer. */
  | { type: "create"; createKey: string | undefined; body: B; erpFingerprint: string }
  /** No Graph write: record `link` (the ERP answered an Outlook-born CREATE, or the switch allows only recording). */
  | { type: "link"; outlookId: string; link: Link }
  /**
   * PATCH the item with `body`; `ifMatch` is the ETag form W/"changeKey" of the last known version (undefined when
   * unknown: send no If-Match). A 412 goes to drift resolution with the item read fresh. Then save the link.
   */
  | {
      type: "update";
      outlookId: string;
      ifMatch: string | undefined;
      changeKey: string | undefined;
      body: B;
      erpFingerprint: string;
    }
  /** DELETE the item (a 404 counts as done); then remove the link. */
  | { type: "delete"; outlookId: string }
  | { type: "skip"; reason: PushSkipReason; detail?: string };

/** The If-Match value Graph expects for a changeKey (an item's @odata.etag is W/"<changeKey>"). */
export const etagOf = (changeKey: string): string => `W/"${changeKey}"`;

/** The later of the link's ERP modifiedAt and the item's (what the link holds after applying `item`). */
export const newestModifiedAt = (link: Link | undefined, item: ErpItem | undefined): Date | undefined =>
  newestOf(link, erpModifiedAt(item));

function requireItem<E>(kindName: string, input: PushInputOf<E>): E {
  if (!input.item) throw new PermanentError("invalidMessage", `data: ${kindName} data is required for ${input.op}`);
  return input.item;
}

function recordedLink<E extends ErpItem>(
  kind: SyncKind<E, OutlookItem, unknown>,
  input: PushInputOf<E>,
  item: E,
  outlookId: string,
  fingerprint: string,
): Link {
  const existing = input.link && input.link.outlookId === outlookId ? input.link : undefined;
  return {
    ...kindField(kind.name),
    user: input.user,
    kco: item.kco,
    hsaRef: item.hsaRef,
    outlookId,
    erpFingerprint: fingerprint,
    outlookFingerprint: existing?.outlookFingerprint ?? fingerprint,
    outlookChangeKey: existing?.outlookChangeKey ?? "",
    lastSyncedAt: input.now,
    erpModifiedAt: newestModifiedAt(input.link, item),
  };
}

/** A CREATE/UPDATE whose modifiedAt is older than the one the link holds (delivered after a newer one). */
function staleness(link: Link | undefined, item: ErpItem): string | undefined {
  const pushed = erpModifiedAt(item);
  const held = link?.erpModifiedAt;
  if (!pushed || !held || pushed.getTime() >= held.getTime()) return undefined;
  return `modifiedAt ${item.modifiedAt ?? ""} is older than ${held.toISOString()} already applied`;
}

/**
 * Rules: the kind's push switch off → nothing is written to Outlook (but an ERP answer carrying outlookId is still
 * recorded as a link when its pull switch is on, so the Outlook-born item is not offered again).
 * DELETE → delete the linked item (also out of scope), else the given outlookId, else nothing.
 * CREATE with outlookId → link to it. Linked (CREATE redelivered, or UPDATE): unchanged fingerprint → nothing, else
 * PATCH with If-Match (also when out of scope: the item must not keep stale content).
 * UPDATE with outlookId but no link → PATCH that item. Unlinked and out of scope → nothing; else create (with the
 * kind's create key, so a redelivered CREATE never makes a second item where the resource has one).
 * A CREATE/UPDATE whose `modifiedAt` is older than the link's (an older change delivered after a newer one) → stale:
 * nothing written (a push without modifiedAt is never stale). A tombstoned link (deleted in Outlook, DELETE sent to
 * the ERP) → CREATE/UPDATE write nothing: the ERP is deleting that record, nothing may re-create its item. A pending
 * tombstone (the DELETE still deferred) → "tombstonePending" unless stale: the ERP change crossed the Outlook delete,
 * and the caller decides with the conflict rule (erp-wins re-creates the item).
 */
export function decideItemPush<E extends ErpItem, O extends OutlookItem, B>(
  kind: SyncKind<E, O, B>,
  input: PushInputOf<E>,
): PushDecisionOf<B> {
  const { op, link, outlookId } = input;
  if (!switchOn(input.switches, kind.switches.push)) {
    if (op !== "DELETE" && outlookId && switchOn(input.switches, kind.switches.pull)) {
      const item = requireItem(kind.name, input);
      const fingerprint = kind.erpFingerprint(item);
      return { type: "link", outlookId, link: recordedLink(kind, input, item, outlookId, fingerprint) };
    }
    return { type: "skip", reason: "switchOff" };
  }

  if (op === "DELETE") {
    // Also for a tombstone: the item is gone already (404 = done) and the ERP's DELETE retires the tombstone.
    if (link) return { type: "delete", outlookId: link.outlookId };
    if (outlookId) return { type: "delete", outlookId };
    return { type: "skip", reason: "notLinked" };
  }

  const item = requireItem(kind.name, input);
  const fingerprint = kind.erpFingerprint(item);
  const stale = staleness(link, item);
  if (link?.state === "outlookDeleted") {
    if (link.erpDeleteDue) {
      if (stale) return { type: "skip", reason: "stale", detail: stale };
      const due = link.erpDeleteDue.toISOString();
      const detail = `${kind.noun} ${link.outlookId} was deleted in Outlook; DELETE to the ERP deferred until ${due}`;
      return { type: "skip", reason: "tombstonePending", detail };
    }
    const detail = `${kind.noun} ${link.outlookId} was deleted in Outlook and the ERP was sent DELETE`;
    return { type: "skip", reason: "tombstoned", detail };
  }
  if (stale) return { type: "skip", reason: "stale", detail: stale };
  if (op === "CREATE" && outlookId) {
    return { type: "link", outlookId, link: recordedLink(kind, input, item, outlookId, fingerprint) };
  }
  const update = (id: string, changeKey: string | undefined): PushDecisionOf<B> => ({
    type: "update",
    outlookId: id,
    ifMatch: changeKey ? etagOf(changeKey) : undefined,
    changeKey,
    body: kind.bodyOf(item),
    erpFingerprint: fingerprint,
  });
  if (link) {
    if (link.erpFingerprint === fingerprint) return { type: "skip", reason: "unchanged" };
    return update(link.outlookId, link.outlookChangeKey || undefined);
  }
  if (outlookId) return update(outlookId, undefined);
  const out = kind.outOfScope(item, input.window);
  if (out !== undefined) return { type: "skip", reason: "outsideWindow", detail: out };
  const createKey = kind.createKeyOf(input.user, item.kco, item.hsaRef);
  return { type: "create", createKey, body: kind.bodyOf(item, { key: createKey }), erpFingerprint: fingerprint };
}
