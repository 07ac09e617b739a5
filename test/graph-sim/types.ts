// Graph resource shapes the simulator stores and serves (events, To Do, mail, subscriptions), as Graph documents them.

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface EmailAddress {
  name?: string;
  address: string;
}

export interface Recipient {
  emailAddress: EmailAddress;
}

export interface ItemBody {
  contentType: string;
  content: string;
}

export interface SingleValueExtendedProperty {
  id: string;
  value: string;
}

/** Graph's physicalAddress. */
export interface PhysicalAddress {
  street?: string;
  city?: string;
  state?: string;
  countryOrRegion?: string;
  postalCode?: string;
}

/** Graph's outlookGeoCoordinates. */
export interface GeoCoordinates {
  latitude?: number;
  longitude?: number;
  accuracy?: number;
  altitude?: number;
  altitudeAccuracy?: number;
}

export interface GraphLocation {
  displayName: string;
  locationType?: string;
  uniqueId?: string;
  uniqueIdType?: string;
  address?: PhysicalAddress;
  coordinates?: GeoCoordinates;
}

export interface GraphEvent {
  "@odata.etag": string;
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  originalStartTimeZone: string;
  originalEndTimeZone: string;
  iCalUId: string;
  reminderMinutesBeforeStart: number;
  isReminderOn: boolean;
  hasAttachments: boolean;
  hideAttendees: boolean;
  subject: string;
  bodyPreview: string;
  importance: string;
  sensitivity: string;
  isAllDay: boolean;
  isCancelled: boolean;
  isDraft: boolean;
  isOrganizer: boolean;
  responseRequested: boolean;
  seriesMasterId: string | null;
  /** occurrences and exceptions: the start the pattern gave them (Edm.DateTimeOffset, UTC) */
  originalStart?: string;
  transactionId: string | null;
  showAs: string;
  type: string;
  webLink: string;
  onlineMeetingUrl: string | null;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string;
  onlineMeeting: unknown;
  allowNewTimeProposals: boolean;
  responseStatus: { response: string; time: string };
  body: ItemBody;
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  location: GraphLocation;
  locations: GraphLocation[];
  recurrence: unknown;
  attendees: { type: string; status: { response: string; time: string }; emailAddress: EmailAddress }[];
  organizer: Recipient;
  /** Only served with `$expand=singleValueExtendedProperties(...)`. */
  singleValueExtendedProperties?: SingleValueExtendedProperty[];
}

export interface TodoTaskList {
  "@odata.etag"?: string;
  "@odata.type"?: string;
  id: string;
  displayName: string;
  isOwner: boolean;
  isShared: boolean;
  wellknownListName: "none" | "defaultList" | "flaggedEmails" | "unknownFutureValue";
}
/** Alias used by the programmatic API. */
export type TodoList = TodoTaskList;

export interface LinkedResource {
  id: string;
  webUrl?: string | null;
  applicationName?: string | null;
  displayName?: string | null;
  externalId?: string | null;
}

export interface TodoTask {
  "@odata.etag": string;
  id: string;
  importance: "low" | "normal" | "high";
  isReminderOn: boolean;
  status: "notStarted" | "inProgress" | "completed" | "waitingOnOthers" | "deferred";
  title: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  hasAttachments: boolean;
  categories: string[];
  bodyLastModifiedDateTime: string;
  body: ItemBody;
  dueDateTime?: DateTimeTimeZone;
  reminderDateTime?: DateTimeTimeZone;
  startDateTime?: DateTimeTimeZone;
  completedDateTime?: DateTimeTimeZone;
  /** Only served with `$expand=linkedResources`. */
  linkedResources?: LinkedResource[];
}

export interface Attachment {
  "@odata.type": string;
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  /** base64 */
  contentBytes: string;
}

export interface Message {
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  subject: string;
  body: ItemBody;
  from?: Recipient;
  sender?: Recipient;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  internetMessageId: string;
  internetMessageHeaders?: { name: string; value: string }[];
  singleValueExtendedProperties?: SingleValueExtendedProperty[];
  isDraft: boolean;
  hasAttachments: boolean;
  importance: string;
  sentDateTime: string | null;
  attachments: Attachment[];
}

/** A message that left the mailbox (sendMail or /send on a draft). */
export interface SentMessage extends Message {
  /** false when sendMail was called with saveToSentItems false: not visible under mailFolders/sentitems. */
  savedToSentItems: boolean;
  via: "sendMail" | "draft";
}

export interface Subscription {
  "@odata.context"?: string;
  id: string;
  resource: string;
  applicationId: string;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  creatorId: string;
  latestSupportedTlsVersion: string;
  notificationContentType: string;
  includeResourceData: boolean;
  encryptionCertificate: string | null;
  encryptionCertificateId: string | null;
  notificationQueryOptions: string | null;
  notificationUrlAppId: string | null;
  lifecycleNotificationUrlAppId?: string | null;
}

export interface DeliveredNotification {
  url: string;
  /** HTTP status the receiver answered (0: no answer / network error / timed out). */
  status: number;
  body: unknown;
  at: Date;
  attempt: number;
  kind: "change" | "lifecycle";
}
