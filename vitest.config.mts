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
    reporters: ["default", "./test/harness/summaryReporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { TZ: "UTC" },
  },
});
