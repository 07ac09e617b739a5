// The deployable bundle (scripts/bundle.ts, what `npm run build` ships): built here exactly as the build builds it,
// into a directory with no node_modules anywhere above it, then loaded by the local Functions host, which drives
// the real webhook function through it over HTTP.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHostProcess, type HostProcess } from "../../sandbox/hostProcess.js";
import { bundleApp, PACKAGE_FILES, packageSize, WORKER_PROVIDED, type BundleResult } from "../../scripts/bundle.js";
import { ensureDevCert } from "../harness/devCert.js";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Every function name the sources register with app.http / app.timer / app.serviceBusQueue (literal or route name). */
function registeredInSources(): { http: number; others: string[] } {
  let http = 0;
  const others: string[] = [];
  for (const file of readdirSync(join(ROOT, "functions")).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(ROOT, "functions", file), "utf8");
    http += (text.match(/^app\.http\(/gm) ?? []).length;
    for (const m of text.matchAll(/^app\.(?:timer|serviceBusQueue)\("([^"]+)"/gm)) others.push(m[1]!);
  }
  return { http, others };
}

function sampleSettings(): Record<string, string> {
  const sample = JSON.parse(readFileSync(join(ROOT, "local.settings.sample.json"), "utf8")) as {
    Values: Record<string, string>;
  };
  return sample.Values;
}

let dir: string;
let bundle: BundleResult;
let host: HostProcess;
const sources = registeredInSources();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bundle-test-"));
  bundle = await bundleApp(ROOT, join(dir, "dist", "bundle"));
  // Timers and queue triggers would need a broker; this test drives HTTP functions only.
  const disabled = Object.fromEntries(sources.others.map((name) => [`AzureWebJobs.${name}.Disabled`, "true"]));
  host = await startHostProcess(
    ROOT,
    {
      entry: bundle.mainPath,
      hostJsonPath: join(ROOT, "host.json"),
      // Names the triggers refer to (%PUSH_QUEUE%, %NIGHTLY_SCHEDULE%…) as the sample settings give them.
      settings: { ...sampleSettings(), ...disabled },
      keys: { functionKey: "bundle-test-function-key", masterKey: "bundle-test-master-key" },
    },
    ensureDevCert().certPath,
  );
}, 120_000);

afterAll(async () => {
  await host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the deployable bundle", () => {
  it("imports nothing at run time but node builtins and the worker-provided module", () => {
    expect(bundle.externals).toContain(WORKER_PROVIDED);
    for (const name of bundle.externals.filter((n) => n !== WORKER_PROVIDED))
      expect(name.startsWith("node:") || !name.includes("@"), name).toBe(true);
    expect(bundle.externals.some((n) => n.startsWith("@azure/") && n !== WORKER_PROVIDED)).toBe(false);
  });

  it("registers every function the sources register", () => {
    const names = host.functions.map((f) => f.name);
    expect(host.functions.filter((f) => f.trigger === "http")).toHaveLength(sources.http);
    for (const name of [...sources.others, "graphWebhook", "graphLifecycle"]) expect(names).toContain(name);
  });

  it("answers Graph's validation handshake through the bundled webhook function", async () => {
    const token = "Validation: Testing client application reachability for subscription Request-Id: 7f3b";
    const res = await fetch(`${host.origin}/api/graph/notifications?validationToken=${encodeURIComponent(token)}`, {
      method: "POST",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(token);
  });

  it("refuses a malformed notification with 400 naming the field, before touching settings or storage", async () => {
    const res = await fetch(`${host.origin}/api/graph/notifications`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: "not a list" }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; reason: string };
    expect(body.error).toBe("invalid_notification");
    expect(body.reason).toMatch(/^value/);
  });

  it("the deployment package is host.json, package.json and the bundle, which package.json names as main", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      main: string;
      scripts: { build: string };
    };
    expect(PACKAGE_FILES).toEqual(["host.json", "package.json", pkg.main]);
    expect(pkg.scripts.build).toMatch(/scripts\/bundle\.ts/);
    const ignore = readFileSync(join(ROOT, ".funcignore"), "utf8").split("\n");
    for (const excluded of ["node_modules", "functions", "shared", "dist/functions", "*.map"])
      expect(ignore).toContain(excluded);
    expect(bundle.bytes).toBeGreaterThan(100_000);
    expect(packageSize).toBeTypeOf("function");
  });
});
