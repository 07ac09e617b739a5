// The msgraph-pull handler registry: one use case per source, each given the app's dependencies.
import type { AppDeps } from "./appDeps.js";
import type { PullHandlers } from "./dispatchPull.js";

/** Sources without an entry are set aside by the dispatcher as "not handled by this version". */
export function buildPullHandlers(_deps: AppDeps): PullHandlers {
  return {
    // MSEVENT: (message, ctx) => pullAppointments(deps, message, ctx),
    // RESYNC: (message, ctx) => resyncUser(deps, message, ctx),
    // LIFECYCLE: (message, ctx) => handleLifecycle(deps, message, ctx),
  };
}
