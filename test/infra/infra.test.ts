// infra/ (Bicep), azure.yaml and main.parameters.json against what the code relies on — and proof that every
// check fails when the Bicep drifts (each mutation below is applied to the real files, then must be reported).
import { describe, expect, it } from "vitest";
import {
  checkApiVersions,
  checkAppSettings,
  checkAzd,
  checkFunctionApp,
  checkKeyVault,
  checkMonitoring,
  checkNoSecrets,
  checkRoles,
  checkServiceBus,
  checkStorage,
  checkTables,
  loadInfra,
  readCodeFacts,
  type Infra,
} from "./infraChecks.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const facts = readCodeFacts(ROOT);

const CHECKS: Record<string, (infra: Infra) => string[]> = {
  apiVersions: checkApiVersions,
  noSecrets: checkNoSecrets,
  storage: checkStorage,
  serviceBus: (i) => checkServiceBus(i, facts),
  keyVault: checkKeyVault,
  monitoring: checkMonitoring,
  functionApp: checkFunctionApp,
  appSettings: (i) => checkAppSettings(i, facts),
  tables: (i) => checkTables(i, facts),
  roles: (i) => checkRoles(i, facts),
  azd: checkAzd,
};

describe("what the code relies on (read from functions/, shared/, host.json, README)", () => {
  it("finds the triggers, routes, tables and broker settings", () => {
    expect(facts.triggerQueueSettings.sort()).toEqual(["PULL_QUEUE", "PUSH_QUEUE"]);
    expect(new Set(facts.triggerConnections)).toEqual(new Set(["SERVICEBUS_CONNECTION"]));
    expect(facts.percentSettings).toContain("NIGHTLY_SCHEDULE");
    expect(facts.webhookPath).toBe("/api/graph/notifications");
    expect(facts.adminPath).toBe("/api/manage");
    expect(facts.tables).toEqual(
      expect.arrayContaining(["Users", "Subscriptions", "Links", "ActionTypes", "Rejected"]),
    );
    expect(facts.maxDeliveryCount).toBe(10);
    expect(facts.lockRenewalSeconds).toBe(15 * 60);
    expect(facts.writesBlobs).toBe(false); // the ERP writes attachments, the app only reads them
  });
});

describe("infra/ as committed", () => {
  const infra = loadInfra(ROOT);
  it.each(Object.keys(CHECKS))("%s: no problems", (name) => {
    expect(CHECKS[name]!(infra)).toEqual([]);
  });
});

type Mutation = [check: string, file: string, from: string, to: string, reported: string];

const APP_SETTINGS_BLOCK = "    TASK_ACTION_TYPE: taskActionType\n";
const ROLE_ASSIGNMENT_IN_MAIN = `
resource stray 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('x')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
`;

const MUTATIONS: Mutation[] = [
  [
    "storage",
    "infra/modules/storage.bicep",
    "allowSharedKeyAccess: false",
    "allowSharedKeyAccess: true",
    "allowSharedKeyAccess must be false",
  ],
  [
    "storage",
    "infra/modules/storage.bicep",
    "minimumTlsVersion: 'TLS1_2'",
    "minimumTlsVersion: 'TLS1_0'",
    'minimumTlsVersion must be "TLS1_2"',
  ],
  [
    "serviceBus",
    "infra/modules/servicebus.bicep",
    "disableLocalAuth: true",
    "disableLocalAuth: false",
    "disableLocalAuth must be true",
  ],
  [
    "serviceBus",
    "infra/modules/servicebus.bicep",
    "name: 'Standard'",
    "name: 'Basic'",
    "sessions need the Standard or Premium tier",
  ],
  [
    "serviceBus",
    "infra/modules/servicebus.bicep",
    "requiresSession: true",
    "requiresSession: false",
    "queue msgraph-push: properties.requiresSession must be true",
  ],
  [
    "serviceBus",
    "infra/modules/servicebus.bicep",
    "maxDeliveryCount: 10",
    "maxDeliveryCount: 5",
    "properties.maxDeliveryCount must be 10",
  ],
  [
    "serviceBus",
    "infra/modules/servicebus.bicep",
    "lockDuration: 'PT1M'",
    "lockDuration: 'PT30S'",
    'lockDuration must be "PT1M"',
  ],
  [
    "serviceBus",
    "infra/modules/servicebus.bicep",
    "deadLetteringOnMessageExpiration: true",
    "deadLetteringOnMessageExpiration: false",
    "deadLetteringOnMessageExpiration must be true",
  ],
  [
    "serviceBus",
    "infra/modules/servicebus.bicep",
    "requiresDuplicateDetection: true",
    "requiresDuplicateDetection: false",
    "requiresDuplicateDetection must be true",
  ],
  [
    "serviceBus",
    "infra/modules/servicebus.bicep",
    "{ name: pullQueueName, duplicateWindow: 'P1D' }",
    "{ name: pullQueueName, duplicateWindow: 'PT10M' }",
    "queue msgraph-pull: duplicateDetectionHistoryTimeWindow must be at least 86400 s",
  ],
  [
    "serviceBus",
    "infra/modules/servicebus.bicep",
    "  { name: erpInboundQueueName, duplicateWindow: 'PT10M' }\n",
    "",
    "queue erp-inbound (ERP_INBOUND_QUEUE) is not declared",
  ],
  [
    "apiVersions",
    "infra/modules/storage.bicep",
    "storageAccounts@2023-05-01' = {",
    "storageAccounts@2023-05-01-preview' = {",
    "needs a pinned GA API version",
  ],
  [
    "apiVersions",
    "infra/main.bicep",
    "'modules/keyvault.bicep'",
    "'modules/vault.bicep'",
    "modules/vault.bicep is not a file in infra/",
  ],
  [
    "noSecrets",
    "infra/main.bicep",
    "var tags =",
    "var leaked = 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc=='\nvar tags =",
    "contains AccountKey=",
  ],
  [
    "noSecrets",
    "infra/modules/servicebus.bicep",
    "output name string",
    "output keys object = listKeys(namespace.id, '2021-11-01')\noutput name string",
    "a list*Keys call",
  ],
  [
    "noSecrets",
    "infra/main.bicep",
    "param tablePrefix string = ''",
    "@secure()\nparam graphClientSecret string = 'hunter2'\nparam tablePrefix string = ''",
    "looks like a secret",
  ],
  [
    "noSecrets",
    "infra/main.bicep",
    "CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${clientSecretName}/)'",
    "CLIENT_SECRET: 'hunter2'",
    "CLIENT_SECRET must be a Key Vault reference",
  ],
  [
    "keyVault",
    "infra/modules/keyvault.bicep",
    "enableRbacAuthorization: true",
    "enableRbacAuthorization: false",
    "enableRbacAuthorization must be true",
  ],
  [
    "monitoring",
    "infra/modules/monitoring.bicep",
    "DisableLocalAuth: true",
    "DisableLocalAuth: false",
    "DisableLocalAuth must be true",
  ],
  ["functionApp", "infra/modules/functionapp.bicep", "version: '20'", "version: '18'", 'runtime.version must be "20"'],
  ["functionApp", "infra/modules/functionapp.bicep", "name: 'FC1'", "name: 'Y1'", 'sku.name must be "FC1"'],
  [
    "functionApp",
    "infra/modules/functionapp.bicep",
    "maximumInstanceCount: maximumInstanceCount\n      }",
    "maximumInstanceCount: 100\n      }",
    "must be the parameter maximumInstanceCount",
  ],
  [
    "functionApp",
    "infra/modules/functionapp.bicep",
    "type: 'UserAssignedIdentity'",
    "type: 'StorageAccountConnectionString'",
    'authentication.type must be "UserAssignedIdentity"',
  ],
  [
    "functionApp",
    "infra/modules/functionapp.bicep",
    "keyVaultReferenceIdentity: identityId",
    "keyVaultReferenceIdentity: 'SystemAssigned'",
    "keyVaultReferenceIdentity must be the user-assigned identity",
  ],
  [
    "functionApp",
    "infra/main.bicep",
    APP_SETTINGS_BLOCK,
    `${APP_SETTINGS_BLOCK}    FUNCTIONS_WORKER_RUNTIME: 'node'\n`,
    "FUNCTIONS_WORKER_RUNTIME is not allowed on Flex Consumption",
  ],
  [
    "appSettings",
    "infra/main.bicep",
    APP_SETTINGS_BLOCK,
    "",
    "TASK_ACTION_TYPE is required by shared/config/config.ts",
  ],
  [
    "appSettings",
    "infra/main.bicep",
    "param nightlySchedule string = '0 0 2 * * *'",
    "param nightlySchedule string = '0 2 * * *'",
    'NIGHTLY_SCHEDULE="0 2 * * *": must be a 6-field NCRONTAB',
  ],
  [
    "appSettings",
    "infra/main.bicep",
    "    SERVICEBUS_CONNECTION__fullyQualifiedNamespace:",
    "    SERVICEBUS_CONNECTION__namespace:",
    "SERVICEBUS_CONNECTION__namespace is read by neither",
  ],
  [
    "appSettings",
    "infra/main.bicep",
    "    SERVICEBUS_CONNECTION__fullyQualifiedNamespace:",
    "    SERVICEBUS_CONNECTION__namespace:",
    "SERVICEBUS_CONNECTION: is required but not set",
  ],
  [
    "appSettings",
    "infra/main.bicep",
    APP_SETTINGS_BLOCK,
    `${APP_SETTINGS_BLOCK}    STORAGE_CONNECTION: 'UseDevelopmentStorage=true'\n`,
    "not both",
  ],
  [
    "appSettings",
    "infra/main.bicep",
    "    SERVICEBUS_CONNECTION__credential: 'managedidentity'\n",
    "",
    'SERVICEBUS_CONNECTION__credential must be "managedidentity"',
  ],
  [
    "appSettings",
    "infra/main.bicep",
    "/api/graph/notifications' : webhookUrl",
    "/api/graph/notify' : webhookUrl",
    "WEBHOOK_URL must default to https://<the app's host name>/api/graph/notifications",
  ],
  [
    "appSettings",
    "infra/main.bicep",
    "@description('Flex Consumption instance memory in MB.')\n",
    "",
    "param instanceMemoryMB needs a @description",
  ],
  [
    "tables",
    "infra/main.bicep",
    "      '${tablePrefix}TokenCache'\n",
    "",
    "table TokenCache (opened by the code) is not declared",
  ],
  [
    "roles",
    "infra/main.bicep",
    "output AZURE_LOCATION",
    `${ROLE_ASSIGNMENT_IN_MAIN}\noutput AZURE_LOCATION`,
    "role assignments must all be in one module",
  ],
  [
    "roles",
    "infra/modules/roles.bicep",
    "keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'",
    "keyVaultSecretsUser: '00000000-17de-408a-b874-0445c86b69e6'",
    "is not a built-in role this check knows",
  ],
  [
    "roles",
    "infra/modules/roles.bicep",
    "keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'",
    "keyVaultSecretsUser: '00000000-17de-408a-b874-0445c86b69e6'",
    "lacks Key Vault Secrets User",
  ],
  [
    "roles",
    "infra/modules/roles.bicep",
    "scope: pullQueue\n  name: guid(pullQueue.id, appPrincipalId",
    "scope: namespace\n  name: guid(pullQueue.id, appPrincipalId",
    "lacks Azure Service Bus Data Receiver on pullQueue",
  ],
  [
    "roles",
    "infra/modules/roles.bicep",
    "guid(attachments.id, appPrincipalId, role.storageBlobDataReader)\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.storageBlobDataReader)",
    "guid(attachments.id, appPrincipalId, role.storageBlobDataReader)\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.storageBlobDataOwner)",
    "Storage Blob Data Owner on attachments is more than the app needs",
  ],
  ["azd", "azure.yaml", "host: function", "host: appservice", "services.api.host: function"],
  [
    "azd",
    "infra/main.parameters.json",
    '"clientId": {',
    '"graphClientId": {',
    "does not give the required param clientId",
  ],
];

describe("each check reports drift", () => {
  const original = loadInfra(ROOT);
  it.each(MUTATIONS)("%s: %s %j → %j", (check, file, from, to, reported) => {
    const text = original.texts.get(file);
    expect(text, `${file} exists`).toBeDefined();
    expect(text!.includes(from), `${file} contains the text the mutation replaces`).toBe(true);
    const mutated = loadInfra(ROOT, { [file]: text!.replace(from, to) });
    const problems = CHECKS[check]!(mutated);
    expect(problems.join("\n")).toContain(reported);
  });
});
