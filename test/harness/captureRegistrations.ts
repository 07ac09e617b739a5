// The `vi.mock("@azure/functions", …)` factory shared by the function registration tests: the real package, with the
// chosen `app.*` registration methods recording (name, options) instead of registering. Keep it free of runtime
// imports of @azure/functions (the factory receives the real module) and of vitest (it runs inside a mock factory).
import type * as AzureFunctions from "@azure/functions";

export interface Registration {
  name: string;
  options: Record<string, unknown>;
}

type RegistrationMethod = "http" | "timer" | "serviceBusQueue";

/**
 * Returns the mocked module: each method in `capture` pushes onto `registrations`; each in `silence` does nothing
 * (for modules imported along the way whose registrations the test doesn't look at).
 */
export async function mockFunctionsApp(
  importOriginal: <T>() => Promise<T>,
  registrations: Registration[],
  capture: readonly RegistrationMethod[],
  silence: readonly RegistrationMethod[] = [],
): Promise<typeof AzureFunctions> {
  const real = await importOriginal<typeof AzureFunctions>();
  const app: Record<string, unknown> = { ...real.app };
  for (const method of silence) app[method] = () => undefined;
  for (const method of capture) {
    app[method] = (name: string, options: Record<string, unknown>) => registrations.push({ name, options });
  }
  return { ...real, app: app as typeof real.app };
}
