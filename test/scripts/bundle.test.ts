// The deployable bundle (scripts/bundle.ts, what `npm run build` ships): built here exactly as the build builds it,
// into a directory with no node_modules anywhere above it, then loaded by the local Functions host, which drives
// the real webhook function through it over HTTP — first without touching the app's dependencies, then with a
// notification that makes it load the lazily imported chunks (tables, Service Bus, Graph, Blob) and use Azurite.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TableServiceClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHostProcess, type HostProcess } from "../../sandbox/hostProcess.js";
import {
  bundleApp,
  CHUNK_DIR,
  LAZY_SDKS,
  PACKAGE_FIXED_FILES,
  packageFiles,
  WORKER_PROVIDED,
  type BundleResult,
} from "../../scripts/bundle.js";
import { startAzurite, type AzuriteHandle } from "../harness/azurite.js";
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
let azurite: AzuriteHandle;
const sources = registeredInSources();
const tablePrefix = `bundle${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bundle-test-"));
  bundle = await bundleApp(ROOT, join(dir, "dist", "bundle"));
  azurite = await startAzurite(ROOT);
  // Timers and queue triggers would need a broker; this test drives HTTP functions only.
  const disabled = Object.fromEntries(sources.others.map((name) => [`AzureWebJobs.${name}.Disabled`, "true"]));
  host = await startHostProcess(
    ROOT,
    {
      entry: bundle.mainPath,
      hostJsonPath: join(ROOT, "host.json"),
      // Names the triggers refer to (%PUSH_QUEUE%, %NIGHTLY_SCHEDULE%…) as the sample settings give them.
      settings: {
        ...sampleSettings(),
        ...disabled,
        STORAGE_CONNECTION: azurite.connectionString,
        AzureWebJobsStorage: azurite.connectionString,
        TABLE_PREFIX: tablePrefix,
      },
      keys: { functionKey: "bundle-test-function-key", masterKey: "bundle-test-master-key" },
    },
    ensureDevCert().certPath,
  );
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
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

  it("leaves every SDK (the Graph client too) to chunks loaded on first use; main.js imports only its own chunks", () => {
    const main = readFileSync(bundle.mainPath, "utf8");
    for (const sdk of LAZY_SDKS) expect(bundle.sdkChunks[sdk]?.length, sdk).toBeGreaterThan(0);
    for (const sdk of LAZY_SDKS)
      for (const chunk of bundle.sdkChunks[sdk] ?? []) expect(bundle.lazyChunks, `${sdk} in ${chunk}`).toContain(chunk);
    expect(bundle.lazyChunks.length).toBeGreaterThan(0);
    for (const chunk of [...bundle.staticChunks, ...bundle.lazyChunks]) {
      expect(chunk.startsWith(`${CHUNK_DIR}/`), chunk).toBe(true);
      expect(existsSync(join(dir, "dist", "bundle", chunk)), chunk).toBe(true);
    }
    expect(main).toMatch(/import\(/);
  });

  it("loads the lazy chunks on the first notification that needs the app: reads Azurite, answers 202", async () => {
    const tables = TableServiceClient.fromConnectionString(azurite.connectionString, { allowInsecureConnection: true });
    const names = async () => {
      const found: string[] = [];
      for await (const t of tables.listTables()) if (t.name?.startsWith(tablePrefix)) found.push(t.name);
      return found;
    };
    expect(await names()).toEqual([]); // nothing has used the tables chunk yet
    const resource = "Users/8e1c2b9c-0000-4000-8000-000000000001/Events/AAMkAD-bundle-1";
    const post = () =>
      fetch(`${host.origin}/api/graph/notifications`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          value: [
            {
              subscriptionId: "00000000-0000-4000-8000-00000000b0d1",
              subscriptionExpirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
              clientState: "unknown-to-us",
              changeType: "updated",
              resource,
              tenantId: "00000000-0000-4000-8000-000000000001",
              resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": resource, id: "AAMkAD-bundle-1" },
            },
          ],
        }),
      });
    // The first post loads the chunks and opens the tables; on a slow machine that can outlast the answer deadline
    // (503: Graph posts again), while the loading goes on. Graph's retry then finds the app ready.
    const statuses = [(await post()).status];
    while (statuses.at(-1) === 503 && statuses.length < 20) statuses.push((await post()).status);
    // An unknown subscription is dropped (a retry could never succeed): 202 after a point read in the table.
    expect(statuses.at(-1), statuses.join(",")).toBe(202);
    expect(statuses.slice(0, -1).every((s) => s === 503)).toBe(true);
    expect(await names()).toContain(`${tablePrefix}Subscriptions`);
  });

  it("the deployment package is host.json, package.json and the bundle's files, main being package.json's main", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      main: string;
      scripts: { build: string };
    };
    expect(pkg.main).toBe("dist/bundle/main.js");
    const files = packageFiles(dir, "dist/bundle");
    expect(files.slice(0, 2)).toEqual(PACKAGE_FIXED_FILES);
    expect(files).toContain(pkg.main);
    for (const chunk of [...bundle.staticChunks, ...bundle.lazyChunks]) expect(files).toContain(`dist/bundle/${chunk}`);
    expect(files.some((f) => f.endsWith(".map"))).toBe(false);
    expect(pkg.scripts.build).toMatch(/scripts\/bundle\.ts/);
    const ignore = readFileSync(join(ROOT, ".funcignore"), "utf8").split("\n");
    for (const excluded of ["node_modules", "functions", "shared", "dist/functions", "*.map"])
      expect(ignore).toContain(excluded);
    // Nothing in .funcignore drops the bundle's chunks.
    expect(ignore.some((line) => line && /^(dist\/?|dist\/bundle.*|chunks.*|\*\.js)$/.test(line))).toBe(false);
    // main holds every trigger's registration and thin shell (the use cases are chunks loaded on first use).
    expect(bundle.bytes).toBeGreaterThan(20_000);
  });
});
