/**
 * The PromptLayer HTTP layer: base URL, auth, identity headers, JSON in and out, a timeout per
 * attempt, retries and error mapping. Resources (templates, track, workflows…) build a request,
 * call `request()` and shape the result; none of them sees a status code it has to interpret.
 */
import { PromptLayerAuthenticationError, PromptLayerConnectionError, PromptLayerTimeoutError } from "../errors.js";
import { logger as packageLogger, type Logger } from "../logger.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";
import { errorFromStatus } from "./api-errors.js";
import { redactBody, redactHeaders, scrubSecrets } from "./redact.js";
import { abortableSleep, defaultSleep, isRetryableStatus, retryDelayMs, RETRY_POLICY, type Sleep } from "./retry.js";

export type QueryValue = string | number | boolean | readonly string[] | null | undefined;

export interface ApiRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path below the base URL, segments already encoded (see `pathSegment`). */
  path: string;
  query?: Record<string, QueryValue>;
  body?: Record<string, unknown> | undefined;
  /**
   * Legacy endpoints (`/track-request`, `/library-track-*`, `/track-group`, `/create-group`) read
   * the key from the body's `api_key` (CONTRACT §1, auth style B). The header goes too.
   */
  bodyAuth?: boolean;
  /**
   * False for requests that start work (a workflow run): a 5xx may come after the work began, so
   * only 429 (refused before any work) is retried. Default true.
   */
  idempotent?: boolean;
  /**
   * `bytes`: a 2xx body is returned as a `Uint8Array`, unread (a zip download); error bodies are
   * still parsed as JSON for the typed error. Default `json`.
   */
  responseType?: "json" | "bytes";
  /**
   * Aborts the request — the attempt under way and any wait before a retry — and makes it reject
   * with the signal's reason (e.g. a caller's overall deadline, `runWorkflow`'s `timeout`).
   */
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
}

export interface HttpClientOptions {
  apiKey: string | undefined;
  baseURL: string;
  /** Per attempt, in milliseconds. */
  timeout: number;
  fetch?: typeof fetch;
  /** How to wait between attempts; injected by tests that use fake timers. */
  sleep?: Sleep;
  /** Where this client's messages go; default the package logger (`setLogger()`). */
  logger?: Logger | undefined;
}

/** `encodeURIComponent` for one path segment: names with `/`, `?`, `#` or `:` stay one segment. */
export function pathSegment(value: string | number): string {
  return encodeURIComponent(String(value));
}

export function userAgent(): string {
  const [major = "0", minor = "0"] = (globalThis.process?.versions?.node ?? "0.0").split(".");
  return `${PACKAGE_NAME}/${PACKAGE_VERSION} (node ${major}.${minor})`;
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

async function readJson(res: Response): Promise<unknown> {
  const raw = await res.text();
  if (!raw) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export class HttpClient {
  readonly baseURL: string;
  readonly timeout: number;
  /** The client's logger: every resource built on this HTTP client logs through it. */
  readonly logger: Logger;
  private readonly apiKey: string | undefined;
  private readonly fetchImpl: typeof fetch | undefined;
  private readonly sleep: Sleep;

  constructor(options: HttpClientOptions) {
    this.apiKey = options.apiKey;
    this.baseURL = options.baseURL.replace(/\/+$/, "");
    this.timeout = options.timeout;
    this.fetchImpl = options.fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.logger = options.logger ?? packageLogger;
  }

  /** The key, or the typed error a missing key means (raised on first use, not at construction). */
  private key(): string {
    if (this.apiKey) return this.apiKey;
    throw new PromptLayerAuthenticationError(
      "No PromptLayer API key: pass `apiKey` to new PromptLayer() or set PROMPTLAYER_API_KEY.",
      401,
      null,
    );
  }

  headers(): Record<string, string> {
    return {
      "X-API-KEY": this.key(),
      "User-Agent": userAgent(),
      "X-SDK-Version": PACKAGE_VERSION,
      Accept: "application/json",
    };
  }

  /** Sends `req`, retrying 429/5xx per the policy; resolves for 2xx, throws a typed error otherwise. */
  async request<T>(req: ApiRequest): Promise<ApiResponse<T>> {
    const key = this.key();
    const url = `${this.baseURL}${req.path}${queryString(req.query)}`;
    const what = `${req.method} ${req.path}`;
    const headers = this.headers();
    if (req.responseType === "bytes") headers.Accept = "*/*"; // a zip, say: "application/json" would misdescribe it
    let body: string | undefined;
    if (req.body !== undefined || req.bodyAuth) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(req.bodyAuth ? { ...req.body, api_key: key } : req.body);
    }
    this.logger.debug(`PromptLayer API ${what}`, { headers: redactHeaders(headers), body: redactBody(req.body) });

    for (let attempt = 1; ; attempt++) {
      const { status, data } = await this.attempt(url, req.method, headers, body, what, req.responseType === "bytes", req.signal);
      if (status >= 200 && status < 300) return { status, data: data as T };
      if (isRetryableStatus(status) && (req.idempotent !== false || status === 429) && attempt < RETRY_POLICY.attempts) {
        const wait = retryDelayMs(attempt);
        this.logger.info(
          `PromptLayer API ${what} attempt ${attempt} failed with ${status}; retrying in ${wait / 1000} s (${RETRY_POLICY.attempts - attempt} retries left)`,
        );
        await abortableSleep(this.sleep, wait, req.signal);
        continue;
      }
      const error = errorFromStatus(status, data, what);
      // Should the service ever echo the key back, it must not end up in an error message.
      const scrubbed = scrubSecrets(error.message, [key]);
      if (scrubbed !== error.message) Object.defineProperty(error, "message", { value: scrubbed });
      throw error;
    }
  }

  /** One HTTP exchange, body read included, under the per-attempt timeout and the caller's signal. */
  private async attempt(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    what: string,
    bytes = false,
    signal?: AbortSignal,
  ): Promise<ApiResponse<unknown>> {
    signal?.throwIfAborted();
    const controller = new AbortController();
    let timedOut = false;
    // setTimeout rather than AbortSignal.timeout(): fake timers in tests control the former.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeout);
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const res = await (this.fetchImpl ?? fetch)(url, { method, headers, body, signal: controller.signal });
      const ok = res.status >= 200 && res.status < 300;
      return { status: res.status, data: bytes && ok ? new Uint8Array(await res.arrayBuffer()) : await readJson(res) };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) throw new PromptLayerTimeoutError(`PromptLayer API ${what} timed out after ${this.timeout} ms`, this.timeout, { cause: error });
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new PromptLayerConnectionError(`PromptLayer API ${what} could not connect to ${this.baseURL}: ${reason}`, { cause: error });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
