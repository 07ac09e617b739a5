// Where the sandbox keeps its data (.sandbox/ by default, SANDBOX_DIR to move it) and the lock against two instances.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export interface SandboxPaths {
  dir: string;
  azurite: string;
  keys: string;
  lock: string;
  endpoints: string;
}

export function sandboxPaths(projectRoot: string, dir = process.env.SANDBOX_DIR): SandboxPaths {
  const root = resolve(projectRoot, dir ?? ".sandbox");
  return {
    dir: root,
    azurite: join(root, "azurite"),
    keys: join(root, "host-keys.json"),
    lock: join(root, "sandbox.lock"),
    endpoints: join(root, "endpoints.json"),
  };
}

export interface LockContent {
  pid: number;
  startedAt: string;
  /** Every process the sandbox started (name → PID), for a clean stop and for checks that none is left. */
  children: Record<string, number>;
  adminPage?: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

export function readLock(path: string): LockContent | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockContent;
  } catch {
    return undefined;
  }
}

/** Takes the lock; returns the running instance instead when one holds it (a stale lock is taken over). */
export function takeLock(path: string): { taken: true } | { taken: false; holder: LockContent } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), children: {} }), {
        flag: "wx",
      });
      return { taken: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readLock(path);
      if (holder && holder.pid !== process.pid && alive(holder.pid)) return { taken: false, holder };
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not take the lock ${path}`);
}

export function updateLock(path: string, patch: Partial<LockContent>): void {
  const current = readLock(path) ?? { pid: process.pid, startedAt: new Date().toISOString(), children: {} };
  writeFileSync(path, JSON.stringify({ ...current, ...patch }, null, 2));
}

export function releaseLock(path: string): void {
  if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
}

/** --fresh: wipe the data (Azurite's tables, blobs, queues) but keep the folder. */
export function wipeData(paths: SandboxPaths): void {
  rmSync(paths.azurite, { recursive: true, force: true });
  rmSync(paths.keys, { force: true });
}

export function ensureDirs(paths: SandboxPaths): void {
  mkdirSync(paths.azurite, { recursive: true });
}

export const isAlive = alive;
export { existsSync };
