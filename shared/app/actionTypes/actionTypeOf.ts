// The action type an ERP push names: its code trimmed, and its description in the record's company (if it exists).
import type { AppDeps } from "../appDeps.js";

/** `code` trimmed (undefined when blank) and the description of that code in `company`'s ActionTypes, if any. */
export async function actionTypeOf(
  deps: Pick<AppDeps, "actionTypes">,
  company: string,
  code: string | undefined,
): Promise<{ code: string | undefined; description: string | undefined }> {
  const trimmed = code?.trim() || undefined;
  if (!trimmed) return { code: undefined, description: undefined };
  const found = (await deps.actionTypes.listByCompany(company)).find((t) => t.code === trimmed);
  return { code: trimmed, description: found?.description };
}
