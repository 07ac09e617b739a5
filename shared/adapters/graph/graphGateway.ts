// The Graph adapter the use cases call: small methods per resource (profile, events, delta, subscriptions, To Do, mail, $batch).
import { AppError, AuthError, PermanentError } from "../../domain/errors.js";
import type { MailboxZoneRead } from "../../domain/users/mailboxTimeZone.js";
import { runBatch, type BatchOptions, type BatchRequest, type BatchResult } from "./batch.js";
import { readDeltaRound, type DeltaOptions, type DeltaResult } from "./delta.js";
import { expandExtendedProperty } from "./extendedProperties.js";
import { GraphHttp, query, seg, type GraphHttpOptions, type GraphRequestSpec } from "./graphHttp.js";
import { GraphHttpErrorDetails } from "./mapGraphError.js";
import { parseGraph } from "./parseGraph.js";
import { uploadRange } from "./mailboxMessages.js";
import { RETRY_THROTTLED_ONLY, TRY_ONCE } from "./retryAfterHandler.js";
import {
  collectionSchema,
  eventSchema,
  mailboxTimeZoneSchema,
  messageSchema,
  subscriptionSchema,
  todoTaskListSchema,
  todoTaskSchema,
  uploadSessionSchema,
  userProfileSchema,
  type GraphEvent,
  type Subscription,
  type TodoTask,
  type TodoTaskList,
  type UploadSession,
  type UserProfile,
} from "./schemas.js";

export type GraphGatewayOptions = GraphHttpOptions;

/** The user's mailbox time zone, or why it could not be read (403: MailboxSettings.Read not granted). */
export type { MailboxZoneRead } from "../../domain/users/mailboxTimeZone.js";

/** A calendarView delta starts from a window or continues from a saved deltaLink. */
export type DeltaStart = { deltaUrl: string } | { start: string; end: string };

export interface SubscriptionInput {
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  resource: string;
  /** ISO 8601 UTC. */
  expirationDateTime: string;
  clientState: string;
  latestSupportedTlsVersion?: string;
}

export interface UploadSessionInput {
  name: string;
  size: number;
  contentType?: string;
  isInline?: boolean;
  contentId?: string;
}

/** Largest chunk for an attachment upload session (Graph: ≤ 4 MB per PUT). */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

function isNotFound(error: unknown): boolean {
  return error instanceof AppError && error.code === "not_found";
}

export class GraphGateway {
  readonly http: GraphHttp;

  constructor(options: GraphGatewayOptions | GraphHttp) {
    this.http = options instanceof GraphHttp ? options : new GraphHttp(options);
  }

  private user(mailbox: string): string {
    if (!mailbox) throw new PermanentError("invalid_mailbox", "mailbox is empty");
    return `/users/${seg(mailbox)}`;
  }

  private async json<T>(
    mailbox: string,
    method: "GET" | "POST" | "PATCH",
    path: string,
    parse: (body: unknown) => T,
    body?: unknown,
    headers?: Record<string, string>,
    retry?: GraphRequestSpec["retry"],
  ): Promise<T> {
    const res = await this.http.send(mailbox, {
      method,
      path,
      ...(body !== undefined ? { body } : {}),
      ...(headers ? { headers } : {}),
      ...(retry ? { retry } : {}),
    });
    return parse(res.body);
  }

  /** Follows @odata.nextLink through a plain collection. */
  private async listAll<T>(mailbox: string, path: string, parseItem: (b: unknown) => { value: T[]; next?: string }) {
    const out: T[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const page = parseItem((await this.http.send(mailbox, { method: "GET", path: next })).body);
      out.push(...page.value);
      next = page.next === undefined ? undefined : this.http.toPath(page.next);
    }
    return out;
  }

  // ── profile ────────────────────────────────────────────────────────────────────────────────────────────────

  /** The profile test: `GET /users/{mailbox}` (app tokens cannot use /me). */
  async getProfile(mailbox: string): Promise<UserProfile> {
    const path = `${this.user(mailbox)}${query({ $select: "id,displayName,userPrincipalName,mail" })}`;
    return this.json(mailbox, "GET", path, (b) => parseGraph(userProfileSchema, b, "user"));
  }

  /** The delegated profile test: `GET /me` with the token of the user signed in for `mailbox` (app tokens get 400). */
  async getSignedInProfile(mailbox: string): Promise<UserProfile> {
    if (!mailbox) throw new PermanentError("invalid_mailbox", "mailbox is empty");
    const path = `/me${query({ $select: "id,displayName,userPrincipalName,mail" })}`;
    return this.json(mailbox, "GET", path, (b) => parseGraph(userProfileSchema, b, "user"));
  }

  // ── mailbox settings ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * `GET /users/{mailbox}/mailboxSettings/timeZone` (MailboxSettings.Read): the zone the user chose in Outlook, named
   * as Graph returns it ("Pacific Standard Time"; IANA when the administrator set that format). A 403 (permission not
   * granted or consented) is returned as `denied` with Graph's message; any other failure is thrown as usual.
   */
  async readMailboxTimeZone(mailbox: string): Promise<MailboxZoneRead> {
    try {
      const body = await this.json(mailbox, "GET", `${this.user(mailbox)}/mailboxSettings/timeZone`, (b) =>
        parseGraph(mailboxTimeZoneSchema, b, "mailboxSettings.timeZone"),
      );
      return { timeZone: body.value };
    } catch (error) {
      if (error instanceof AuthError && error.cause instanceof GraphHttpErrorDetails && error.cause.status === 403)
        return { denied: error.message };
      throw error;
    }
  }

  // ── events ─────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * POST /users/{mailbox}/events. With `transactionId` Graph returns the first event to a repeated create, so a 429 or
   * 503 is retried here; without one only a 429 is (a 503 may come after Graph created it: no blind second create).
   */
  async createEvent(mailbox: string, event: Record<string, unknown> & { transactionId?: string }): Promise<GraphEvent> {
    const deduplicated = typeof event.transactionId === "string" && event.transactionId !== "";
    return this.json(
      mailbox,
      "POST",
      `${this.user(mailbox)}/events`,
      (b) => parseGraph(eventSchema, b, "event"),
      event,
      undefined,
      deduplicated ? undefined : RETRY_THROTTLED_ONLY,
    );
  }

  /** The event with our extended property expanded; undefined when it no longer exists. */
  async getEvent(
    mailbox: string,
    id: string,
    options: { extendedPropertyId?: string } = {},
  ): Promise<GraphEvent | undefined> {
    const path = `${this.user(mailbox)}/events/${seg(id)}${query({ $expand: expandExtendedProperty(options.extendedPropertyId) })}`;
    try {
      return await this.json(mailbox, "GET", path, (b) => parseGraph(eventSchema, b, "event"));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** PATCH; with `ifMatch` (an @odata.etag) a concurrent edit makes Graph answer 412 → PermanentError "precondition_failed". */
  async updateEvent(
    mailbox: string,
    id: string,
    patch: Record<string, unknown>,
    options: { ifMatch?: string } = {},
  ): Promise<GraphEvent> {
    const headers = options.ifMatch ? { "If-Match": options.ifMatch } : undefined;
    return this.json(
      mailbox,
      "PATCH",
      `${this.user(mailbox)}/events/${seg(id)}`,
      (b) => parseGraph(eventSchema, b, "event"),
      patch,
      headers,
    );
  }

  /** DELETE; `deleted: false` when the event was already gone. */
  async deleteEvent(mailbox: string, id: string, options: { ifMatch?: string } = {}): Promise<{ deleted: boolean }> {
    return this.deleteIfPresent(mailbox, `${this.user(mailbox)}/events/${seg(id)}`, options.ifMatch);
  }

  /**
   * One calendarView delta round for the primary calendar, from a window (start/end ISO 8601, fixed into the token
   * by Graph) or from a saved deltaLink. Returns the changes and the final deltaLink; saves nothing.
   */
  async readCalendarDelta(
    mailbox: string,
    from: DeltaStart,
    options: DeltaOptions = {},
  ): Promise<DeltaResult<GraphEvent>> {
    const path =
      "deltaUrl" in from
        ? this.http.toPath(from.deltaUrl)
        : `${this.user(mailbox)}/calendarView/delta${query({ startDateTime: from.start, endDateTime: from.end })}`;
    return readDeltaRound(this.http, mailbox, path, eventSchema, options);
  }

  // ── subscriptions ──────────────────────────────────────────────────────────────────────────────────────────

  /** POST /subscriptions. Only a 429 is retried here: after a 503 a second POST could leave a second subscription. */
  async createSubscription(mailbox: string, input: SubscriptionInput): Promise<Subscription> {
    return this.json(
      mailbox,
      "POST",
      "/subscriptions",
      (b) => parseGraph(subscriptionSchema, b, "subscription"),
      input,
      undefined,
      RETRY_THROTTLED_ONLY,
    );
  }

  /** PATCH expirationDateTime. */
  async renewSubscription(mailbox: string, id: string, expirationDateTime: string): Promise<Subscription> {
    return this.json(
      mailbox,
      "PATCH",
      `/subscriptions/${seg(id)}`,
      (b) => parseGraph(subscriptionSchema, b, "subscription"),
      {
        expirationDateTime,
      },
    );
  }

  async getSubscription(mailbox: string, id: string): Promise<Subscription | undefined> {
    try {
      return await this.json(mailbox, "GET", `/subscriptions/${seg(id)}`, (b) =>
        parseGraph(subscriptionSchema, b, "subscription"),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async deleteSubscription(mailbox: string, id: string): Promise<{ deleted: boolean }> {
    return this.deleteIfPresent(mailbox, `/subscriptions/${seg(id)}`);
  }

  // ── To Do ──────────────────────────────────────────────────────────────────────────────────────────────────

  async listTodoLists(mailbox: string): Promise<TodoTaskList[]> {
    const schema = collectionSchema(todoTaskListSchema);
    return this.listAll(mailbox, `${this.user(mailbox)}/todo/lists`, (b) => {
      const page = parseGraph(schema, b, "todoTaskList collection");
      return { value: page.value, ...(page["@odata.nextLink"] ? { next: page["@odata.nextLink"] } : {}) };
    });
  }

  /** The list named `displayName` (exact match first, else the only case-insensitive match); undefined if none. */
  async findTodoList(mailbox: string, displayName: string): Promise<TodoTaskList | undefined> {
    const lists = await this.listTodoLists(mailbox);
    const exact = lists.find((l) => l.displayName === displayName);
    if (exact) return exact;
    const loose = lists.filter((l) => l.displayName.toLowerCase() === displayName.toLowerCase());
    return loose.length === 1 ? loose[0] : undefined;
  }

  private tasksPath(mailbox: string, listId: string): string {
    return `${this.user(mailbox)}/todo/lists/${seg(listId)}/tasks`;
  }

  /** POST a task. To Do has no transactionId: only a 429 is retried here (after a 503 it may exist already). */
  async createTask(mailbox: string, listId: string, task: Record<string, unknown>): Promise<TodoTask> {
    return this.json(
      mailbox,
      "POST",
      this.tasksPath(mailbox, listId),
      (b) => parseGraph(todoTaskSchema, b, "todoTask"),
      task,
      undefined,
      RETRY_THROTTLED_ONLY,
    );
  }

  async getTask(mailbox: string, listId: string, taskId: string): Promise<TodoTask | undefined> {
    const path = `${this.tasksPath(mailbox, listId)}/${seg(taskId)}${query({ $expand: "linkedResources" })}`;
    try {
      return await this.json(mailbox, "GET", path, (b) => parseGraph(todoTaskSchema, b, "todoTask"));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async updateTask(
    mailbox: string,
    listId: string,
    taskId: string,
    patch: Record<string, unknown>,
    options: { ifMatch?: string } = {},
  ): Promise<TodoTask> {
    const headers = options.ifMatch ? { "If-Match": options.ifMatch } : undefined;
    const path = `${this.tasksPath(mailbox, listId)}/${seg(taskId)}`;
    return this.json(mailbox, "PATCH", path, (b) => parseGraph(todoTaskSchema, b, "todoTask"), patch, headers);
  }

  async deleteTask(mailbox: string, listId: string, taskId: string): Promise<{ deleted: boolean }> {
    return this.deleteIfPresent(mailbox, `${this.tasksPath(mailbox, listId)}/${seg(taskId)}`);
  }

  /** One tasks delta round for a list (from the start, or from a saved deltaLink). */
  async readTasksDelta(
    mailbox: string,
    from: { listId: string } | { deltaUrl: string },
    options: DeltaOptions = {},
  ): Promise<DeltaResult<TodoTask>> {
    const path = "deltaUrl" in from ? this.http.toPath(from.deltaUrl) : `${this.tasksPath(mailbox, from.listId)}/delta`;
    return readDeltaRound(this.http, mailbox, path, todoTaskSchema, options);
  }

  // ── mail ───────────────────────────────────────────────────────────────────────────────────────────────────
  // Every mail POST is tried once (TRY_ONCE): a 429/503 surfaces at once as a TransientError with retryAfterMs and
  // nothing sleeps. After a 503 or a timeout the mail may have gone out; the email use case schedules a copy of its
  // message and, on that delivery, searches the mailbox for the tagged mail (or draft) before sending anything.

  /** POST sendMail (202, no body). Attachments inline here must keep the request under 3 MB (else use a draft). */
  async sendMail(
    mailbox: string,
    message: Record<string, unknown>,
    options: { saveToSentItems?: boolean } = {},
  ): Promise<void> {
    await this.http.send(mailbox, {
      method: "POST",
      path: `${this.user(mailbox)}/sendMail`,
      body: { message, saveToSentItems: options.saveToSentItems ?? true },
      retry: TRY_ONCE,
    });
  }

  /** POST /messages: a draft, for large attachments (upload session) before /send. */
  async createDraft(mailbox: string, message: Record<string, unknown>): Promise<{ id: string }> {
    return this.json(
      mailbox,
      "POST",
      `${this.user(mailbox)}/messages`,
      (b) => parseGraph(messageSchema, b, "message"),
      message,
      undefined,
      TRY_ONCE,
    );
  }

  async createUploadSession(
    mailbox: string,
    messageId: string,
    attachment: UploadSessionInput,
  ): Promise<UploadSession> {
    const path = `${this.user(mailbox)}/messages/${seg(messageId)}/attachments/createUploadSession`;
    const body = { AttachmentItem: { attachmentType: "file", ...attachment } };
    // A repeated createUploadSession would only leave an unused session, but the email path never sleeps: once.
    const parse = (b: unknown) => parseGraph(uploadSessionSchema, b, "uploadSession");
    return this.json(mailbox, "POST", path, parse, body, undefined, TRY_ONCE);
  }

  /**
   * PUTs `bytes` to an upload session in ranges of ≤ 4 MB. The upload URL carries its own token: no Authorization
   * header is sent (Graph documents that sending one fails the upload). Holds one of the mailbox's permits per PUT.
   */
  async uploadAttachment(
    mailbox: string,
    uploadUrl: string,
    bytes: Uint8Array,
    chunkBytes = UPLOAD_CHUNK_BYTES,
  ): Promise<void> {
    for (let start = 0; start < bytes.length || (start === 0 && bytes.length === 0); start += chunkBytes) {
      await uploadRange(
        this,
        mailbox,
        uploadUrl,
        bytes.subarray(start, Math.min(bytes.length, start + chunkBytes)),
        start,
        bytes.length,
      );
      if (bytes.length === 0) break;
    }
  }

  /** POST /messages/{id}/send (202). */
  async sendDraft(mailbox: string, messageId: string): Promise<void> {
    await this.http.send(mailbox, {
      method: "POST",
      path: `${this.user(mailbox)}/messages/${seg(messageId)}/send`,
      retry: TRY_ONCE,
    });
  }

  // ── $batch ─────────────────────────────────────────────────────────────────────────────────────────────────

  /** Runs requests for one mailbox through JSON batching (see runBatch). */
  async batch(mailbox: string, requests: BatchRequest[], options?: BatchOptions): Promise<BatchResult[]> {
    return runBatch(this.http, mailbox, requests, options);
  }

  private async deleteIfPresent(mailbox: string, path: string, ifMatch?: string): Promise<{ deleted: boolean }> {
    try {
      await this.http.send(mailbox, {
        method: "DELETE",
        path,
        ...(ifMatch ? { headers: { "If-Match": ifMatch } } : {}),
      });
      return { deleted: true };
    } catch (error) {
      if (isNotFound(error)) return { deleted: false };
      throw error;
    }
  }

  // ── To Do, for the task sync (issue 11) ────────────────────────────────────────────────────────────────────

  /** Every task of a list with its linkedResources (pages followed), e.g. to find the one carrying an ERP key. */
  async listTasks(mailbox: string, listId: string): Promise<TodoTask[]> {
    const schema = collectionSchema(todoTaskSchema);
    return this.listAll(mailbox, `${this.tasksPath(mailbox, listId)}${query({ $expand: "linkedResources" })}`, (b) => {
      const page = parseGraph(schema, b, "todoTask collection");
      return { value: page.value, ...(page["@odata.nextLink"] ? { next: page["@odata.nextLink"] } : {}) };
    });
  }
}
