// The @azure/functions classes (HttpRequest, HttpResponse, InvocationContext) for the local host. Under plain Node
// ESM (npm start) the CommonJS bundle's classes are only on its default export; under vitest (and its vi.mock of
// the package) they are named exports. This picks whichever is there.
import * as namespace from "@azure/functions";

type Functions = typeof namespace;
const withDefault = namespace as Functions & { default?: Functions };

export const functionsModule: Functions =
  "InvocationContext" in namespace && namespace.InvocationContext ? namespace : (withDefault.default ?? namespace);
