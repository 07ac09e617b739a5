// Entry module the Functions host loads (package.json "main"): importing each function file registers it with app.*.
import { app } from "@azure/functions";
import "./pushWorker.js";
import "./pullWorker.js";

app.setup({ enableHttpStream: false });
