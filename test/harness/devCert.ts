// Moved to sandbox/host/devCert.ts (npm start uses it); re-exported here for the tests.
export * from "../../sandbox/host/devCert.js";
