// Entry module the Functions host loads (package.json "main"): importing each function file registers it with app.*.
import { app } from "@azure/functions";
import "./pushWorker.js";
import "./pullWorker.js";
import "./graphWebhook.js";
import "./graphLifecycle.js";
import "./adminStatus.js";
import "./adminRefresh.js";
import "./adminDeleteSubscription.js";
import "./adminProfile.js";
import "./nightly.js";
import "./taskPoll.js";
import "./adminRejected.js";
import "./adminReplay.js";
import "./adminPage.js";
import "./adminPageActions.js";
import "./authSignIn.js";
import "./authCallback.js";

app.setup({ enableHttpStream: false });
