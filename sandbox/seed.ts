// The sandbox's small tenant: mailboxes in the Graph simulator, their Users rows (covering the switches, two
// companies, a user without the COINS task list), the ERP action types, and a few events and tasks in the window.
import type { GraphSim, SimSeed } from "../test/graph-sim/index.js";
import { defaultSeed } from "../test/graph-sim/index.js";
import type { ActionType } from "../shared/adapters/tables/actionTypesTable.js";
import type { UserInput } from "../shared/adapters/tables/usersTable.js";

export interface SandboxUser extends Required<Omit<UserInput, "userId">> {
  user: string;
}

export const TASK_LIST = "COINS";

export const SANDBOX_USERS: readonly SandboxUser[] = [
  {
    user: "JSMITH",
    mailbox: "jsmith@contoso.test",
    defaultCompany: "1",
    emails: true,
    syncAppointments: true,
    appointmentsFromOutlook: true,
    syncTasks: true,
    tasksFromOutlook: true,
  },
  {
    user: "ADOE",
    mailbox: "adoe@contoso.test",
    defaultCompany: "2",
    emails: true,
    syncAppointments: true,
    appointmentsFromOutlook: false,
    syncTasks: true, // ADOE has no COINS list: the admin page shows "no task list"
    tasksFromOutlook: false,
  },
  {
    user: "MBROWN",
    mailbox: "mbrown@fabrikam.test",
    defaultCompany: "2",
    emails: true,
    syncAppointments: false,
    appointmentsFromOutlook: false,
    syncTasks: false,
    tasksFromOutlook: false,
  },
];

export const SANDBOX_ACTION_TYPES: readonly ActionType[] = [
  { company: "1", code: "MEET", description: "Meeting" },
  { company: "1", code: "VISIT", description: "Site visit" },
  { company: "1", code: "TODO", description: "To do" },
  { company: "2", code: "MEET", description: "Meeting" },
  { company: "2", code: "INSP", description: "Inspection" },
  { company: "2", code: "TODO", description: "To do" },
];

/** The simulator's tenant: the default app registration, one mailbox per sandbox user. */
export function sandboxTenant(): SimSeed {
  const base = defaultSeed();
  return {
    ...base,
    mailboxes: [
      {
        id: "a1b2c3d4-0001-4000-8000-00000000a001",
        userPrincipalName: "jsmith@contoso.test",
        displayName: "John Smith",
        mail: "jsmith@contoso.test",
        todoLists: [
          { displayName: "Tasks", wellknownListName: "defaultList" },
          { displayName: TASK_LIST, wellknownListName: "none" },
        ],
        categories: ["Meeting", "Site visit", "Personal"],
      },
      {
        id: "a1b2c3d4-0002-4000-8000-00000000a002",
        userPrincipalName: "adoe@contoso.test",
        displayName: "Ann Doe",
        mail: "adoe@contoso.test",
        todoLists: [{ displayName: "Tasks", wellknownListName: "defaultList" }],
        categories: ["Meeting", "Inspection"],
      },
      {
        id: "a1b2c3d4-0003-4000-8000-00000000a003",
        userPrincipalName: "mbrown@fabrikam.test",
        displayName: "Mary Brown",
        mail: "mbrown@fabrikam.test",
        todoLists: [
          { displayName: "Tasks", wellknownListName: "defaultList" },
          { displayName: TASK_LIST, wellknownListName: "none" },
        ],
        categories: ["Meeting"],
      },
    ],
  };
}

const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, ".0000000");

/** A few Outlook items in the sync window, made the way a person makes them (no ERP key). */
export function seedOutlookItems(sim: GraphSim, now: Date): void {
  const nine = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 9);
  const events: [string, string, number, number, string[]][] = [
    ["jsmith@contoso.test", "Site visit Riverside", nine + day, nine + day + 2 * 3_600_000, ["Site visit"]],
    ["jsmith@contoso.test", "Dentist", nine + 2 * day, nine + 2 * day + 3_600_000, ["Personal"]],
    ["adoe@contoso.test", "Weekly planning", nine + 3 * day, nine + 3 * day + 3_600_000, ["Meeting"]],
  ];
  for (const [mailbox, subject, start, end, categories] of events)
    sim.createEvent(mailbox, {
      subject,
      start: { dateTime: iso(start), timeZone: "UTC" },
      end: { dateTime: iso(end), timeZone: "UTC" },
      categories,
    });
  const coins = sim.todoLists("jsmith@contoso.test").find((l) => l.displayName === TASK_LIST);
  if (coins) sim.createTask("jsmith@contoso.test", coins.id, { title: "Order scaffolding", status: "notStarted" });
}
