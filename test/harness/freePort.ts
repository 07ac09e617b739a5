// Moved to sandbox/host/freePort.ts (npm start uses it); re-exported here for the tests.
export * from "../../sandbox/host/freePort.js";
