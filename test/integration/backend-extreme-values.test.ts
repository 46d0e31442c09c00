/**
 * Numbers out of range at the local backend's edges — times past what `Date` can hold, integers
 * past 2^53 or SQLite's 64 bits, OTLP timestamps past uint64 — are refused with the service's 4xx
 * (422 `detail` for REST, 400 for OTLP) and store nothing; they never reach the store and come back
 * as a 500, there or on a later read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, KEY, publish, startBackend, type Client } from "./backend-helpers.js";

let client: Client;
beforeAll(async () => {
  client = await startBackend();
  await publish(client, "extreme", chatTemplate([{ role: "user", text: "{question}" }]));
});
afterAll(() => client.backend.close());

/** Row counts of every table. */
function counts(): Record<string, number> {
  const db = client.backend.store.db.raw;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
  return Object.fromEntries(tables.map(({ name }) => [name, Number((db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n)]));
}

/** Calls and expects a 422 naming `loc`, with nothing stored. */
async function refused(method: string, path: string, body: unknown, loc: Array<string | number>, options: { key?: string | null } = {}) {
  const before = counts();
  const res = await client.call(method, path, body, options);
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.body.detail).toContainEqual(expect.objectContaining({ loc }));
  expect(counts()).toEqual(before);
  return res.body.detail as Array<{ loc: unknown[]; msg: string; type: string }>;
}

const logRequest = (extra: Record<string, unknown> = {}) => ({
  provider: "openai",
  model: "gpt-4o",
  input: chatTemplate([{ role: "user", text: "q" }]),
  output: chatTemplate([{ role: "assistant", text: "a" }]),
  request_start_time: 1_700_000_000,
  request_end_time: 1_700_000_001,
  ...extra,
});
const trackRequest = (extra: Record<string, unknown> = {}) => ({
  function_name: "openai.chat.completions.create",
  kwargs: { model: "gpt-4o", messages: [{ role: "user", content: "q" }] },
  request_response: { choices: [{ message: { role: "assistant", content: "a" } }] },
  request_start_time: 1_700_000_000,
  request_end_time: 1_700_000_001,
  api_key: KEY,
  ...extra,
});

describe("REST times out of range", () => {
  // Epoch seconds past ±8.64e12 are past what `Date` holds; years past 9999 (or before 1) are past Python's datetime.
  const OUT_OF_RANGE = [1e300, -1e300, 8.65e12, -8.65e12, 253_402_300_800, -62_135_596_801, 2 ** 63, "+275760-09-13T00:00:00.001Z", "+010000-01-01T00:00:00Z", "0000-12-31T23:59:59Z"];

  it.each(OUT_OF_RANGE)("/log-request and /track-request answer request times of %s with 422, storing nothing", async (time) => {
    for (const field of ["request_start_time", "request_end_time"]) {
      const detail = await refused("POST", "/log-request", logRequest({ [field]: time }), ["body", field]);
      expect(detail).toContainEqual({ loc: ["body", field], msg: expect.stringMatching(/datetime/), type: "datetime_parsing" });
      await refused("POST", "/track-request", trackRequest({ [field]: time }), ["body", field], { key: null });
    }
  });

  it("accepts the first and last instants of years 1–9999, and times before 1970", async () => {
    for (const [start, iso] of [
      [-62_135_596_800, "0001-01-01T00:00:00.000"],
      [253_402_300_799.999, "9999-12-31T23:59:59.999"],
      [-1, "1969-12-31T23:59:59.000"],
      ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999"],
    ] as const) {
      const res = await client.call("POST", "/log-request", logRequest({ request_start_time: start }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.request_start_time).toBe(iso);
    }
  });

  it("refuses an outcome event whose time is out of range with 422, storing nothing", async () => {
    const { body } = await client.call("POST", "/log-request", logRequest());
    for (const ts of [1e300, -8.65e12, "+275760-09-13T00:00:00.001Z"]) {
      await refused("POST", "/library-track-metadata", { request_id: body.id, api_key: KEY, metadata: { "pl_event:rating:e1": JSON.stringify({ type: "rating", value: 4, ts }) } }, ["body", "metadata", "pl_event:rating:e1", "ts"], { key: null });
    }
  });
});

describe("REST integers out of range", () => {
  const UNSAFE = [2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 64, 1e20, 1e300, "9007199254740993", "100000000000000000000"];

  it.each(UNSAFE)("refuses %s as a count, version or id with 422 instead of storing what cannot be read back", async (n) => {
    for (const field of ["input_tokens", "output_tokens", "prompt_version_number", "prompt_id"]) await refused("POST", "/log-request", logRequest({ [field]: n }), ["body", field]);
    for (const field of ["prompt_id", "prompt_version", "group_id"]) await refused("POST", "/track-request", trackRequest({ [field]: n }), ["body", field], { key: null });
    await refused("POST", "/api/public/v2/skill-collections", { name: "unsafe-folder", provider: "claude_code", folder_id: n }, ["body", "folder_id"]);
    await refused("POST", "/library-track-score", { request_id: n, score: 5, api_key: KEY }, ["body", "request_id"], { key: null });
    await refused("POST", "/prompt-templates/extreme", { version: n }, ["body", "version"]);
  });

  it("keeps the integers it accepts within 2^53 − 1, so every stored row reads back", async () => {
    const res = await client.call("POST", "/log-request", logRequest({ input_tokens: Number.MAX_SAFE_INTEGER, prompt_version_number: Number.MAX_SAFE_INTEGER }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ input_tokens: Number.MAX_SAFE_INTEGER, prompt_version_number: Number.MAX_SAFE_INTEGER });
    expect((await client.call("GET", `/api/local/requests/${res.body.id}`)).status).toBe(200);
  });

  it("stores a provider's usage that is no token count as 0 rather than failing the track-request", async () => {
    for (const usage of [{ prompt_tokens: 2 ** 53 + 2, completion_tokens: 1e300 }, { prompt_tokens: -5, completion_tokens: 1.5 }]) {
      const res = await client.call("POST", "/track-request", trackRequest({ request_response: { choices: [{ message: { role: "assistant", content: "a" } }], usage } }), { key: null });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const row = await client.call("GET", `/api/local/requests/${res.body.request_id}`);
      expect(row.status).toBe(200);
      expect(row.body).toMatchObject({ input_tokens: 0, output_tokens: 0 });
    }
  });

  it("pages /prompt-templates only within a sane range: page up to 2^31 − 1, per_page up to 1000", async () => {
    for (const page of ["100000000000000000000", "9223372036854775808", "18446744073709551616", "9007199254740993", "2147483648", "1e20"]) {
      const detail = await refused("GET", `/prompt-templates?page=${page}`, undefined, ["query", "page"]);
      expect(detail[0]!.type).toMatch(/less_than_equal|int_parsing/);
    }
    await refused("GET", "/prompt-templates?per_page=1001", undefined, ["query", "per_page"]);
    const last = await client.call("GET", "/prompt-templates?page=2147483647&per_page=1000");
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    expect(last.body).toMatchObject({ items: [], page: 2_147_483_647, per_page: 1000, has_next: false, has_prev: true });
  });

  it("refuses unsafe integers in the other query strings with 422", async () => {
    await refused("GET", "/prompt-templates/extreme?version=9223372036854775808", undefined, ["query", "version"]);
    await refused("GET", "/api/local/requests?before_id=100000000000000000000", undefined, ["query", "before_id"]);
    await refused("GET", "/workflow-version-execution-results?workflow_version_execution_id=18446744073709551616", undefined, ["query", "workflow_version_execution_id"]);
  });
});

describe("OTLP values out of range at /v1/traces", () => {
  let next = 0x100;
  const traceId = () => (next++).toString(16).padStart(32, "0");
  const genAi = [
    { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
    { key: "gen_ai.provider.name", value: { stringValue: "openai" } },
    { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
  ];
  const span = (overrides: Record<string, unknown> = {}) => ({
    traceId: traceId(),
    spanId: "00000000000000a1",
    name: "chat gpt-4o",
    kind: 3,
    startTimeUnixNano: "1700000000000000000",
    endTimeUnixNano: "1700000001000000000",
    attributes: genAi,
    ...overrides,
  });
  const exportSpans = async (...spans: Array<Record<string, unknown>>) => {
    const res = await fetch(`${client.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": KEY },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
    });
    return { status: res.status, body: (await res.json()) as { error?: string } };
  };
  /** The trace list, the trace and its request logs all read. */
  const readable = async (id: string) => {
    expect((await client.call("GET", "/api/local/traces?limit=500")).status).toBe(200);
    const trace = await client.call("GET", `/api/local/traces/${id}`);
    expect(trace.status).toBe(200);
    const logs = await client.call("GET", `/api/local/requests?trace_id=${id}`);
    expect(logs.status).toBe(200);
    return { trace: trace.body, logs: logs.body.items as Array<Record<string, unknown>> };
  };

  it.each([
    ["a decimal string past uint64", { startTimeUnixNano: "1" + "0".repeat(30) }, /startTimeUnixNano is out of the uint64 range/],
    ["2^64", { startTimeUnixNano: String(2n ** 64n) }, /startTimeUnixNano is out of the uint64 range/],
    ["a JSON number past uint64", { endTimeUnixNano: 1e20 }, /endTimeUnixNano is out of the uint64 range/],
    ["an event time past uint64", { events: [{ timeUnixNano: "9".repeat(40), name: "e" }] }, /timeUnixNano is out of the uint64 range/],
    ["a span kind that is no enum", { kind: 1e300 }, /kind must be an enum/],
    ["a status code that is no enum", { status: { code: "bogus" } }, /status\.code must be an enum/],
    ["an all-zero trace id", { traceId: "0".repeat(32) }, /traceId must not be all zero/],
    ["an all-zero span id", { spanId: "0".repeat(16) }, /spanId must not be all zero/],
  ])("answers a GenAI span with %s with 400, storing nothing", async (_label, overrides, message) => {
    const before = counts();
    const res = await exportSpans(span(overrides));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
    expect(counts()).toEqual(before);
    // The rest of the export is refused with it.
    expect((await exportSpans(span(), span(overrides))).status).toBe(400);
    expect(counts()).toEqual(before);
  });

  it("accepts the last uint64 nanosecond (year 2554), and enum names as the protobuf JSON mapping spells them", async () => {
    const s = span({ startTimeUnixNano: String(2n ** 64n - 1n), endTimeUnixNano: String(2n ** 64n - 1n), kind: "SPAN_KIND_CLIENT", status: { code: "STATUS_CODE_ERROR" } });
    expect((await exportSpans(s)).status).toBe(200);
    const { trace, logs } = await readable(s.traceId);
    expect(trace.trace).toMatchObject({ start_time: "2554-07-21T23:34:33.709Z", error_count: 1 });
    expect(trace.spans[0]).toMatchObject({ kind: 3, status: { code: 2 } });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ request_start_time: "2554-07-21T23:34:33.709", status: "ERROR" });
  });

  it("keeps token counts and versions that are no counts out of the request log and the trace totals", async () => {
    await publish(client, "extreme", chatTemplate([{ role: "user", text: "v2" }]));
    const attrs = (input: unknown, output: unknown, version: unknown) => [
      ...genAi,
      { key: "gen_ai.usage.input_tokens", value: input },
      { key: "gen_ai.usage.output_tokens", value: output },
      { key: "promptlayer.prompt.name", value: { stringValue: "extreme" } },
      { key: "promptlayer.prompt.version", value: version },
    ];
    const cases = [
      attrs({ doubleValue: 2 ** 53 + 2 }, { intValue: String(2n ** 62n) }, { doubleValue: 2 ** 53 + 2 }),
      attrs({ doubleValue: 1e308 }, { intValue: "-7257988469213517134" }, { stringValue: "1e300" }),
      attrs({ doubleValue: "NaN" }, { doubleValue: -1.5 }, { intValue: "-2" }),
    ];
    for (const attributes of cases) {
      const s = span({ attributes });
      expect((await exportSpans(s)).status).toBe(200);
      const { trace, logs } = await readable(s.traceId);
      expect(trace.trace).toMatchObject({ input_tokens: 0, output_tokens: 0 });
      expect(logs[0]).toMatchObject({ input_tokens: 0, output_tokens: 0, prompt_version_number: null });
    }
    // A valid version string still links.
    const linked = span({ attributes: attrs({ intValue: "3" }, { intValue: "4" }, { stringValue: "2" }) });
    expect((await exportSpans(linked)).status).toBe(200);
    expect((await readable(linked.traceId)).logs[0]).toMatchObject({ input_tokens: 3, output_tokens: 4, prompt_version_number: 2 });
  });

  it("caps a trace's token total at 2^53 − 1 when its spans' counts add up past it", async () => {
    const id = traceId();
    const spans = [1, 2, 3].map((i) =>
      span({ traceId: id, spanId: i.toString(16).padStart(16, "0"), attributes: [...genAi, { key: "gen_ai.usage.input_tokens", value: { intValue: String(2 ** 52 + i) } }] }),
    );
    expect((await exportSpans(...spans)).status).toBe(200);
    const { trace, logs } = await readable(id);
    expect(trace.trace).toMatchObject({ span_count: 3, input_tokens: Number.MAX_SAFE_INTEGER });
    expect(logs.map((l) => l.input_tokens).sort()).toEqual([2 ** 52 + 1, 2 ** 52 + 2, 2 ** 52 + 3]);
  });
});
