// Table clients: prefixed names, table created on first open, plain http allowed only for loopback endpoints.
import { describe, expect, it, inject } from "vitest";
import { TableServiceClient } from "@azure/data-tables";
import { isLoopbackHttp, openTable, tableNameFor } from "../../../shared/adapters/tables/tableClients.js";
import { uniquePrefix } from "./tableTestOptions.js";

describe("tableClients", () => {
  it.each([
    ["UseDevelopmentStorage=true", true],
    ["DefaultEndpointsProtocol=http;AccountName=a;AccountKey=k;TableEndpoint=http://127.0.0.1:10002/a;", true],
    ["AccountName=a;AccountKey=k;TableEndpoint=http://localhost:10002/a", true],
    ["AccountName=a;AccountKey=k;TableEndpoint=http://[::1]:10002/a", true],
    ["AccountName=a;AccountKey=k;TableEndpoint=http://10.1.2.3:10002/a", false],
    ["DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k;EndpointSuffix=core.windows.net", false],
    ["TableEndpoint=https://127.0.0.1:10002/a;SharedAccessSignature=sv=x", false],
  ])("isLoopbackHttp(%s) = %s", (cs, expected) => {
    expect(isLoopbackHttp(cs)).toBe(expected);
  });

  it("names tables `${prefix}${Name}` and creates them on first open (idempotently)", async () => {
    const connectionString = inject("storageConnectionString");
    const prefix = uniquePrefix("clients");
    expect(tableNameFor("Users", prefix)).toBe(`${prefix}Users`);
    const a = await openTable({ connectionString, tablePrefix: prefix }, "ActionTypes");
    const b = await openTable({ connectionString, tablePrefix: prefix }, "ActionTypes");
    expect(a.tableName).toBe(`${prefix}ActionTypes`);
    await b.upsertEntity({ partitionKey: "1", rowKey: "X", description: "x" });
    const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
    const names: string[] = [];
    for await (const t of service.listTables({ queryOptions: { filter: `TableName eq '${prefix}ActionTypes'` } }))
      names.push(t.name ?? "");
    expect(names).toEqual([`${prefix}ActionTypes`]);
  });
});
