import type { Services } from "./services";

/**
 * Process-wide handles. The custom server and the Next bundle load separate copies of every
 * module, so the instances live on globalThis under a registered symbol. Only types are imported
 * here: the Next bundle never pulls in the implementations.
 */
export interface ProcessWide<T> {
  publish(value: T): void;
  clear(): void;
  /** The published value; throws with `what` in the message when the server has not published it. */
  get(): T;
}

export function processWide<T>(name: string, what: string): ProcessWide<T> {
  const key = Symbol.for(`ai-manager.${name}`);
  const slots = globalThis as unknown as Record<symbol, T | undefined>;
  return {
    publish(value) {
      slots[key] = value;
    },
    clear() {
      delete slots[key];
    },
    get() {
      const value = slots[key];
      if (value === undefined) throw new Error(`${what} not initialised: run the app through its server (npm start / npm run dev).`);
      return value;
    },
  };
}

const services = processWide<Services>("services", "AI Manager services are");

export const publishServices = services.publish;
export const clearServices = services.clear;
export const getServices = services.get;
