// Test helper: TableStoreOptions for Azurite with a unique table prefix per test file, plus a request counter policy.
import { inject } from "vitest";
import { randomBytes } from "node:crypto";
import type { TableServiceClientOptions } from "@azure/data-tables";
import type { TableStoreOptions } from "../../../shared/adapters/tables/tableClients.js";

type PipelinePolicy = NonNullable<TableServiceClientOptions["additionalPolicies"]>[number]["policy"];

export function uniquePrefix(tag: string): string {
  return `t${tag}${randomBytes(4).toString("hex")}`;
}

export interface RequestLog {
  requests: { method: string; url: string }[];
  reset(): void;
}

/** A per-retry pipeline policy that records every HTTP request the client sends. */
export function requestCounter(): { policy: PipelinePolicy; log: RequestLog } {
  const log: RequestLog = {
    requests: [],
    reset() {
      this.requests.length = 0;
    },
  };
  const policy: PipelinePolicy = {
    name: "testRequestCounter",
    sendRequest(request, next) {
      log.requests.push({ method: request.method, url: decodeURIComponent(request.url) });
      return next(request);
    },
  };
  return { policy, log };
}

export function azuriteOptions(tag: string, extra: Partial<TableStoreOptions> = {}): TableStoreOptions {
  return { connectionString: inject("storageConnectionString"), tablePrefix: uniquePrefix(tag), ...extra };
}
