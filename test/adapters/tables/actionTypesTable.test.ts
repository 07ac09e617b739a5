// ActionTypes against Azurite: list per company, find by description case-insensitively and trimmed.
import { beforeAll, describe, expect, it } from "vitest";
import { ActionTypesTable } from "../../../shared/adapters/tables/actionTypesTable.js";
import { azuriteOptions } from "./tableTestOptions.js";

let types: ActionTypesTable;

beforeAll(async () => {
  types = await ActionTypesTable.open(azuriteOptions("acttyp"));
  for (const [company, code, description] of [
    ["1", "MEET", "Meeting"],
    ["1", "SITE", "Site visit"],
    ["1", "CALL", "  Phone call "],
    ["2", "MEET", "Vergadering"],
  ] as const)
    await types.upsert({ company, code, description });
  await types.client.upsertEntity({ partitionKey: "1", rowKey: "EMPTY" }); // a row an admin left without description
});

describe("ActionTypesTable", () => {
  it("lists one company's action types ordered by code, skipping rows without description", async () => {
    expect(await types.listByCompany("1")).toEqual([
      { company: "1", code: "CALL", description: "Phone call" },
      { company: "1", code: "MEET", description: "Meeting" },
      { company: "1", code: "SITE", description: "Site visit" },
    ]);
    expect(await types.listByCompany("3")).toEqual([]);
  });

  it.each([
    ["1", "Meeting", "MEET"],
    ["1", "meeting", "MEET"],
    ["1", "  MEETING  ", "MEET"],
    ["1", "site   visit", "SITE"],
    ["1", "phone call", "CALL"],
    ["2", "vergadering", "MEET"],
    ["2", "Meeting", undefined],
    ["1", "Lunch", undefined],
    ["1", "   ", undefined],
  ])("company %s, category %j → %s", async (company, category, code) => {
    expect((await types.findByDescription(company, category))?.code).toBe(code);
  });
});
