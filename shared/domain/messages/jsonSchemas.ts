// JSON Schema documents of the three queue contracts, generated from the zod schemas (written to schemas/).
import * as z from "zod";
import { inboundMessage } from "./inboundMessage.js";
import { pullMessage } from "./pullMessage.js";
import { pushMessage } from "./pushMessage.js";

const contracts = {
  "msgraph-push": pushMessage,
  "msgraph-pull": pullMessage,
  "erp-inbound": inboundMessage,
} as const;

/** File name → file text (pretty JSON with a trailing newline), exactly as `npm run schemas` writes it. */
export function buildJsonSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [queue, schema] of Object.entries(contracts)) {
    const doc = {
      ...z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" }),
      $id: `${queue}.schema.json`,
      title: queue,
    };
    files[`${queue}.schema.json`] = JSON.stringify(doc, null, 2) + "\n";
  }
  return files;
}
