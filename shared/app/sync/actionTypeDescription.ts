// The description of an ERP action type (ActionTypes table): what a pushed item's category becomes, for every kind.
import type { AppDeps } from "../appDeps.js";

/** The description of action type `code` in company `kco`; undefined when no code is given or the table has none. */
export async function actionTypeDescription(
  deps: Pick<AppDeps, "actionTypes">,
  kco: string,
  code: string | undefined,
): Promise<string | undefined> {
  if (!code) return undefined;
  return (await deps.actionTypes.listByCompany(kco)).find((t) => t.code === code)?.description;
}
