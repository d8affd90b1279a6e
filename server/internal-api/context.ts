import type http from "node:http";
import type { Services } from "../../src/server/services";
import type { PatternMatcher } from "./pattern-matcher";
import type { WaitLimiter } from "./wait-limiter";

/** What a route handler gets: the parsed request and the app's services. */
export interface ApiContext {
  services: Services;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** Path parameters, percent-decoded, not yet validated. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Aborted when the client disconnects before the answer is sent (frees long waits). */
  signal: AbortSignal;
  /** Reads the JSON body within the route's size limit (`undefined` when there is none). */
  body(): Promise<unknown>;
  waits: WaitLimiter;
  /** Runs waitFor=pattern regexes off the main thread with a time budget. */
  patterns: PatternMatcher;
}

/** A handler's answer; `undefined` means there is nobody left to answer (the client went away). */
export interface ApiResult {
  status?: number;
  data: unknown;
}

export type ApiHandler = (ctx: ApiContext) => Promise<ApiResult | undefined> | ApiResult | undefined;
