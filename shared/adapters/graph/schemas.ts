// Zod schemas for every Graph payload the adapter reads: strict on the fields we rely on, loose (passthrough) elsewhere.
import * as z from "zod";

/** Graph timestamps: 0–7 fractional digits, with `Z`, with an offset, or with no offset (event start/end). */
export const GRAPH_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})?$/;
export const graphDateTimeSchema = z.string().regex(GRAPH_DATE_TIME, "expected a Graph date-time");

/** Epoch ms of a Graph timestamp; a value without offset is read as UTC (Graph's default for start/end). */
export function graphDateTimeToMs(value: string): number {
  const withZone = /(?:Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  // Date.parse reads at most 3 fractional digits reliably; trim the rest (sub-millisecond precision is not used).
  const trimmed = withZone.replace(/(\.\d{3})\d+/, "$1");
  const ms = Date.parse(trimmed);
  if (Number.isNaN(ms)) throw new Error(`not a Graph date-time: ${value}`);
  return ms;
}

const odataLink = z.string().min(1);

export const dateTimeTimeZoneSchema = z.looseObject({
  dateTime: graphDateTimeSchema,
  timeZone: z.string().min(1),
});
export type DateTimeTimeZone = z.infer<typeof dateTimeTimeZoneSchema>;

export const itemBodySchema = z.looseObject({
  contentType: z.string(), // "html" | "text" (Graph writes either case)
  content: z.string(),
});

export const emailAddressSchema = z.looseObject({
  address: z.string().optional(),
  name: z.string().nullable().optional(),
});

export const singleValueExtendedPropertySchema = z.looseObject({ id: z.string().min(1), value: z.string().nullable() });

export const eventSchema = z.looseObject({
  "@odata.type": z.string().optional(),
  "@odata.etag": z.string().optional(),
  id: z.string().min(1),
  changeKey: z.string().optional(),
  createdDateTime: graphDateTimeSchema.optional(),
  lastModifiedDateTime: graphDateTimeSchema.optional(),
  subject: z.string().nullable().optional(),
  body: itemBodySchema.nullable().optional(),
  start: dateTimeTimeZoneSchema.nullable().optional(),
  end: dateTimeTimeZoneSchema.nullable().optional(),
  isAllDay: z.boolean().optional(),
  isCancelled: z.boolean().optional(),
  categories: z.array(z.string()).optional(),
  location: z.looseObject({ displayName: z.string().nullable().optional() }).nullable().optional(),
  transactionId: z.string().nullable().optional(),
  type: z.string().optional(),
  seriesMasterId: z.string().nullable().optional(),
  organizer: z.looseObject({ emailAddress: emailAddressSchema.optional() }).nullable().optional(),
  singleValueExtendedProperties: z.array(singleValueExtendedPropertySchema).optional(),
});
export type GraphEvent = z.infer<typeof eventSchema>;

/** A delta entry for a deleted item (or, in calendarView delta, an event that left the window). */
export const removedEntrySchema = z.looseObject({
  "@odata.type": z.string().optional(),
  id: z.string().min(1),
  "@removed": z.looseObject({ reason: z.string().optional() }),
});
export type RemovedEntry = z.infer<typeof removedEntrySchema>;

/** One page of a delta round: exactly one of `@odata.nextLink` (more pages) and `@odata.deltaLink` (round done). */
export function deltaPageSchema<T extends z.ZodType>(item: T) {
  return z
    .looseObject({
      "@odata.context": z.string().optional(),
      "@odata.nextLink": odataLink.optional(),
      "@odata.deltaLink": odataLink.optional(),
      value: z.array(z.union([removedEntrySchema, item])),
    })
    .refine((p) => (p["@odata.nextLink"] === undefined) !== (p["@odata.deltaLink"] === undefined), {
      message: "a delta page needs exactly one of @odata.nextLink and @odata.deltaLink",
    });
}

/** A plain collection page (`value` + optional `@odata.nextLink`). */
export function collectionSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    "@odata.context": z.string().optional(),
    "@odata.nextLink": odataLink.optional(),
    value: z.array(item),
  });
}

export const eventDeltaPageSchema = deltaPageSchema(eventSchema);

export const userProfileSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().nullable().optional(),
  userPrincipalName: z.string().optional(),
  mail: z.string().nullable().optional(),
});
export type UserProfile = z.infer<typeof userProfileSchema>;

export const subscriptionSchema = z.looseObject({
  "@odata.context": z.string().optional(),
  id: z.string().min(1),
  resource: z.string().min(1),
  changeType: z.string().min(1),
  notificationUrl: z.string().min(1),
  expirationDateTime: graphDateTimeSchema,
  clientState: z.string().nullable().optional(),
  lifecycleNotificationUrl: z.string().nullable().optional(),
  applicationId: z.string().optional(),
  creatorId: z.string().optional(),
  latestSupportedTlsVersion: z.string().nullable().optional(),
  notificationContentType: z.string().nullable().optional(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

/** resourceData of a change notification. `@odata.type` is capitalised (#Microsoft.Graph.Message), `resource` is not. */
export const resourceDataSchema = z.looseObject({
  "@odata.type": z.string().optional(),
  "@odata.id": z.string().optional(),
  "@odata.etag": z.string().optional(),
  id: z.string().optional(),
});

export const changeNotificationSchema = z.looseObject({
  id: z.string().optional(),
  subscriptionId: z.string().min(1),
  subscriptionExpirationDateTime: graphDateTimeSchema.optional(),
  clientState: z.string().nullable().optional(),
  changeType: z.enum(["created", "updated", "deleted"]),
  /** Not needed by the integration (it reads the delta); Microsoft's documented examples include items without it. */
  resource: z.string().optional(),
  tenantId: z.string().optional(),
  resourceData: resourceDataSchema.optional(),
});
export type ChangeNotification = z.infer<typeof changeNotificationSchema>;

export const lifecycleNotificationSchema = z.looseObject({
  lifecycleEvent: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]),
  subscriptionId: z.string().min(1),
  subscriptionExpirationDateTime: graphDateTimeSchema.optional(),
  clientState: z.string().nullable().optional(),
  tenantId: z.string().optional(),
  resource: z.string().optional(),
});
export type LifecycleNotification = z.infer<typeof lifecycleNotificationSchema>;

/** The body Graph POSTs to notificationUrl / lifecycleNotificationUrl. */
export const notificationCollectionSchema = z.looseObject({
  value: z.array(z.union([lifecycleNotificationSchema, changeNotificationSchema])),
  validationTokens: z.array(z.string()).optional(),
});
export type NotificationCollection = z.infer<typeof notificationCollectionSchema>;

export function isLifecycleNotification(n: ChangeNotification | LifecycleNotification): n is LifecycleNotification {
  return "lifecycleEvent" in n && typeof n.lifecycleEvent === "string";
}

export const todoTaskListSchema = z.looseObject({
  "@odata.type": z.string().optional(),
  "@odata.etag": z.string().optional(),
  id: z.string().min(1),
  displayName: z.string(),
  wellknownListName: z.string().optional(),
  isOwner: z.boolean().optional(),
  isShared: z.boolean().optional(),
});
export type TodoTaskList = z.infer<typeof todoTaskListSchema>;
export const todoTaskListCollectionSchema = collectionSchema(todoTaskListSchema);

export const linkedResourceSchema = z.looseObject({
  id: z.string().optional(),
  webUrl: z.string().nullable().optional(),
  applicationName: z.string().nullable().optional(),
  displayName: z.string().nullable().optional(),
  externalId: z.string().nullable().optional(),
});

export const todoTaskSchema = z.looseObject({
  "@odata.etag": z.string().optional(),
  id: z.string().min(1),
  title: z.string().nullable().optional(),
  status: z.enum(["notStarted", "inProgress", "completed", "waitingOnOthers", "deferred"]).optional(),
  importance: z.enum(["low", "normal", "high"]).optional(),
  isReminderOn: z.boolean().optional(),
  body: itemBodySchema.nullable().optional(),
  dueDateTime: dateTimeTimeZoneSchema.nullable().optional(),
  reminderDateTime: dateTimeTimeZoneSchema.nullable().optional(),
  completedDateTime: dateTimeTimeZoneSchema.nullable().optional(),
  createdDateTime: graphDateTimeSchema.optional(),
  lastModifiedDateTime: graphDateTimeSchema.optional(),
  categories: z.array(z.string()).optional(),
  linkedResources: z.array(linkedResourceSchema).optional(),
});
export type TodoTask = z.infer<typeof todoTaskSchema>;
export const todoTaskDeltaPageSchema = deltaPageSchema(todoTaskSchema);

export const batchResponseItemSchema = z.looseObject({
  id: z.string().min(1),
  status: z.number().int(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
});
export const batchResponseSchema = z.looseObject({
  responses: z.array(batchResponseItemSchema),
  "@odata.nextLink": z.string().optional(),
});
export type BatchResponseItem = z.infer<typeof batchResponseItemSchema>;

/** Graph's error body. The inner error is spelt innerError or innererror; its id key request-id or requestId. */
const innerErrorSchema = z.looseObject({
  code: z.string().optional(),
  date: z.string().optional(),
  "request-id": z.string().optional(),
  requestId: z.string().optional(),
  "client-request-id": z.string().optional(),
  clientRequestId: z.string().optional(),
});
export const graphErrorBodySchema = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string().optional(),
    innerError: innerErrorSchema.optional(),
    innererror: innerErrorSchema.optional(),
  }),
});
export type GraphErrorBody = z.infer<typeof graphErrorBodySchema>;

export const uploadSessionSchema = z.looseObject({
  uploadUrl: z.string().min(1),
  expirationDateTime: graphDateTimeSchema.optional(),
  nextExpectedRanges: z.array(z.string()).optional(),
});
export type UploadSession = z.infer<typeof uploadSessionSchema>;

export const messageSchema = z.looseObject({ id: z.string().min(1), "@odata.etag": z.string().optional() });

/** GET /users/{id}/mailboxSettings/timeZone: the zone as the administrator's format names it (Windows by default). */
export const mailboxTimeZoneSchema = z.looseObject({ value: z.string().min(1) });
