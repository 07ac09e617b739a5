// The sync window of now from the settings (EVENT_DAYS_BACK, EVENT_DAYS_FORWARD): the scope every kind is judged in.
import { syncWindow, type SyncWindow } from "../../domain/window.js";
import type { AppDeps } from "../appDeps.js";

export const currentWindow = (deps: Pick<AppDeps, "config">, now: Date): SyncWindow =>
  syncWindow(now, deps.config.eventDaysBack, deps.config.eventDaysForward);
