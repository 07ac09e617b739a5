// Compares a local.settings-style "Values" object with the settings the schema knows, so the sample cannot drift.
import { ALL_SETTING_NAMES } from "./config.js";

export interface SettingsDrift {
  /** Settings the schema (or the host) reads that the sample does not list. */
  missing: string[];
  /** Keys the sample lists that nothing reads. */
  unknown: string[];
}

export function settingsDrift(
  values: Record<string, unknown>,
  expected: readonly string[] = ALL_SETTING_NAMES,
): SettingsDrift {
  const have = new Set(Object.keys(values));
  const want = new Set(expected);
  return {
    missing: expected.filter((k) => !have.has(k)),
    unknown: [...have].filter((k) => !want.has(k)),
  };
}

/** Throws an Error naming every missing and unknown setting; returns silently when the sample matches. */
export function assertNoSettingsDrift(
  values: Record<string, unknown>,
  expected: readonly string[] = ALL_SETTING_NAMES,
): void {
  const { missing, unknown } = settingsDrift(values, expected);
  const problems = [
    ...missing.map((k) => `${k}: read by the app but missing from the sample`),
    ...unknown.map((k) => `${k}: listed in the sample but not read by the app`),
  ];
  if (problems.length)
    throw new Error(`local.settings.sample.json and the settings schema differ:\n- ${problems.join("\n- ")}`);
}
