// Moved to sandbox/host/httpHost.ts (npm start uses it); re-exported here for the tests.
export * from "../../sandbox/host/httpHost.js";
