// SDK errors map onto TransientError / PermanentError / AuthError by ServiceBusError.code.
import { describe, expect, it } from "vitest";
import { ServiceBusError, type ServiceBusErrorCode } from "@azure/service-bus";
import { toServiceBusError } from "../../../shared/adapters/servicebus/serviceBusErrors.js";

describe("toServiceBusError", () => {
  it.each<[ServiceBusErrorCode, string]>([
    ["ServiceBusy", "transient"],
    ["ServiceTimeout", "transient"],
    ["ServiceCommunicationProblem", "transient"],
    ["QuotaExceeded", "transient"],
    ["SessionLockLost", "transient"],
    ["MessagingEntityNotFound", "permanent"],
    ["MessageSizeExceeded", "permanent"],
    ["MessagingEntityDisabled", "permanent"],
    ["UnauthorizedAccess", "auth"],
  ])("%s → %s", (code, kind) => {
    const e = toServiceBusError(new ServiceBusError("boom", code), "send to q");
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(`servicebus.${code}`);
    expect(e.message).toBe(`send to q: ${code}: boom`);
  });

  it("asks for a 10 s back-off on ServiceBusy and treats non-SDK errors as transient", () => {
    expect(toServiceBusError(new ServiceBusError("x", "ServiceBusy"), "s")).toMatchObject({ retryAfterMs: 10_000 });
    expect(toServiceBusError(new Error("socket hang up"), "s")).toMatchObject({
      kind: "transient",
      code: "unexpected",
    });
  });
});
