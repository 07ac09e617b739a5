// Vitest global setup: one Azurite for the whole run; its connection string is provided to every test file.
import type { TestProject } from "vitest/node";
import type {} from "vitest";
import { startAzurite } from "./harness/azurite.js";

declare module "vitest" {
  export interface ProvidedContext {
    storageConnectionString: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite(process.cwd());
  project.provide("storageConnectionString", azurite.connectionString);
  return () => azurite.stop();
}
