/**
 * Property-based tests of the OTLP receiver: whatever bytes arrive, the receiver answers with a
 * 2xx or a 4xx (never a 5xx, never a crash), and everything it accepts round-trips. The local
 * backend's own `/v1/traces`, which also stores spans and turns GenAI spans into request logs, gets
 * the same promise under extreme timestamps, ids, enums and attribute values — and stores nothing
 * when it refuses, and can list and show whatever it accepted.
 */
import fc from "fast-check";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJson, decodeProtobuf, OtlpDecodeError, spansFromRequest } from "../../local/otlp/decode.js";
import { startOtlpReceiver, type OtlpReceiver } from "../../local/otlp/receiver.js";
import { ExportTraceServiceRequest } from "../../local/otlp/schema.js";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";

let receiver: OtlpReceiver;
let backend: LocalBackend;
beforeAll(async () => {
  receiver = await startOtlpReceiver({ maxBodyBytes: 64 * 1024 });
  backend = await startLocalBackend({ dataDir: ":memory:", seed: true, apiKey: "pl_fuzz", log: () => {} });
});
afterAll(async () => {
  await receiver.close();
  await backend.close();
});

const post = (body: Uint8Array | string, headers: Record<string, string>) =>
  fetch(receiver.url, { method: "POST", body, headers }).then(async (r) => ({ status: r.status, text: await r.text() }));

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString("hex"));
/** A valid trace or span id: OTLP calls an all-zero one invalid (a parent id may be all zero: no parent). */
const id = (bytes: number) => hex(bytes).filter((h) => !/^0+$/.test(h));
type Any = Record<string, unknown>;
const scalar = fc.oneof(
  fc.string().map((s): Any => ({ stringValue: s })),
  fc.boolean().map((b): Any => ({ boolValue: b })),
  fc.integer().map((n): Any => ({ intValue: String(n) })),
  // Beyond 2^53 and negative: int64 values travel as decimal strings.
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n): Any => ({ intValue: String(n) })),
  // JSON text cannot carry -0 (JSON.stringify(-0) is "0") while protobuf can, so the same request
  // is only expressible in both encodings without it.
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)).map((d): Any => ({ doubleValue: d })),
  fc.uint8Array({ maxLength: 16 }).map((b): Any => ({ bytesValue: Buffer.from(b).toString("base64") })),
);
const { value: anyValue } = fc.letrec<{ value: Any }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 3 }).map((values): Any => ({ arrayValue: { values } })),
    fc.array(fc.record({ key: fc.string({ minLength: 1 }), value: tie("value") }), { maxLength: 3 }).map((values): Any => ({ kvlistValue: { values } })),
  ),
}));
const keyValues = fc.array(fc.record({ key: fc.string({ minLength: 1 }), value: anyValue }), { maxLength: 5 });
const nanos = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const span = fc.record(
  {
    traceId: id(16),
    spanId: id(8),
    parentSpanId: hex(8),
    name: fc.string(),
    kind: fc.integer({ min: 0, max: 5 }),
    startTimeUnixNano: nanos,
    endTimeUnixNano: nanos,
    attributes: keyValues,
    events: fc.array(fc.record({ timeUnixNano: nanos, name: fc.string(), attributes: keyValues }), { maxLength: 2 }),
    status: fc.record({ code: fc.integer({ min: 0, max: 2 }), message: fc.string() }, { requiredKeys: ["code"] }),
  },
  { requiredKeys: ["traceId", "spanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes"] },
);
const scope = fc.record({ name: fc.string(), version: fc.string() }, { requiredKeys: ["name"] });
const request = fc
  .array(fc.record({ resource: fc.record({ attributes: keyValues }), scopeSpans: fc.array(fc.record({ scope, spans: fc.array(span, { maxLength: 4 }) }), { maxLength: 2 }) }), { maxLength: 2 })
  .map((resourceSpans) => ({ resourceSpans }));

describe("OTLP receiver under arbitrary input", () => {
  it("answers random bytes with a 4xx, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom("application/x-protobuf", "application/json", "text/plain"), fc.boolean(), async (bytes, type, gzip) => {
        const res = await post(gzip ? gzipSync(bytes) : bytes, { "content-type": type, ...(gzip ? { "content-encoding": "gzip" } : {}) });
        expect(res.status === 200 || (res.status >= 400 && res.status < 500)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("round-trips every well-formed request through both encodings", async () => {
    await fc.assert(
      fc.property(request, (req) => {
        const fromJson = decodeJson(JSON.stringify(req));
        const proto = ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(toProtoShape(req))).finish();
        const fromProto = decodeProtobuf(proto);
        expect(fromProto).toEqual(fromJson);
        // protobufjs, which the receiver used before reading the wire format itself, agrees too.
        const oracle = spansFromRequest(ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(proto), { longs: String, enums: Number, oneofs: false }));
        expect(fromProto).toEqual(oracle);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects structurally wrong JSON with a typed decode error, never anything else", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          decodeJson(JSON.stringify(value));
        } catch (error) {
          expect(error).toBeInstanceOf(OtlpDecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("refuses attribute values nested past a fixed depth with 400, instead of exhausting the stack", async () => {
    // Wire bytes by hand: protobufjs itself will not encode this deep.
    const varint = (n: number) => {
      const out: number[] = [];
      for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
      out.push(n);
      return Buffer.from(out);
    };
    const field = (no: number, payload: Buffer) => Buffer.concat([varint((no << 3) | 2), varint(payload.length), payload]);
    const nested = (depth: number) => {
      let value = field(1, Buffer.from("leaf")); // AnyValue { string_value }
      for (let i = 0; i < depth; i++) value = field(5, field(1, value)); // AnyValue { array_value { values } }
      const span = Buffer.concat([field(1, Buffer.alloc(16, 1)), field(2, Buffer.alloc(8, 2)), field(9, Buffer.concat([field(1, Buffer.from("k")), field(2, value)]))]);
      return field(1, field(2, field(2, span))); // request → resource spans → scope spans → span
    };
    expect(() => decodeProtobuf(nested(5_000))).toThrow(OtlpDecodeError);
    expect((await post(nested(5_000), { "content-type": "application/x-protobuf" })).status).toBe(400);
    expect(decodeProtobuf(nested(10))[0]!.attributes.k).toEqual([[[[[[[[[["leaf"]]]]]]]]]]);
  });

  it("refuses bodies over the size limit with 413, also when they only grow once decompressed", async () => {
    const big = Buffer.alloc(200 * 1024, 0x20);
    expect((await post(big, { "content-type": "application/json" })).status).toBe(413);
    expect((await post(gzipSync(big), { "content-type": "application/json", "content-encoding": "gzip" })).status).toBe(413);
  });
});

// ---- the backend's ingest path ----

/** Row counts of every table: a refused export must leave them all unchanged. */
function counts(): Record<string, number> {
  const db = backend.store.db.raw;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
  return Object.fromEntries(tables.map(({ name }) => [name, Number((db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n)]));
}

const backendGet = (path: string) => fetch(`${backend.url}${path}`, { headers: { "x-api-key": "pl_fuzz" } }).then(async (r) => ({ status: r.status, text: await r.text() }));

/** Posts an export to the backend; checks it is answered 200 or 4xx, stores nothing on a 4xx, and can be read back. */
async function ingest(body: Uint8Array | string, type: string, traceIds: string[]): Promise<number> {
  const before = counts();
  const res = await fetch(`${backend.url}/v1/traces`, { method: "POST", body, headers: { "content-type": type, "x-api-key": "pl_fuzz" } });
  const text = await res.text();
  expect(res.status === 200 || (res.status >= 400 && res.status < 500), `/v1/traces answered ${res.status} ${text}`).toBe(true);
  if (res.status !== 200) expect(counts(), `/v1/traces answered ${res.status} but stored something`).toEqual(before);
  // Whatever was accepted can be listed and shown (a stored value the read side cannot handle would 500 here).
  for (const path of ["/api/local/traces?limit=500", "/api/local/requests?limit=500", ...traceIds.filter((id) => /^[0-9a-f]{32}$/.test(id)).flatMap((id) => [`/api/local/traces/${id}`, `/api/local/requests?trace_id=${id}`])]) {
    const read = await backendGet(path);
    expect([200, 404], `GET ${path} after a ${res.status}: ${read.text}`).toContain(read.status);
  }
  return res.status;
}

/**
 * A valid value most of the time and a wild one otherwise (about 15 %), so that a span usually
 * has only one or two fields out of range and requests are both accepted and refused.
 */
const mostly = <T, W>(valid: fc.Arbitrary<T>, wild: fc.Arbitrary<W>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: wild });

/** Timestamps in and past uint64, as decimal strings and as JSON numbers (which lose precision past 2^53). */
const wildNanos = mostly(
  nanos,
  fc.oneof(
    fc.bigInt({ min: 2n ** 64n, max: 2n ** 100n }).map(String),
    fc.constantFrom<unknown>("18446744073709551615", "18446744073709551616", "0018446744073709551615", "9".repeat(40), "1" + "0".repeat(30), "-1", "1e30", "", "0x10", " 1", 1e20, 2 ** 64, 1e300, -1, 1.5, null),
    fc.bigInt({ min: 0n, max: 2n ** 70n }).map(Number),
  ),
);
/** Ids: sometimes all zero, the wrong length, not hex or not a string. */
const wildId = (bytes: number) => mostly(id(bytes), fc.oneof(fc.constantFrom<unknown>("0".repeat(bytes * 2), "g".repeat(bytes * 2), "", 5, null, "A".repeat(bytes * 2)), hex(bytes - 1), hex(bytes + 1)));
/** Enums by number (in and out of int32) or name. */
const wildEnum = mostly(fc.integer({ min: 0, max: 5 }), fc.constantFrom<unknown>("SPAN_KIND_CLIENT", "STATUS_CODE_ERROR", "STATUS_CODE_OK", "bogus", "2", 7, -1, 2 ** 31, -(2 ** 31) - 1, 1e300, 1.5, true, null));
/** Attribute values at the extremes of each OTLP type, including what protobuf can carry but JSON numbers cannot (NaN, ±Infinity). */
const extremeValue: fc.Arbitrary<Any> = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n): Any => ({ intValue: String(n) })),
  fc.constantFrom(0n, -1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 2n, 2n ** 63n - 1n, -(2n ** 63n)).map((n): Any => ({ intValue: String(n) })),
  fc.constantFrom(0, -0.5, 1.5, 2 ** 53, 2 ** 53 + 2, 1e20, 1e300, -1e300, Number.MAX_VALUE, Number.MIN_VALUE, 8.64e15).map((d): Any => ({ doubleValue: d })),
  fc.constantFrom("NaN", "Infinity", "-Infinity").map((d): Any => ({ doubleValue: d })),
  fc.double().map((d): Any => ({ doubleValue: Number.isFinite(d) ? d : String(d) })),
  fc.constantFrom("1", "-1", "1e300", "9007199254740993", "NaN", "", "support-reply", "2").map((v): Any => ({ stringValue: v })),
  fc.boolean().map((b): Any => ({ boolValue: b })),
);
/** The attributes ingest reads (GenAI semconv and PromptLayer's), with extreme values, on top of a loggable model call. */
const NUMERIC_ATTRIBUTES = ["gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "promptlayer.prompt.version", "promptlayer.prompt.id", "gen_ai.request.temperature", "gen_ai.request.max_tokens", "gen_ai.request.seed", "promptlayer.metadata.n", "user.id", "session.id", "promptlayer.request_log.managed"];
const genAiAttributes = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...NUMERIC_ATTRIBUTES), extremeValue), { maxLength: 4 }),
    fc.boolean(),
  )
  .map(([extremes, linked]) => [
    { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
    { key: "gen_ai.provider.name", value: { stringValue: "openai" } },
    { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
    { key: "gen_ai.input.messages", value: { stringValue: JSON.stringify([{ role: "user", parts: [{ type: "text", content: "q" }] }]) } },
    { key: "gen_ai.output.messages", value: { stringValue: JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "a" }] }]) } },
    ...(linked ? [{ key: "promptlayer.prompt.name", value: { stringValue: "support-reply" } }] : []),
    ...extremes.map(([key, value]) => ({ key, value })),
  ]);

/** A span ingest will read, with every field possibly out of range. */
const wildSpan = fc.record(
  {
    traceId: wildId(16),
    spanId: wildId(8),
    parentSpanId: wildId(8),
    name: fc.string(),
    kind: wildEnum,
    startTimeUnixNano: wildNanos,
    endTimeUnixNano: wildNanos,
    attributes: fc.oneof(genAiAttributes, keyValues),
    events: fc.array(fc.record({ timeUnixNano: wildNanos, name: fc.string(), attributes: keyValues }), { maxLength: 2 }),
    status: fc.record({ code: wildEnum, message: fc.string() }, { requiredKeys: [] }),
  },
  { requiredKeys: ["traceId", "spanId", "startTimeUnixNano", "endTimeUnixNano", "attributes"] },
);
const wildRequest = fc
  .array(fc.record({ resource: fc.record({ attributes: keyValues }), scopeSpans: fc.array(fc.record({ scope, spans: fc.array(wildSpan, { minLength: 1, maxLength: 2 }) }), { minLength: 1, maxLength: 2 }) }), { minLength: 1, maxLength: 2 })
  .map((resourceSpans) => ({ resourceSpans }));

/** The same, within what protobuf can encode: times in uint64, valid ids, int32 enums, int64 integers. */
const encodableSpan = fc.record(
  {
    traceId: id(16),
    spanId: id(8),
    name: fc.string(),
    kind: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    startTimeUnixNano: fc.oneof(nanos, fc.constantFrom("0", "18446744073709551615", "1700000000000000000")),
    endTimeUnixNano: fc.oneof(nanos, fc.constantFrom("0", "18446744073709551615", "1700000000000000000")),
    attributes: genAiAttributes,
    status: fc.record({ code: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  },
  { requiredKeys: ["traceId", "spanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes", "status"] },
);

const traceIdsOf = (req: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId?: unknown }> }> }> }): string[] =>
  req.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => String(s.traceId).toLowerCase())));

describe("the local backend's /v1/traces under extreme values", () => {
  it("answers 200 or 4xx to OTLP/JSON exports with out-of-range times, ids, enums and attribute values, storing nothing when it refuses", async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(wildRequest, async (req) => {
        statuses.add(await ingest(JSON.stringify(req), "application/json", traceIdsOf(req)));
      }),
      { numRuns: 150 },
    );
    // Both outcomes were exercised: the property is not vacuous.
    expect(statuses).toContain(200);
    expect(statuses).toContain(400);
  }, 30_000);

  it("stores and reads back extreme attribute values arriving as protobuf or JSON", async () => {
    const request = fc.array(encodableSpan, { minLength: 1, maxLength: 3 }).map((spans) => ({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "fuzz" }, spans }] }] }));
    await fc.assert(
      fc.asyncProperty(request, fc.boolean(), async (req, protobuf) => {
        const body = protobuf ? ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(toProtoShape(req))).finish() : JSON.stringify(req);
        const status = await ingest(body, protobuf ? "application/x-protobuf" : "application/json", traceIdsOf(req));
        expect(status, "every span here is encodable, so it is accepted").toBe(200);
      }),
      { numRuns: 80 },
    );
  }, 30_000);
});

/** The JSON encoding's hex ids become bytes for the protobuf encoder. */
function toProtoShape(req: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> }): Record<string, unknown> {
  return {
    ...req,
    resourceSpans: req.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...ss,
        spans: ss.spans.map((s) => ({
          ...s,
          traceId: Buffer.from(String(s.traceId), "hex"),
          spanId: Buffer.from(String(s.spanId), "hex"),
          ...(s.parentSpanId === undefined ? {} : { parentSpanId: Buffer.from(String(s.parentSpanId), "hex") }),
        })),
      })),
    })),
  };
}
