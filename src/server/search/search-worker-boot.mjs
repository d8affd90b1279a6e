// The search worker's entry: worker threads do not inherit the parent's TypeScript loader, so
// the worker registers tsx itself and then loads the real module (search-worker.ts).
import { workerData } from "node:worker_threads";

const { register } = await import("tsx/esm/api");
register();
await import(workerData.entry);
