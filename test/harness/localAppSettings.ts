// Moved to sandbox/host/localAppSettings.ts (npm start uses it); re-exported here for the tests.
export * from "../../sandbox/host/localAppSettings.js";
