import type { McpConfig } from "./config";

/**
 * HTTP client of AI Manager's internal API (`/api/internal/*`, bearer token). It never throws:
 * every outcome — the app's own error envelope, a refused connection, a timeout, a stranger on
 * the port — comes back as a value with a message fit to show an agent.
 */
export type ApiOutcome<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number | null; code: string; message: string };

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** How long to wait for the answer (waiting reads pass their own wait plus a margin). */
  timeoutMs?: number;
}

/** Ordinary calls answer in milliseconds; this only bounds a hung app. */
export const DEFAULT_TIMEOUT_MS = 15_000;

type Fetch = typeof fetch;

export class InternalApiClient {
  constructor(
    private readonly config: McpConfig,
    private readonly fetchImpl: Fetch = fetch,
  ) {}

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  async request<T>(method: "GET" | "POST" | "PATCH", path: string, options: RequestOptions = {}): Promise<ApiOutcome<T>> {
    if (this.config.urlError) return { ok: false, status: null, code: "config:url", message: this.config.urlError };
    const token = this.config.token();
    if (!token.ok) return { ok: false, status: null, code: "config:token", message: token.message };
    const url = new URL(path, `${this.config.baseUrl}/`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${token.value}`,
          accept: "application/json",
          ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return this.unreachable(error, timeoutMs);
    }
    let envelope: unknown;
    try {
      envelope = await response.json();
    } catch {
      return {
        ok: false,
        status: response.status,
        code: "bad_response",
        message: `${this.config.baseUrl} answered HTTP ${response.status} without JSON: is AI Manager the program listening there?`,
      };
    }
    return this.unwrap<T>(response.status, envelope);
  }

  private unwrap<T>(status: number, envelope: unknown): ApiOutcome<T> {
    const body = envelope as { success?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
    if (body?.success === true) return { ok: true, status, data: body.data as T };
    const code = typeof body?.error?.code === "string" ? body.error.code : `http_${status}`;
    let message = typeof body?.error?.message === "string" ? body.error.message : `AI Manager answered HTTP ${status}.`;
    if (status === 401) message += " Check AI_MANAGER_INTERNAL_TOKEN (or the data dir's internal-token file) for this AI Manager.";
    return { ok: false, status, code, message };
  }

  private unreachable(error: unknown, timeoutMs: number): ApiOutcome<never> {
    const name = (error as { name?: string })?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      return {
        ok: false,
        status: null,
        code: "timeout",
        message: `AI Manager at ${this.config.baseUrl} did not answer within ${Math.round(timeoutMs / 1000)} s.`,
      };
    }
    return {
      ok: false,
      status: null,
      code: "unreachable",
      message: `AI Manager is not running at ${this.config.baseUrl} (start it with npm start).`,
    };
  }
}
