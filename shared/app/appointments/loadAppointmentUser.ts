// Loads the Users row an appointment message names (the shared loadUser), and whether any appointment switch is on.
import type { UserSettings } from "../../domain/users/userSettings.js";
import { loadUser } from "../sync/loadUser.js";

export const loadAppointmentUser = loadUser;

/** Whether any appointment direction is on for the user. */
export const anyAppointmentSwitch = (u: UserSettings): boolean => u.syncAppointments || u.appointmentsFromOutlook;
