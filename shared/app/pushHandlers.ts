// The msgraph-push handler registry: one use case per message kind, each given the app's dependencies.
import type { AppDeps } from "./appDeps.js";
import type { PushHandlers } from "./dispatchPush.js";
import { handleActionTypePush } from "./actionTypes/handleActionTypePush.js";
import { handleAppointmentPush } from "./appointments/handleAppointmentPush.js";
import { handleEmailPush } from "./email/sendEmail.js";
import { handleTaskPush } from "./tasks/handleTaskPush.js";

/** Kinds without an entry are set aside by the dispatcher as "not handled by this version". */
export function buildPushHandlers(deps: AppDeps): PushHandlers {
  return {
    appointment: (message, ctx) => handleAppointmentPush(deps, message, ctx),
    task: (message, ctx) => handleTaskPush(deps, message, ctx),
    email: (message, ctx) => handleEmailPush(deps, message, ctx),
    actionType: (message, ctx) => handleActionTypePush(deps, message, ctx),
  };
}
