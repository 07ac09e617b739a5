// Every %SETTING% a trigger registration names must be a required setting: the Functions host resolves it from app
// settings itself, so a schema default would pass validation while the trigger fails to load.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../shared/config/config.js";

const functionsDir = new URL("../../functions/", import.meta.url);
const referenced = [
  ...new Set(
    readdirSync(functionsDir)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => [...readFileSync(new URL(f, functionsDir), "utf8").matchAll(/"%([A-Za-z0-9_]+)%"/g)])
      .map((m) => m[1]!),
  ),
].sort();
const sample = JSON.parse(readFileSync(new URL("../../local.settings.sample.json", import.meta.url), "utf8")) as {
  Values: Record<string, string>;
};

describe("settings referenced by trigger registrations", () => {
  it("finds the trigger settings in the function files", () => {
    expect(referenced).toEqual(["NIGHTLY_SCHEDULE", "PULL_QUEUE", "PUSH_QUEUE", "TASK_POLL_SCHEDULE"]);
  });

  it.each(referenced)("%s is required: leaving it out is a settings error naming it", (name) => {
    const env = { ...sample.Values };
    delete env[name];
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([expect.objectContaining({ setting: name })]);
  });
});

describe("the sample's webhook URLs", () => {
  const routeOf = (file: string) =>
    /route: "([^"]+)"/.exec(readFileSync(new URL(file, functionsDir), "utf8"))?.[1] ?? "(no route)";

  it.each([
    ["WEBHOOK_URL", "graphWebhook.ts"],
    ["LIFECYCLE_WEBHOOK_URL", "graphLifecycle.ts"],
  ])("%s points at the route %s registers (under the host's /api prefix)", (setting, file) => {
    const config = loadConfig(sample.Values);
    const url = new URL(setting === "WEBHOOK_URL" ? config.webhookUrl : config.lifecycleWebhookUrl);
    expect(url.pathname).toBe(`/api/${routeOf(file)}`);
  });
});
