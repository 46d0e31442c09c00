import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { errorFromStatus, errorMessageOf } from "../../src/client/api-errors.js";
import { HttpClient, pathSegment, userAgent } from "../../src/client/http.js";
import { redactBody, redactHeaders, scrubSecrets } from "../../src/client/redact.js";
import { isRetryableStatus, retryDelayMs } from "../../src/client/retry.js";
import {
  PromptLayer,
  PromptLayerAPIError,
  PromptLayerAPIStatusError,
  PromptLayerAuthenticationError,
  PromptLayerBadRequestError,
  PromptLayerConflictError,
  PromptLayerConnectionError,
  PromptLayerError,
  PromptLayerInternalServerError,
  PromptLayerNotFoundError,
  PromptLayerPermissionDeniedError,
  PromptLayerRateLimitError,
  PromptLayerTimeoutError,
  PromptLayerUnprocessableEntityError,
} from "../../src/index.js";
import { createConsoleLogger, setLogger } from "../../src/logger.js";
import { PACKAGE_VERSION } from "../../src/version.js";

const KEY = "pl_secret_key_abcdef";

type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function client(fetch: FetchFn, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  return new HttpClient({ apiKey: KEY, baseURL: "http://pl.test/", timeout: 30_000, fetch: fetch as typeof globalThis.fetch, ...extra });
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

describe("error mapping", () => {
  const cases: Array<[number, new (...a: never[]) => PromptLayerAPIStatusError]> = [
    [400, PromptLayerBadRequestError],
    [401, PromptLayerAuthenticationError],
    [403, PromptLayerPermissionDeniedError],
    [404, PromptLayerNotFoundError],
    [409, PromptLayerConflictError],
    [422, PromptLayerUnprocessableEntityError],
    [429, PromptLayerRateLimitError],
    [500, PromptLayerInternalServerError],
    [503, PromptLayerInternalServerError],
    [418, PromptLayerAPIStatusError],
  ];
  for (const [status, Class] of cases) {
    it(`maps ${status} to ${Class.name} with status and body`, () => {
      const body = { success: false, message: "nope" };
      const error = errorFromStatus(status, body, "POST /x");
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(PromptLayerAPIError);
      expect(error).toBeInstanceOf(PromptLayerError);
      expect(error.name).toBe(Class.name);
      expect(error.status).toBe(status);
      expect(error.body).toBe(body);
      expect(error.message).toBe(`PromptLayer API POST /x failed with ${status}: nope`);
    });
  }

  it("takes the message from message, else error, else detail (422 lists each field)", () => {
    expect(errorMessageOf({ message: "m", error: "e" })).toBe("m");
    expect(errorMessageOf({ error: "e", detail: "d" })).toBe("e");
    expect(errorMessageOf({ error: { message: "nested" } })).toBe("nested");
    expect(errorMessageOf({ detail: [{ loc: ["body", "score"], msg: "must be ≤ 100" }, { loc: ["body", "tags"], msg: "bad" }] })).toBe("body.score: must be ≤ 100; body.tags: bad");
    expect(errorMessageOf("Bad Gateway")).toBe("Bad Gateway");
    expect(errorMessageOf(null)).toBeUndefined();
  });

  it("keeps the connection and timeout errors under PromptLayerAPIError, not under the status errors", () => {
    expect(new PromptLayerConnectionError("x")).toBeInstanceOf(PromptLayerAPIError);
    expect(new PromptLayerConnectionError("x")).not.toBeInstanceOf(PromptLayerAPIStatusError);
    expect(new PromptLayerTimeoutError("x", 5)).toBeInstanceOf(PromptLayerAPIError);
  });
});

describe("retry policy", () => {
  it("waits 2 s, 4 s, 8 s between the 4 attempts, never more than 15 s", () => {
    expect([1, 2, 3].map(retryDelayMs)).toEqual([2000, 4000, 8000]);
    expect(retryDelayMs(4)).toBe(15000);
    expect(retryDelayMs(10)).toBe(15000);
  });

  it("retries 429 and 5xx only", () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe("requests with fake timers", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("makes 4 attempts on a persistent 503, at 0, 2, 6 and 14 s, then throws PromptLayerInternalServerError", async () => {
    const fetch = vi.fn<FetchFn>(async () => json(503, { message: "down" }));
    const settled = failure(client(fetch).request({ method: "GET", path: "/prompt-templates" }));
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3999);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(7999);
    expect(fetch).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(4);
    const error = await settled;
    expect(error).toBeInstanceOf(PromptLayerInternalServerError);
    expect((error as PromptLayerInternalServerError).status).toBe(503);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetch).toHaveBeenCalledTimes(4);
  });

  it("succeeds after a 429 once the 2 s wait is over", async () => {
    const fetch = vi.fn<FetchFn>().mockResolvedValueOnce(json(429, { message: "slow down" })).mockResolvedValueOnce(json(200, { ok: 1 }));
    const result = client(fetch).request<{ ok: number }>({ method: "GET", path: "/a" });
    await vi.advanceTimersByTimeAsync(2000);
    await expect(result).resolves.toEqual({ status: 200, data: { ok: 1 } });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  for (const status of [400, 401, 403, 404, 409, 422]) {
    it(`fails at once on ${status}`, async () => {
      const fetch = vi.fn<FetchFn>(async () => json(status, { message: "no" }));
      const error = await failure(client(fetch).request({ method: "POST", path: "/a", body: {} }));
      expect((error as PromptLayerAPIStatusError).status).toBe(status);
      expect(fetch).toHaveBeenCalledTimes(1);
    });
  }

  it("fails at once with PromptLayerConnectionError when the connection fails", async () => {
    const fetch = vi.fn<FetchFn>(async () => {
      throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") });
    });
    const error = await failure(client(fetch).request({ method: "GET", path: "/a" }));
    expect(error).toBeInstanceOf(PromptLayerConnectionError);
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("aborts an attempt after the timeout with PromptLayerTimeoutError and does not retry it", async () => {
    const fetch = vi.fn<FetchFn>(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        }),
    );
    const settled = failure(client(fetch, { timeout: 5_000 }).request({ method: "GET", path: "/slow" }));
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await settled;
    expect(error).toBeInstanceOf(PromptLayerTimeoutError);
    expect((error as PromptLayerTimeoutError).timeoutMs).toBe(5_000);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("stops at the caller's signal, mid-attempt or mid-wait before a retry, with the signal's reason", async () => {
    const hanging = vi.fn<FetchFn>(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        }),
    );
    const deadline = new Error("caller's deadline");
    const midAttempt = new AbortController();
    setTimeout(() => midAttempt.abort(deadline), 1_000);
    const first = failure(client(hanging).request({ method: "GET", path: "/slow", signal: midAttempt.signal }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await first).toBe(deadline);

    const failing = vi.fn<FetchFn>(async () => json(503, { message: "down" }));
    const midWait = new AbortController();
    setTimeout(() => midWait.abort(deadline), 500);
    const second = failure(client(failing).request({ method: "GET", path: "/down", signal: midWait.signal }));
    await vi.advanceTimersByTimeAsync(500);
    expect(await second).toBe(deadline);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(failing).toHaveBeenCalledTimes(1);

    // Already aborted: nothing is sent.
    const none = vi.fn<FetchFn>(async () => json(200, {}));
    expect(await failure(client(none).request({ method: "GET", path: "/a", signal: AbortSignal.abort(deadline) }))).toBe(deadline);
    expect(none).not.toHaveBeenCalled();
  });

  it("retries a request that starts work only on 429, not on 5xx", async () => {
    const fetch = vi.fn<FetchFn>(async () => json(502, { message: "bad gateway" }));
    const error = await failure(client(fetch).request({ method: "POST", path: "/workflows/w/run", body: {}, idempotent: false }));
    expect(error).toBeInstanceOf(PromptLayerInternalServerError);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("uses an injected sleep instead of timers when given one", async () => {
    const waits: number[] = [];
    const fetch = vi.fn<FetchFn>(async () => json(500, {}));
    const http = client(fetch, { sleep: async (ms) => void waits.push(ms) });
    await failure(http.request({ method: "GET", path: "/a" }));
    expect(waits).toEqual([2000, 4000, 8000]);
  });
});

describe("request shape", () => {
  it("sends the key as X-API-KEY with the identity headers, joins the base URL without a double slash", async () => {
    const fetch = vi.fn<FetchFn>(async () => json(200, {}));
    await client(fetch).request({ method: "GET", path: "/prompt-templates", query: { page: 2, tags: ["a", "b"], label: undefined } });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("http://pl.test/prompt-templates?page=2&tags=a&tags=b");
    expect(init.headers).toMatchObject({ "X-API-KEY": KEY, "X-SDK-Version": PACKAGE_VERSION, "User-Agent": userAgent() });
    expect(userAgent()).toMatch(/^promptlayer-otel\/\S+ \(node \d+\.\d+\)$/);
  });

  it("adds the legacy body api_key only for endpoints that need it", async () => {
    const fetch = vi.fn<FetchFn>(async () => json(200, { success: true }));
    const http = client(fetch);
    await http.request({ method: "POST", path: "/library-track-score", body: { request_id: 1, score: 5 }, bodyAuth: true });
    await http.request({ method: "POST", path: "/log-request", body: { provider: "openai" } });
    expect(JSON.parse(String(fetch.mock.calls[0]![1].body))).toEqual({ request_id: 1, score: 5, api_key: KEY });
    expect(JSON.parse(String(fetch.mock.calls[1]![1].body))).toEqual({ provider: "openai" });
  });

  it("encodes names as one path segment", () => {
    expect(pathSegment("test_template:test")).toBe("test_template%3Atest");
    expect(pathSegment("a/b?c#d e")).toBe("a%2Fb%3Fc%23d%20e");
  });

  it("reports a missing API key at the first call, not at construction, without calling the service", async () => {
    vi.stubEnv("PROMPTLAYER_API_KEY", "");
    try {
      const fetch = vi.fn<FetchFn>(async () => json(200, {}));
      const pl = new PromptLayer({ baseURL: "http://pl.test", fetch: fetch as typeof globalThis.fetch });
      const error = await failure(pl.templates.get("x"));
      expect(error).toBeInstanceOf(PromptLayerAuthenticationError);
      expect((error as Error).message).toContain("PROMPTLAYER_API_KEY");
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("secrets", () => {
  it("redacts credential headers and the body api_key", () => {
    expect(redactHeaders({ "X-API-KEY": KEY, Authorization: "Bearer sk", "x-goog-api-key": "g", Accept: "application/json" })).toEqual({
      "X-API-KEY": "[REDACTED]",
      Authorization: "[REDACTED]",
      "x-goog-api-key": "[REDACTED]",
      Accept: "application/json",
    });
    expect(redactBody({ api_key: KEY, request_id: 3 })).toEqual({ api_key: "[REDACTED]", request_id: 3 });
    expect(scrubSecrets(`key ${KEY} twice ${KEY}`, [KEY, undefined])).toBe("key [REDACTED] twice [REDACTED]");
  });

  it("never puts the API key in an error message or a log line, even when the service echoes it", async () => {
    const lines: string[] = [];
    const sink = (m: string, ...a: unknown[]) => void lines.push(m + JSON.stringify(a));
    setLogger({ debug: sink, info: sink, warn: sink, error: sink });
    try {
      const fetch = vi.fn<FetchFn>(async () => json(401, { message: `Invalid API key ${KEY}` }));
      const error = await failure(client(fetch).request({ method: "POST", path: "/track-request", body: { a: 1 }, bodyAuth: true }));
      expect((error as Error).message).toContain("[REDACTED]");
      expect((error as Error).message).not.toContain(KEY);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join("\n")).not.toContain(KEY);
    } finally {
      setLogger(createConsoleLogger());
    }
  });
});
