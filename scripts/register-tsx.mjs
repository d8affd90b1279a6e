// Loads TypeScript for the scripts that run the app's .ts modules (start, stop, restart). An ES
// module is evaluated once per process, so restart.mjs importing start.mjs registers it once.
const { register } = await import("tsx/esm/api");
register();
