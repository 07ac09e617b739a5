// The simulator's in-memory state: mailboxes with events, To Do lists/tasks and mail, each change versioned for delta.
import type { GraphEvent, Message, SentMessage, TodoTask, TodoTaskList } from "./types.js";
import type { SimSeed } from "./seed.js";
import { GraphError } from "./http.js";
import { newItemId } from "./ids.js";
import type { SeriesState } from "./series.js";

/** A stored event: the Graph object (start/end as given) plus its UTC interval; a seriesMaster also its series. */
export interface EventRec {
  ev: GraphEvent;
  startMs: number;
  endMs: number;
  series?: SeriesState;
}

/** The mailboxSettings the simulator keeps per mailbox (what calendar writes depend on). */
export interface MailboxSettingsState {
  /** as Graph returns it: a Windows zone name by default ("Pacific Standard Time"), or an IANA one */
  timeZone: string;
}

export interface TaskRec {
  task: TodoTask;
  /** due as UTC ms, for rendering in other zones */
}

export interface VersionEntry<T> {
  seq: number;
  /** null = deleted */
  snap: T | null;
}

export interface Versioned<T> {
  current: Map<string, T>;
  history: Map<string, VersionEntry<T>[]>;
}

export function newVersioned<T>(): Versioned<T> {
  return { current: new Map(), history: new Map() };
}

export interface ListRec {
  list: TodoTaskList;
  tasks: Versioned<TodoTask>;
}

export interface Mailbox {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string;
  categories: string[];
  events: Versioned<EventRec>;
  /** transactionId → event id (the first create wins) */
  transactions: Map<string, string>;
  lists: Map<string, ListRec>;
  messages: Map<string, Message>;
  sent: SentMessage[];
  settings: MailboxSettingsState;
}

export type ChangeType = "created" | "updated" | "deleted";
export interface ChangeRecord {
  mailbox: Mailbox;
  kind: "event" | "todoTask" | "message";
  changeType: ChangeType;
  id: string;
  etag: string;
  listId?: string;
}

export class Store {
  readonly mailboxes = new Map<string, Mailbox>();
  private seq = 0;
  private listeners: ((c: ChangeRecord) => void)[] = [];

  constructor(seed: SimSeed) {
    for (const m of seed.mailboxes) {
      const mb: Mailbox = {
        id: m.id,
        userPrincipalName: m.userPrincipalName,
        displayName: m.displayName,
        mail: m.mail ?? m.userPrincipalName,
        categories: m.categories ?? [],
        events: newVersioned(),
        transactions: new Map(),
        lists: new Map(),
        messages: new Map(),
        sent: [],
        settings: { timeZone: m.timeZone ?? "UTC" },
      };
      for (const l of m.todoLists ?? []) {
        const id = newItemId();
        mb.lists.set(id, {
          list: {
            "@odata.etag": `W/"${Buffer.from(id).toString("base64").slice(0, 24)}"`,
            displayName: l.displayName,
            isOwner: true,
            isShared: false,
            wellknownListName: l.wellknownListName ?? "none",
            id,
          },
          tasks: newVersioned(),
        });
      }
      this.mailboxes.set(mb.id, mb);
    }
  }

  onChange(fn: (c: ChangeRecord) => void): void {
    this.listeners.push(fn);
  }

  emit(c: ChangeRecord): void {
    for (const fn of this.listeners) fn(c);
  }

  get currentSeq(): number {
    return this.seq;
  }

  /** Records a new version (snap null = deleted) and returns its sequence number. */
  record<T>(v: Versioned<T>, id: string, snap: T | null): number {
    const seq = ++this.seq;
    if (snap === null) v.current.delete(id);
    else v.current.set(id, snap);
    let h = v.history.get(id);
    if (!h) v.history.set(id, (h = []));
    h.push({ seq, snap: snap === null ? null : structuredClone(snap) });
    return seq;
  }

  /** Finds a mailbox by id or UPN (case-insensitive), else undefined. */
  find(idOrUpn: string): Mailbox | undefined {
    const direct = this.mailboxes.get(idOrUpn);
    if (direct) return direct;
    const k = idOrUpn.toLowerCase();
    for (const mb of this.mailboxes.values()) {
      if (mb.id.toLowerCase() === k || mb.userPrincipalName.toLowerCase() === k || mb.mail.toLowerCase() === k)
        return mb;
    }
    return undefined;
  }

  /** Like find(), but a missing mailbox is Graph's 404. */
  get(idOrUpn: string): Mailbox {
    const mb = this.find(idOrUpn);
    if (!mb)
      throw new GraphError(
        404,
        "Request_ResourceNotFound",
        `Resource '${idOrUpn}' does not exist or one of its queried reference-property objects are not present.`,
      );
    return mb;
  }
}

/** The state of `id` as of sequence `seq` (undefined = did not exist / deleted). */
export function stateAt<T>(v: Versioned<T>, id: string, seq: number): T | undefined {
  const h = v.history.get(id);
  if (!h) return undefined;
  let found: VersionEntry<T> | undefined;
  for (const e of h) {
    if (e.seq <= seq) found = e;
    else break;
  }
  return found?.snap ?? undefined;
}

/** Ids with a version in (since, upto], ordered by that last version. */
export function changedBetween<T>(v: Versioned<T>, since: number, upto: number): string[] {
  const out: { id: string; seq: number }[] = [];
  for (const [id, h] of v.history) {
    let last = 0;
    for (const e of h) if (e.seq > since && e.seq <= upto) last = e.seq;
    if (last) out.push({ id, seq: last });
  }
  return out.sort((a, b) => a.seq - b.seq).map((x) => x.id);
}
