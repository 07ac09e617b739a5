// The simulator's shared context: state, identity, faults, subscriptions, and the options handlers read.
import type { Faults } from "./faults.js";
import type { Identity } from "./identity.js";
import type { Store } from "./store.js";
import type { SimSeed } from "./seed.js";
import type { Subscriptions } from "./subscriptions.js";
import type { Uploads } from "./mail.js";

export interface SimOptions {
  /** "full" (default): updated delta items carry the whole event; "changedOnly": only id, etag and changed properties */
  deltaUpdates: "full" | "changedOnly";
  /** default page size of delta and list calls without Prefer: odata.maxpagesize */
  defaultPageSize: number;
  /** validation handshake timeout (Graph: 10 s) */
  handshakeTimeoutMs: number;
  /** a notification answered slower than this counts as failed (Graph: 3 s) */
  notificationTimeoutMs: number;
  /** first retry delay of a failed notification; doubles each attempt */
  notificationRetryBaseMs: number;
  /** attempts per notification before it is given up (then a `missed` lifecycle event goes to lifecycleNotificationUrl, if any) */
  notificationMaxAttempts: number;
  /** a calendarView delta token (deltaLink or nextLink) older than this (simulator clock) → 410 syncStateNotFound */
  deltaTokenMaxAgeMs: number;
  /** changes within this many ms of the first are delivered together, one POST per subscription (Graph batches) */
  notificationBatchMs: number;
}

export interface SimCore {
  seed: SimSeed;
  store: Store;
  identity: Identity;
  faults: Faults;
  subs: Subscriptions;
  uploads: Uploads;
  opts: SimOptions;
  baseUrl: string;
  graphUrl: string;
  /** simulated clock offset (ms) for subscription expiry and delta-token age */
  clockOffsetMs: number;
  now(): number;
}
