// ActionTypes (PK company, RK code, description): which Outlook category maps to which ERP action type.
import type { TableClient } from "@azure/data-tables";
import { PermanentError } from "../../domain/errors.js";
import { checkKeyLength, decodeKeyPart, encodeKeyPart } from "./keys.js";
import { openTable, type TableStoreOptions } from "./tableClients.js";
import { isNotFound } from "./updateWithEtag.js";

export interface ActionType {
  company: string;
  code: string;
  description: string;
}

/** Comparison form of a description/category: trimmed, inner whitespace collapsed, case-folded. */
export const normalizeDescription = (s: string): string => s.trim().replace(/\s+/g, " ").toLocaleLowerCase("en");

const keyPart = (what: string, v: string): string => {
  const t = String(v).trim();
  if (!t) throw new PermanentError("invalid_action_type", `${what} is required`);
  const k = encodeKeyPart(t);
  return checkKeyLength(k, what);
};

const odataString = (s: string) => `'${s.replace(/'/g, "''")}'`;

export class ActionTypesTable {
  constructor(readonly client: TableClient) {}

  static async open(options: TableStoreOptions): Promise<ActionTypesTable> {
    return new ActionTypesTable(await openTable(options, "ActionTypes"));
  }

  /** Action types of one company, ordered by code (rows without a description are skipped). */
  async listByCompany(company: string): Promise<ActionType[]> {
    const pk = keyPart("company", company);
    const out: ActionType[] = [];
    const rows = this.client.listEntities<{ description?: unknown }>({
      queryOptions: { filter: `PartitionKey eq ${odataString(pk)}` },
    });
    for await (const row of rows) {
      const description = typeof row.description === "string" ? row.description.trim() : "";
      if (!description) continue;
      out.push({ company: String(company).trim(), code: decodeKeyPart(row.rowKey ?? ""), description });
    }
    return out.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }

  /**
   * The action type of `company` whose description equals `description` (case-insensitive, trimmed, whitespace
   * collapsed); undefined when none. When several match, the lowest code wins (deterministic).
   */
  async findByDescription(company: string, description: string): Promise<ActionType | undefined> {
    const wanted = normalizeDescription(description);
    if (!wanted) return undefined;
    return (await this.listByCompany(company)).find((a) => normalizeDescription(a.description) === wanted);
  }

  /** Removes one action type; false when there was none. */
  async remove(company: string, code: string): Promise<boolean> {
    try {
      await this.client.deleteEntity(keyPart("company", company), keyPart("code", code));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Makes `company`'s rows exactly `actionTypes` (each upserted, every other row of the company removed, rows without a
   * description included). Idempotent: a redelivered list gives the same table.
   */
  async replaceCompany(
    company: string,
    actionTypes: readonly { code: string; description: string }[],
  ): Promise<{ upserted: number; removed: number }> {
    const pk = keyPart("company", company);
    const wanted = new Set(actionTypes.map((a) => keyPart("code", a.code)));
    for (const a of actionTypes) await this.upsert({ company, code: a.code, description: a.description });
    let removed = 0;
    const rows = this.client.listEntities({ queryOptions: { filter: `PartitionKey eq ${odataString(pk)}` } });
    for await (const row of rows) {
      if (wanted.has(row.rowKey ?? "")) continue;
      try {
        await this.client.deleteEntity(pk, row.rowKey ?? "");
        removed++;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return { upserted: actionTypes.length, removed };
  }

  /** Creates or replaces one action type (seeding, tests, an ERP export). */
  async upsert(actionType: ActionType): Promise<void> {
    await this.client.upsertEntity(
      {
        partitionKey: keyPart("company", actionType.company),
        rowKey: keyPart("code", actionType.code),
        description: actionType.description,
      },
      "Replace",
    );
  }
}
