/**
 * A tiny path router: exact segments and `:name` parameters, one handler per method and path.
 * It answers "found", "wrong method" (with the methods that exist, for 405 + Allow) or "no such
 * route". Parameters come back percent-decoded and unvalidated: handlers parse them with zod.
 */
export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface RouteOptions {
  /** Largest request body this route reads, in bytes. */
  bodyLimit?: number;
}

interface Route<H> {
  method: Method;
  segments: string[];
  handler: H;
  options: RouteOptions;
}

export type RouteMatch<H> =
  | { kind: "found"; handler: H; params: Record<string, string>; options: RouteOptions }
  | { kind: "method_not_allowed"; allow: Method[] }
  | { kind: "not_found" };

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: Method, pattern: string, handler: H, options: RouteOptions = {}): this {
    this.routes.push({ method, segments: split(pattern), handler, options });
    return this;
  }

  match(method: string, path: string): RouteMatch<H> {
    const segments = split(path);
    const allow = new Set<Method>();
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { kind: "found", handler: route.handler, params, options: route.options };
      allow.add(route.method);
    }
    return allow.size > 0 ? { kind: "method_not_allowed", allow: [...allow] } : { kind: "not_found" };
  }
}

function split(path: string): string[] {
  return path.split("/").filter((segment) => segment.length > 0);
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    const value = actual[i]!;
    if (expected.startsWith(":")) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        return undefined; // malformed percent-encoding: no route has such a segment
      }
      params[expected.slice(1)] = decoded;
    } else if (expected !== value) {
      return undefined;
    }
  }
  return params;
}
