// The single-value extended property that stamps our ERP key on Outlook items (found again after moves and edits).

import { ERP_KEY_PROPERTY_GUID, ERP_KEY_PROPERTY_ID } from "../../domain/appointments/erpKey.js";

/** Our property set GUID (defined once, in the domain); fixed forever (changing it orphans every stamped item). */
export const ERP_PROPERTY_SET = ERP_KEY_PROPERTY_GUID;
export { ERP_KEY_PROPERTY_ID };

/** The `$expand` value that returns only our property with an item. */
export function expandExtendedProperty(propertyId: string = ERP_KEY_PROPERTY_ID): string {
  return `singleValueExtendedProperties($filter=id eq '${propertyId.replace(/'/g, "''")}')`;
}

/** Reads a string extended property's value from an item (ids compare case-insensitively, as Exchange does). */
export function extendedPropertyValue(
  item: { singleValueExtendedProperties?: Array<{ id: string; value: string | null }> | undefined },
  propertyId: string = ERP_KEY_PROPERTY_ID,
): string | undefined {
  const wanted = propertyId.toLowerCase();
  const found = item.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === wanted);
  return found?.value ?? undefined;
}
