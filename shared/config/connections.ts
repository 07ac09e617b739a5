// The Storage and Service Bus connection settings in the two forms the Functions host reads: a connection string
// (local: Azurite, the stand-in) or identity-based `<NAME>__…` settings (Azure: managed identity, no key).
import * as z from "zod";

/** How an identity-based connection gets its token: as the Functions host does for `<NAME>__credential`. */
export type CredentialChoice =
  /** `<NAME>__credential=managedidentity`: the app's managed identity (user-assigned when `__clientId` is set). */
  | { readonly kind: "managedIdentity"; readonly clientId: string | undefined }
  /** No `__credential`: the developer's identity locally (Azure CLI, azd, VS Code, environment), managed identity in Azure. */
  | { readonly kind: "default" };

export type StorageConnection =
  | { readonly connectionString: string }
  | { readonly tableServiceUri: string; readonly blobServiceUri: string; readonly credential: CredentialChoice };

export type ServiceBusConnection =
  | { readonly connectionString: string }
  | { readonly fullyQualifiedNamespace: string; readonly credential: CredentialChoice };

export const STORAGE = "STORAGE_CONNECTION";
export const SERVICE_BUS = "SERVICEBUS_CONNECTION";

const blank = (v: unknown): unknown => (typeof v === "string" ? (v.trim() === "" ? undefined : v.trim()) : v);

/** An optional text setting; `check` returns a problem (never quoting a secret) or undefined. */
function optional(check?: (v: string) => string | undefined) {
  return z.preprocess(
    blank,
    z
      .string({ error: "must be text" })
      .optional()
      .superRefine((v, ctx) => {
        const problem = v === undefined ? undefined : check?.(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const LOOPBACK = new Set(["127.0.0.1", "localhost"]);

const credentialCheck = (v: string) =>
  v.toLowerCase() === "managedidentity"
    ? undefined
    : `must be "managedidentity" (or not set, for the developer's identity), got "${v}"`;

const clientIdCheck = (v: string) =>
  GUID.test(v) ? undefined : `must be the user-assigned managed identity's client id (a GUID), got "${v}"`;

/** A service endpoint: https, no credentials, no query string (a SAS in a URL is a secret: use the connection string). */
function serviceUriCheck(v: string): string | undefined {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return "must be an absolute https:// URL, e.g. https://contosodata.table.core.windows.net";
  }
  if (u.protocol !== "https:")
    return `must use https (Storage refuses bearer tokens over plain http), got ${u.protocol}//${u.host}`;
  if (u.username || u.password) return "must not contain a user name or password";
  if (u.search || u.hash) return "must not have a query string (a SAS token is a secret: use STORAGE_CONNECTION)";
  return undefined;
}

function namespaceCheck(v: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || v.includes("/"))
    return `must be the namespace's host name only, e.g. contoso-bus.servicebus.windows.net (no sb:// and no path), got "${v}"`;
  const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(v);
  if (!m || !HOST.test(m[1]!)) return `must be a host name, e.g. contoso-bus.servicebus.windows.net, got "${v}"`;
  if (m[2] !== undefined && !LOOPBACK.has(m[1]!))
    return `may carry a port only on a loopback host (a local TLS endpoint), got "${v}"`;
  return undefined;
}

/** The schema fields for both connections, spread into the settings object in this order. */
export const storageConnectionFields = {
  STORAGE_CONNECTION: optional((v) =>
    /(^|;)\s*(AccountName|TableEndpoint|UseDevelopmentStorage)\s*=/i.test(v)
      ? undefined
      : "must be a Storage connection string (AccountName=…;AccountKey=… or UseDevelopmentStorage=true)",
  ),
  STORAGE_CONNECTION__accountName: optional((v) =>
    ACCOUNT_NAME.test(v)
      ? undefined
      : `must be a storage account name (3-24 lower-case letters and digits), got "${v}"`,
  ),
  STORAGE_CONNECTION__tableServiceUri: optional(serviceUriCheck),
  STORAGE_CONNECTION__blobServiceUri: optional(serviceUriCheck),
  STORAGE_CONNECTION__credential: optional(credentialCheck),
  STORAGE_CONNECTION__clientId: optional(clientIdCheck),
};

export const serviceBusConnectionFields = {
  SERVICEBUS_CONNECTION: optional((v) =>
    /(^|;)\s*Endpoint\s*=\s*sb:\/\//i.test(v)
      ? undefined
      : "must be a Service Bus connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…)",
  ),
  SERVICEBUS_CONNECTION__fullyQualifiedNamespace: optional(namespaceCheck),
  SERVICEBUS_CONNECTION__credential: optional(credentialCheck),
  SERVICEBUS_CONNECTION__clientId: optional(clientIdCheck),
};

type Values = Record<string, unknown>;
export interface ConnectionIssue {
  setting: string;
  message: string;
}

const given = (s: Values, name: string) => s[name] !== undefined;

/** `__credential` / `__clientId`: only with the identity form; a client id needs credential=managedidentity. */
function credentialIssues(s: Values, prefix: string, identityForm: boolean): ConnectionIssue[] {
  const names = [`${prefix}__credential`, `${prefix}__clientId`].filter((n) => given(s, n));
  if (!identityForm)
    return names.map((setting) => ({
      setting,
      message: `applies only to the identity-based form of ${prefix}; it is ignored with a connection string, so remove it`,
    }));
  if (given(s, `${prefix}__clientId`) && !given(s, `${prefix}__credential`))
    return [
      {
        setting: `${prefix}__credential`,
        message: `must be "managedidentity" when ${prefix}__clientId is set (the client id names a user-assigned managed identity)`,
      },
    ];
  return [];
}

/** Exactly one form of STORAGE_CONNECTION: the connection string, or an account name, or both service URIs. */
export function storageConnectionIssues(s: Values): ConnectionIssue[] {
  const account = given(s, `${STORAGE}__accountName`);
  const table = given(s, `${STORAGE}__tableServiceUri`);
  const blob = given(s, `${STORAGE}__blobServiceUri`);
  const identity = account || table || blob;
  if (given(s, STORAGE) && identity)
    return [
      {
        setting: STORAGE,
        message: `give either ${STORAGE} (a connection string) or the identity-based ${STORAGE}__accountName / __tableServiceUri + __blobServiceUri, not both`,
      },
    ];
  if (!given(s, STORAGE) && !identity)
    return [
      {
        setting: STORAGE,
        message: `is required but not set: give ${STORAGE} (a connection string, e.g. Azurite's) or ${STORAGE}__accountName (identity-based, in Azure)`,
      },
    ];
  const issues: ConnectionIssue[] = [];
  if (account && (table || blob))
    issues.push({
      setting: `${STORAGE}__accountName`,
      message: `give either ${STORAGE}__accountName or ${STORAGE}__tableServiceUri + ${STORAGE}__blobServiceUri, not both`,
    });
  else if (table !== blob)
    issues.push({
      setting: table ? `${STORAGE}__blobServiceUri` : `${STORAGE}__tableServiceUri`,
      message: `is required when ${table ? `${STORAGE}__tableServiceUri` : `${STORAGE}__blobServiceUri`} is set (the app uses tables and blobs)`,
    });
  return [...issues, ...credentialIssues(s, STORAGE, identity)];
}

/** Exactly one form of SERVICEBUS_CONNECTION: the connection string or the namespace's host name. */
export function serviceBusConnectionIssues(s: Values): ConnectionIssue[] {
  const identity = given(s, `${SERVICE_BUS}__fullyQualifiedNamespace`);
  if (given(s, SERVICE_BUS) && identity)
    return [
      {
        setting: SERVICE_BUS,
        message: `give either ${SERVICE_BUS} (a connection string) or ${SERVICE_BUS}__fullyQualifiedNamespace (identity-based), not both`,
      },
    ];
  if (!given(s, SERVICE_BUS) && !identity)
    return [
      {
        setting: SERVICE_BUS,
        message: `is required but not set: give ${SERVICE_BUS} (a connection string, e.g. the stand-in's) or ${SERVICE_BUS}__fullyQualifiedNamespace (identity-based, in Azure)`,
      },
    ];
  return credentialIssues(s, SERVICE_BUS, identity);
}

function credentialFrom(s: Values, prefix: string): CredentialChoice {
  return s[`${prefix}__credential`] === undefined
    ? { kind: "default" }
    : { kind: "managedIdentity", clientId: s[`${prefix}__clientId`] as string | undefined };
}

/** The parsed connection; call only when storageConnectionIssues found nothing. */
export function storageConnectionFrom(s: Values): StorageConnection {
  if (typeof s[STORAGE] === "string") return { connectionString: s[STORAGE] };
  const account = s[`${STORAGE}__accountName`] as string | undefined;
  const strip = (u: string) => u.replace(/\/+$/, "");
  return {
    tableServiceUri: account
      ? `https://${account}.table.core.windows.net`
      : strip(s[`${STORAGE}__tableServiceUri`] as string),
    blobServiceUri: account
      ? `https://${account}.blob.core.windows.net`
      : strip(s[`${STORAGE}__blobServiceUri`] as string),
    credential: credentialFrom(s, STORAGE),
  };
}

/** The parsed connection; call only when serviceBusConnectionIssues found nothing. */
export function serviceBusConnectionFrom(s: Values): ServiceBusConnection {
  if (typeof s[SERVICE_BUS] === "string") return { connectionString: s[SERVICE_BUS] };
  return {
    fullyQualifiedNamespace: s[`${SERVICE_BUS}__fullyQualifiedNamespace`] as string,
    credential: credentialFrom(s, SERVICE_BUS),
  };
}
