// The msgraph-pull handler registry: one use case per source, each given the app's dependencies.
import type { AppDeps } from "./appDeps.js";
import type { PullHandlers } from "./dispatchPull.js";
import { confirmOutlookDelete } from "./sync/confirmOutlookDelete.js";
import { pullAppointments } from "./appointments/pullAppointments.js";
import { resyncAppointments } from "./appointments/resyncAppointments.js";
import { handleLifecycle } from "./subscriptions/handleLifecycle.js";
import { pullTasks } from "./tasks/pullTasks.js";
import { resyncTasks } from "./tasks/resyncTasks.js";

/** Sources without an entry are set aside by the dispatcher as "not handled by this version". */
export function buildPullHandlers(deps: AppDeps): PullHandlers {
  return {
    MSEVENT: (message, ctx) => pullAppointments(deps, message, ctx),
    MSTASK: (message, ctx) => pullTasks(deps, message, ctx),
    TASKPOLL: (message, ctx) => pullTasks(deps, message, ctx),
    // One RESYNC covers both kinds: the calendar first (a failure stops here and the redelivery redoes both), then To Do.
    RESYNC: async (message, ctx) => {
      await resyncAppointments(deps, message, ctx);
      await resyncTasks(deps, message, ctx);
    },
    LIFECYCLE: async (message, ctx) => void (await handleLifecycle(deps, message, ctx)),
    CONFIRMDELETE: (message, ctx) => confirmOutlookDelete(deps, message, ctx),
  };
}
