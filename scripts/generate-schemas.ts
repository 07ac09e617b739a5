// Writes schemas/*.schema.json from the zod message contracts (`npm run schemas`); a test fails when they are stale.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildJsonSchemaFiles } from "../shared/domain/messages/jsonSchemas.js";

const outDir = join(dirname(fileURLToPath(import.meta.url)), "..", "schemas");
mkdirSync(outDir, { recursive: true });
for (const [name, text] of Object.entries(buildJsonSchemaFiles())) {
  writeFileSync(join(outDir, name), text);
  console.log(`wrote schemas/${name}`);
}
