// A user's health at a glance on the admin page: ok, or needs attention with the reasons (pure).
export type HealthState = "ok" | "attention";

export interface HealthInput {
  valid: boolean;
  status: string | undefined;
  lastError: string | undefined;
  syncAppointments: boolean;
  syncTasks: boolean;
  grantedScopes: string | undefined;
  /** Per resource: undefined = no subscription. */
  events: { expired: boolean } | undefined;
  todoTasks: { expired: boolean } | undefined;
}

export interface Health {
  state: HealthState;
  reasons: string[];
}

const STATUS_REASONS: Record<string, string> = {
  invalid: "invalid row",
  needs_sign_in: "needs sign-in",
  auth_required: "auth required",
  no_task_list: "no task list",
  mailbox_not_found: "mailbox not found",
  error: "last sync failed",
};

export function userHealth(u: HealthInput): Health {
  const reasons: string[] = [];
  if (!u.valid) reasons.push("invalid row");
  else {
    const byStatus = u.status ? STATUS_REASONS[u.status] : undefined;
    if (byStatus && !reasons.includes(byStatus)) reasons.push(byStatus);
    if (u.syncAppointments) {
      if (!u.events) reasons.push("calendar subscription missing");
      else if (u.events.expired) reasons.push("calendar subscription expired");
    }
    // To Do notifications exist for signed-in (delegated) users only; in application mode the list is polled.
    if (u.syncTasks && u.grantedScopes && u.todoTasks?.expired) reasons.push("task subscription expired");
  }
  if (u.lastError && reasons.length === 0) reasons.push("last error");
  return { state: reasons.length ? "attention" : "ok", reasons };
}
