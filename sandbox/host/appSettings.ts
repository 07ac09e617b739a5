// Resolves `%NAME%` binding expressions from the app settings, as the Functions host does for schedules and queues.
export function resolveSetting(value: string, settings: Record<string, string | undefined>, where: string): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const v = settings[name];
    if (v === undefined || v.trim() === "")
      throw new Error(`local host: ${where} refers to the app setting ${name}, which is not set`);
    return v;
  });
}

/** The Azure switch `AzureWebJobs.<function>.Disabled` ("true"/"1" turns the function off). */
export function isDisabledSetting(name: string, settings: Record<string, string | undefined>): boolean {
  const v = (settings[`AzureWebJobs.${name}.Disabled`] ?? "").trim().toLowerCase();
  return v === "true" || v === "1";
}
