// The checked-in JSON Schemas in schemas/ must equal what the zod contracts generate now.
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildJsonSchemaFiles } from "../../../shared/domain/messages/jsonSchemas.js";

const dir = join(process.cwd(), "schemas");

describe("JSON Schemas in schemas/", () => {
  const generated = buildJsonSchemaFiles();

  it("are current (run `npm run schemas` when this fails)", () => {
    expect(Object.keys(generated).sort()).toEqual([
      "erp-inbound.schema.json",
      "msgraph-pull.schema.json",
      "msgraph-push.schema.json",
    ]);
    for (const [name, text] of Object.entries(generated)) {
      const path = join(dir, name);
      const onDisk = existsSync(path) ? readFileSync(path, "utf8") : "<missing>";
      expect(onDisk, `schemas/${name} is stale: run npm run schemas`).toBe(text);
    }
    const stray = readdirSync(dir).filter((f) => f.endsWith(".schema.json") && !(f in generated));
    expect(stray, "schemas/ has files no contract generates: run npm run schemas and delete them").toEqual([]);
  });

  it("describe what the ERP must send: offsets required, email keyed, kinds listed", () => {
    const push = JSON.parse(generated["msgraph-push.schema.json"] ?? "{}") as { oneOf: unknown[] };
    const text = JSON.stringify(push);
    expect(push.oneOf).toHaveLength(4);
    expect(text).toContain('"format":"date-time"');
    expect(text).toContain('"messageKey"');
    expect(JSON.stringify(JSON.parse(generated["erp-inbound.schema.json"] ?? "{}"))).toContain('"FAILED"');
  });
});
