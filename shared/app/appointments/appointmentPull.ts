// Appointments in the shared pull (sync/pullRound): the calendar as the items, the appointment pull rules with the
// run's window and the action types of the companies involved.
import { appointmentKind } from "../../domain/appointments/appointmentKind.js";
import { appointmentPullRules } from "../../domain/appointments/appointmentPullRules.js";
import type { PartialEvent } from "../../domain/appointments/graphEvent.js";
import type { ActionType, InboundAppointmentData, OutlookEvent } from "../../domain/appointments/types.js";
import type { Link } from "../../domain/sync/link.js";
import type { PullItemContext } from "../../domain/sync/pullItem.js";
import { pullContext, type PullKindOf, type PullRun } from "../sync/planPullRound.js";
import { eventGateway } from "./handleAppointmentPush.js";

/** The action types of the user's default company and of every linked company (the gate matches in those). */
async function actionTypesFor(run: PullRun, links: Iterable<Link>): Promise<ActionType[]> {
  const companies = new Set<string>();
  if (run.user.defaultCompany) companies.add(run.user.defaultCompany.trim());
  for (const l of links) companies.add(l.kco);
  const lists = await Promise.all([...companies].map((c) => run.deps.actionTypes.listByCompany(c)));
  return lists.flat();
}

/** The appointment kind for one pull run over `links` (the user's appointment links, by event id). */
export async function appointmentPull(
  run: PullRun,
  links: Map<string, Link>,
): Promise<{ app: PullKindOf<OutlookEvent, InboundAppointmentData, PartialEvent>; ctx: PullItemContext }> {
  const actionTypes = await actionTypesFor(run, links.values());
  const ctx = pullContext(run.user, links, run.now);
  const app = {
    kind: appointmentKind,
    rules: appointmentPullRules({ window: run.window, actionTypes }),
    items: eventGateway(run.deps, run.user),
  };
  return { app, ctx };
}
