// Moved to sandbox/host/azurite.ts (npm start uses it); re-exported here for the tests.
export * from "../../sandbox/host/azurite.js";
