import type { Services } from "./services";

/**
 * The process-wide handle on the app's services. The custom server and the Next bundle load
 * separate copies of every module, so the instances live on globalThis under a registered symbol.
 * Only types are imported here: the Next bundle never pulls in the implementations.
 */
const SERVICES_KEY = Symbol.for("ai-manager.services");

type GlobalWithServices = typeof globalThis & { [SERVICES_KEY]?: Services };

export function publishServices(services: Services): void {
  (globalThis as GlobalWithServices)[SERVICES_KEY] = services;
}

export function clearServices(): void {
  delete (globalThis as GlobalWithServices)[SERVICES_KEY];
}

export function getServices(): Services {
  const services = (globalThis as GlobalWithServices)[SERVICES_KEY];
  if (!services) {
    throw new Error("AI Manager services are not initialised: run the app through its server (npm start / npm run dev).");
  }
  return services;
}
