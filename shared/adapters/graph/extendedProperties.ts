// The single-value extended property that stamps our ERP key on Outlook items (found again after moves and edits).

/** Our property set GUID; fixed forever (changing it orphans every stamped item). */
export const ERP_PROPERTY_SET = "7fbaeb5a-886c-4472-85a4-a0756772773f";

/** `String {guid} Name CoinsErpKey`: Graph's id format for a named string property. */
export const ERP_KEY_PROPERTY_ID = `String {${ERP_PROPERTY_SET}} Name CoinsErpKey`;

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
