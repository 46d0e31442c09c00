/**
 * Property-based tests of the local backend's REST parsers: whatever JSON (or non-JSON) arrives at
 * a route, the answer is a 2xx or a 4xx — never a 5xx — and a refused request stores nothing.
 *
 * Random JSON mostly fails validation early, so numbers get their own properties: a valid body per
 * route with its numeric fields (times, versions, ids, counts, scores) replaced by values at and
 * past every limit, and the GET routes with the same values (and hostile strings) in their query
 * strings and path segments.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";

const KEY = "pl_fuzz";
let backend: LocalBackend;
beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", seed: true, apiKey: KEY, log: () => {} });
  // Something for ids to point at: request 1, group 1, and a few traces for the trace list.
  expect((await post("/log-request", LOG_REQUEST)).status).toBe(201);
  expect((await post("/create-group", { api_key: KEY }, true)).status).toBe(200);
  for (const [i, start] of ["1700000000000000000", "1700000000000000000", "1700000001000000000"].entries()) {
    const span = { traceId: `${i + 1}`.padStart(32, "0"), spanId: "00000000000000a1", name: `root-${i}`, startTimeUnixNano: start, endTimeUnixNano: start };
    expect((await post("/v1/traces", { resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] })).status).toBe(200);
  }
});
afterAll(() => backend.close());

function post(path: string, body: unknown, legacy = false, method = "POST") {
  return fetch(`${backend.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(legacy ? {} : { "x-api-key": KEY }) },
    body: JSON.stringify(body),
  });
}

const ROUTES: Array<{ path: string; legacy?: boolean }> = [
  { path: "/prompt-templates/support-reply" },
  { path: "/rest/prompt-templates" },
  { path: "/log-request" },
  { path: "/track-request", legacy: true },
  { path: "/library-track-metadata", legacy: true },
  { path: "/library-track-score", legacy: true },
  { path: "/library-track-prompt", legacy: true },
  { path: "/track-group", legacy: true },
  { path: "/workflows/support-triage/run" },
  { path: "/api/local/releases" },
  { path: "/api/public/v2/skill-collections" },
];

/** Row counts of every table: a refused request must leave them all unchanged. */
function counts(): Record<string, number> {
  const db = backend.store.db.raw;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
  return Object.fromEntries(tables.map(({ name }) => [name, Number((db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n)]));
}

/** Waits for workflow executions started by earlier runs, which write their results in the background. */
async function settled(): Promise<void> {
  const running = () => Number((backend.store.db.raw.prepare("SELECT count(*) AS n FROM workflow_executions WHERE finished_at IS NULL").get() as { n: number }).n);
  for (let i = 0; running() > 0 && i < 500; i++) await new Promise((resolve) => setTimeout(resolve, 2));
}

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom("../../etc/passwd", "'; DROP TABLE request_logs; --", "\u0000", "{{7*7}}", "{question}", "%2e%2e%2f", "<script>alert(1)</script>"),
);
const body = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom("prompt_name", "prompt_template", "request_id", "metadata", "score", "provider", "model", "input", "output", "name", "files", "label", "split", "input_variables", "api_key"), fc.oneof(fc.jsonValue(), hostileString)),
);

/**
 * Numbers at and past the limits a field may have: int32/int64/uint64 and 2^53 boundaries, the
 * range of `Date` (±8.64e15 ms, so ±8.64e12 epoch seconds) and of four-digit years, negative
 * zero, fractions, and the largest and smallest doubles.
 */
const EXTREMES = [
  0, -0, 1, -1, 0.5, -0.5, 5, 100, 101, 1000, 1001,
  2 ** 31 - 1, 2 ** 31, 2 ** 32, -(2 ** 31) - 1,
  2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2,
  2 ** 63, -(2 ** 63), 2 ** 64, 1e20, 1e21,
  8.64e12, 8.64e12 + 1, -8.64e12 - 1, 253402300800, -62135596801, 1e15,
  1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1.5e-300,
];
const extremeNumber = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EXTREMES) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(Number) },
  // Whole doubles SQLite stores as 64-bit integers but JavaScript cannot represent exactly.
  { weight: 1, arbitrary: fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }).map(Number) },
);
/** Whole numbers as decimal text past 2^53, 2^63 and 2^64, where `Number()` rounds and SQLite's integers end. */
const bigDecimal = fc.oneof(
  fc.constantFrom("9007199254740992", "9007199254740993", "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616", "100000000000000000000", "-9223372036854775809"),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 80n }).map(String),
  fc.bigInt({ min: -(2n ** 80n), max: -(2n ** 53n) }).map(String),
);
/** The same as text (query strings, and bodies that send numbers as strings), plus what JSON numbers cannot spell. */
const numericText = fc.oneof(
  { weight: 2, arbitrary: extremeNumber.map(String) },
  { weight: 2, arbitrary: bigDecimal },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("NaN", "Infinity", "-Infinity", "1e300", "-1e300", "0x10", " 1 ", "", "-0", "1.0", "00001", "9".repeat(400), "2020-01-01T00:00:00Z", "+275760-09-13T00:00:00.001Z", "-271821-04-19T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z") },
);
const extremeValue = fc.oneof({ weight: 3, arbitrary: extremeNumber }, { weight: 2, arbitrary: numericText }, { weight: 1, arbitrary: fc.constantFrom(null, true, [], {}) });

type Json = Record<string, unknown>;

const LOG_REQUEST = {
  provider: "openai",
  model: "gpt-4o",
  input: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "q" }] }] },
  output: { type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text: "a" }] }] },
  request_start_time: 1_700_000_000,
  request_end_time: 1_700_000_001,
};

let eventCounter = 0;
/** Routes that take numbers in their bodies: a valid body, and the paths of its numeric fields. */
const NUMERIC_ROUTES: Array<{ path: string; note?: string; legacy?: boolean; base: () => Json; fields: string[][]; finish?: (body: Json) => Json }> = [
  {
    path: "/log-request",
    note: " (linked to a template)",
    base: () => ({ ...LOG_REQUEST, prompt_name: "support-reply", prompt_version_number: 1, score: 50, price: 0.01, input_tokens: 3, output_tokens: 4 }),
    fields: [["request_start_time"], ["request_end_time"], ["prompt_version_number"], ["input_tokens"], ["output_tokens"], ["price"], ["score"]],
  },
  {
    // Without a prompt, a version number is stored as sent rather than looked up.
    path: "/log-request",
    base: () => ({ ...LOG_REQUEST, prompt_version_number: 1 }),
    fields: [["request_start_time"], ["request_end_time"], ["prompt_version_number"], ["prompt_id"], ["input_tokens"], ["output_tokens"], ["price"], ["score"]],
  },
  {
    path: "/track-request",
    legacy: true,
    base: () => ({
      function_name: "openai.chat.completions.create",
      kwargs: { model: "gpt-4o", messages: [{ role: "user", content: "q" }] },
      request_response: { choices: [{ message: { role: "assistant", content: "a" } }], usage: { prompt_tokens: 3, completion_tokens: 4 } },
      request_start_time: 1_700_000_000,
      request_end_time: 1_700_000_001,
      api_key: KEY,
    }),
    fields: [["request_start_time"], ["request_end_time"], ["prompt_id"], ["prompt_version"], ["group_id"], ["score"], ["request_response", "usage", "prompt_tokens"], ["request_response", "usage", "completion_tokens"]],
  },
  { path: "/library-track-score", legacy: true, base: () => ({ request_id: 1, score: 50, api_key: KEY }), fields: [["request_id"], ["score"]] },
  { path: "/library-track-prompt", legacy: true, base: () => ({ request_id: 1, prompt_name: "support-reply", version: 1, api_key: KEY }), fields: [["request_id"], ["version"]] },
  { path: "/track-group", legacy: true, base: () => ({ request_id: 1, group_id: 1, api_key: KEY }), fields: [["request_id"], ["group_id"]] },
  {
    path: "/library-track-metadata",
    legacy: true,
    base: () => ({ request_id: 1, api_key: KEY, metadata: { rating: { type: "rating", value: 4, ts: 1_700_000_000 }, engagement: { type: "engagement", value: 2, ts: "2024-01-01T00:00:00Z" }, conversion: { type: "conversion", value: 9.5, ts: 1_700_000_000 } } }),
    fields: [["request_id"], ["metadata", "rating", "ts"], ["metadata", "rating", "value"], ["metadata", "engagement", "ts"], ["metadata", "engagement", "value"], ["metadata", "conversion", "value"]],
    // Events travel as JSON strings under `pl_event:<type>:<id>` keys; a fresh id each time.
    finish: (b) => ({ ...b, metadata: Object.fromEntries(Object.entries(b.metadata as Json).map(([type, event]) => [`pl_event:${type}:fuzz-${++eventCounter}`, JSON.stringify(event)])) }),
  },
  { path: "/prompt-templates/support-reply", base: () => ({ version: 1 }), fields: [["version"]] },
  { path: "/workflows/support-triage/run", base: () => ({ input_variables: { question: "refund?" }, workflow_version_number: 1 }), fields: [["workflow_version_number"]] },
  {
    path: "/api/local/releases",
    base: () => ({ prompt_name: "support-reply", label: "fuzz", split: [{ version: 1, percentage: 100 }] }),
    fields: [["prompt_id"], ["split", "0", "version"], ["split", "0", "percentage"]],
    finish: (b) => (b.prompt_id !== undefined ? { ...b, prompt_name: undefined } : b),
  },
  { path: "/api/public/v2/skill-collections", base: () => ({ name: `fuzz-${++eventCounter}`, provider: "claude_code", folder_id: 1 }), fields: [["folder_id"]] },
];

function setPath(target: Json, path: string[], value: unknown): void {
  let node: Json = target;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  node[path.at(-1)!] = value;
}

/** Query values: numbers at and past their limits, free text, and enum parameters mostly valid (so the numbers get checked, not only the enum). */
const numberParam = fc.oneof({ weight: 3, arbitrary: numericText }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }).map(String) });
const textParam = fc.oneof(hostileString, fc.constantFrom("prod", "support-reply", "00000000000000000000000000000001"), numericText);
const enumParam = (...values: string[]) => fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.oneof(hostileString, numericText) });
const boolParam = enumParam("true", "false", "1", "0");

/** GET (and DELETE) routes: their query parameters, or a `{segment}` in the path. */
const READ_ROUTES: Array<{ path: string; params?: Record<string, fc.Arbitrary<string>>; method?: string }> = [
  {
    path: "/prompt-templates",
    params: { page: numberParam, per_page: numberParam, label: textParam, name: textParam, tags: textParam, status: enumParam("active", "deleted", "all"), sort_by: enumParam("created_at", "updated_at", "name", "id"), sort_order: enumParam("asc", "desc") },
  },
  { path: "/prompt-templates/support-reply", params: { version: numberParam, label: textParam, include_llm_kwargs: boolParam } },
  { path: "/prompt-templates/{segment}/labels" },
  { path: "/api/local/requests", params: { limit: numberParam, before_id: numberParam, prompt_name: textParam, trace_id: textParam } },
  { path: "/api/local/requests/{segment}" },
  { path: "/api/local/traces", params: { limit: numberParam, before: numberParam, before_trace_id: textParam } },
  { path: "/api/local/traces/{segment}" },
  { path: "/api/local/templates/{segment}" },
  { path: "/api/local/experiments/{segment}" },
  { path: "/api/local/experiments/support-reply/{segment}" },
  { path: "/workflows/support-triage", params: { version: numberParam, label: textParam } },
  { path: "/workflows/{segment}" },
  { path: "/workflow-version-execution-results", params: { workflow_version_execution_id: numberParam, return_all_outputs: boolParam } },
  { path: "/api/public/v2/skill-collections/{segment}", params: { version: numberParam, format: enumParam("json", "zip") } },
  { path: "/api/local/releases/{segment}", method: "DELETE" },
];

describe("local backend REST routes under arbitrary input", () => {
  it.each(ROUTES)("$path answers 2xx or 4xx, never 5xx, and stores nothing when it refuses", async ({ path, legacy }) => {
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const withKey = legacy && payload !== null && typeof payload === "object" && !Array.isArray(payload) ? { ...payload, api_key: KEY } : payload;
        await settled();
        const before = counts();
        const res = await post(path, withKey, legacy);
        await res.text();
        expect(res.status < 500, `${path} answered ${res.status}`).toBe(true);
        if (res.status >= 400) expect(counts()).toEqual(before);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it.each(NUMERIC_ROUTES.map((r) => ({ ...r, name: `${r.path}${r.note ?? ""}` })))("$name answers extreme numbers in its numeric fields with 2xx or 4xx, storing nothing when it refuses", async ({ path, legacy, base, fields, finish }) => {
    const overrides = fc.array(fc.tuple(fc.constantFrom(...fields), extremeValue), { minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(overrides, async (changes) => {
        const payload = base();
        for (const [field, value] of changes) setPath(payload, field, value);
        const sent = finish ? finish(payload) : payload;
        await settled();
        const before = counts();
        const res = await post(path, sent, legacy);
        const text = await res.text();
        expect(res.status < 500, `${path} answered ${res.status} ${text} to ${JSON.stringify(sent)}`).toBe(true);
        if (res.status >= 400) expect(counts(), `${path} answered ${res.status} but stored something`).toEqual(before);
        // What was stored can be read back.
        const list = await fetch(`${backend.url}/api/local/requests?limit=5`, { headers: { "x-api-key": KEY } });
        expect(list.status, `the request list after ${JSON.stringify(sent)}: ${await list.text()}`).toBe(200);
      }),
      { numRuns: 50 },
    );
  }, 60_000);

  it.each(READ_ROUTES.map((r) => ({ ...r, name: `${r.method ?? "GET"} ${r.path}` })))("$name answers extreme query values and path segments with 2xx or 4xx and stores nothing", async ({ path, params = {}, method = "GET" }) => {
    // Each parameter present about half the time.
    const query = fc.record(params, { requiredKeys: [] });
    const segment = fc.oneof(numericText, hostileString, fc.constantFrom("support-reply", "support-triage", "1", "00000000000000000000000000000001", "prod"));
    await fc.assert(
      fc.asyncProperty(query, segment, async (params, seg) => {
        const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
        const url = `${path.replace("{segment}", encodeURIComponent(seg))}${search ? `?${search}` : ""}`;
        await settled();
        const before = counts();
        const res = await fetch(`${backend.url}${url}`, { method, headers: { "x-api-key": KEY } });
        const text = await res.text();
        expect(res.status < 500, `${method} ${url} answered ${res.status} ${text}`).toBe(true);
        if (res.status >= 400 || method === "GET") expect(counts()).toEqual(before);
      }),
      { numRuns: 80 },
    );
  }, 60_000);

  it("answers malformed JSON, wrong content types and a missing key with 4xx, storing nothing", async () => {
    await settled();
    const before = counts();
    for (const { path, legacy } of ROUTES) {
      const headers = legacy ? {} : { "x-api-key": KEY };
      const malformed = await fetch(`${backend.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{not json" });
      expect(malformed.status, path).toBeGreaterThanOrEqual(400);
      expect(malformed.status, path).toBeLessThan(500);
      const wrongType = await fetch(`${backend.url}${path}`, { method: "POST", headers: { "content-type": "text/plain", ...headers }, body: "{}" });
      expect(wrongType.status, `${path} as text/plain`).toBe(415);
      const noKey = await fetch(`${backend.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect([401, 422], `${path} without a key`).toContain(noKey.status);
    }
    expect(counts()).toEqual(before);
  });
});
