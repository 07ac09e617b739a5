// Test runner configuration: Azurite via global setup; the simulators' loopback certificate trusted by every worker.
import { defineConfig } from "vitest/config";
import { ensureDevCert } from "./test/harness/devCert.ts";

// NODE_EXTRA_CA_CERTS is read at process start, so set it here, before the worker processes are forked.
process.env.NODE_EXTRA_CA_CERTS = ensureDevCert().certPath;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/globalSetup.ts"],
    pool: "forks",
    // The suite waits on sockets and timers far more than it computes: 4 workers on 2 cores take ~1.5 min instead
    // of ~4 with the default (cores - 1 = 1 worker).
    maxWorkers: 4,
    reporters: ["default", "./test/harness/summaryReporter.ts"],
    // Hang guards only (no test asserts on elapsed time): generous, so a loaded machine never trips them.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // The process time zone of the test workers: UTC unless TEST_TZ says otherwise (`npm run test:tz` runs the pure and
    // adapter folders under Europe/London and America/Los_Angeles: no code may depend on the process's zone).
    env: { TZ: process.env.TEST_TZ || "UTC" },
  },
});
