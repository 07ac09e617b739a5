// `npm run replay -- --queue Q (--id ID | --all) [--dry-run]`: re-send Rejected messages to their queue (same session).
// Settings as the app reads them: process.env, with local.settings.json's Values (or --settings FILE) filling gaps.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createRejectedStore } from "../shared/adapters/servicebus/rejectedStore.js";
import { createQueueSender } from "../shared/adapters/servicebus/queueSender.js";
import { replayRejected, type ReplayDeps } from "../shared/app/admin/replayRejected.js";
import { loadConfig } from "../shared/config/config.js";

const USAGE = "usage: npm run replay -- --queue QUEUE (--id ID | --all) [--dry-run] [--settings local.settings.json]";

function settings(file: string | undefined): Record<string, string | undefined> {
  const path = file ?? "local.settings.json";
  if (!existsSync(path)) {
    if (file) throw new Error(`--settings: ${file} does not exist`);
    return { ...process.env };
  }
  const values = (JSON.parse(readFileSync(path, "utf8")) as { Values?: Record<string, string> }).Values ?? {};
  return { ...values, ...process.env };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        queue: { type: "string" },
        id: { type: "string", multiple: true },
        all: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        settings: { type: "string" },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const ids = args.id ?? [];
  if (!args.queue || (ids.length === 0) === !args.all) {
    console.error(`${!args.queue ? "--queue is required" : "give --id ID (one or more) or --all, not both"}\n${USAGE}`);
    return 2;
  }
  const queue = args.queue;
  const dryRun = args["dry-run"];
  const config = loadConfig(settings(args.settings));
  const queues = createQueueSender(config.serviceBusConnection);
  const deps: ReplayDeps = {
    config,
    rejected: createRejectedStore({ ...config.storageConnection, tablePrefix: config.tablePrefix }),
    queues,
  };
  const counts = { replayed: 0, refused: 0, failed: 0 };
  try {
    const todo = args.all ? (await deps.rejected.list({ queue })).map((r) => r.id) : ids;
    for (const id of todo) {
      const outcome = await replayRejected(deps, { queue, id, dryRun });
      if (outcome.ok) {
        const v = outcome.value;
        counts.replayed++;
        console.log(
          `${dryRun ? "would replay" : "replayed"} ${queue}/${id} as ${v.replayMessageId} ` +
            `(${v.route}, session ${v.sessionId}, ${v.bodyLength} chars; set aside for ${v.code})` +
            (dryRun ? "" : v.removed ? "; row removed" : "; row was already gone"),
        );
      } else {
        const f = outcome.failure;
        const kind = f.kind === "queue_unavailable" ? "failed" : "refused";
        counts[kind]++;
        console.log(`${kind} ${queue}/${id}: ${f.kind}: ${f.reason}`);
      }
    }
    console.log(
      `replay ${queue}${dryRun ? " (dry run: nothing sent, nothing removed)" : ""}: ${todo.length} message(s), ` +
        `${counts.replayed} ${dryRun ? "would be replayed" : "replayed"}, ${counts.refused} refused, ${counts.failed} failed`,
    );
  } finally {
    await queues.close();
  }
  return counts.refused || counts.failed ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
