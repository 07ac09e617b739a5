// Stands in for `@azure/functions-core`, the module the Functions Node worker provides: @azure/functions hands every
// app.http / app.timer / app.serviceBusQueue registration to it, so the local host sees exactly what Azure's host sees.
import Module from "node:module";

/** One binding as @azure/functions describes it to the host (function.json's shape: type, direction, options). */
export interface BindingMetadata {
  type: string;
  direction: "in" | "out";
  [option: string]: unknown;
}

export interface RetryMetadata {
  retryStrategy?: string;
  maxRetryCount?: number;
  delayInterval?: unknown;
  minimumInterval?: unknown;
  maximumInterval?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

/** A function the app registered: its name, bindings (trigger first by convention) and handler. */
export interface RegisteredFunction {
  name: string;
  bindings: Record<string, BindingMetadata>;
  retryOptions?: RetryMetadata;
  handler: FunctionCallback;
}

export function triggerOf(fn: RegisteredFunction): BindingMetadata {
  const trigger = Object.values(fn.bindings).find((b) => b.direction === "in" && /trigger$/i.test(b.type));
  if (!trigger) throw new Error(`local host: function ${fn.name} has no trigger binding`);
  return trigger;
}

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

/**
 * Makes `require("@azure/functions-core")` answer our recorder (it is an external of the @azure/functions bundle,
 * loaded lazily at the first registration). Returns the list the registrations land in.
 */
export function installCoreApi(log: (level: string, message: string) => void): RegisteredFunction[] {
  const registered: RegisteredFunction[] = [];
  const disposable = { dispose: () => undefined };
  const core = {
    version: "4.0.0-local",
    hostVersion: "4.0.0-local",
    setProgrammingModel: () => undefined,
    getProgrammingModel: () => undefined,
    registerHook: () => disposable,
    log: (level: string, _category: string, message: string) => log(level, message),
    registerFunction(
      metadata: { name: string; bindings: Record<string, BindingMetadata>; retryOptions?: RetryMetadata },
      handler: FunctionCallback,
    ) {
      if (registered.some((f) => f.name.toLowerCase() === metadata.name.toLowerCase()))
        throw new Error(`local host: a function named ${metadata.name} is registered twice`);
      registered.push({ ...metadata, handler });
      return disposable;
    },
  };
  const loader = Module as unknown as { _load: Loader };
  const original = loader._load;
  loader._load = function (request, parent, isMain) {
    if (request === "@azure/functions-core") return core;
    return original.call(this, request, parent, isMain);
  };
  return registered;
}
