/**
 * Property-based tests of the OTLP receiver: whatever bytes arrive, the receiver answers with a
 * 2xx or a 4xx (never a 5xx, never a crash), and everything it accepts round-trips.
 */
import fc from "fast-check";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJson, decodeProtobuf, OtlpDecodeError, spansFromRequest } from "../../local/otlp/decode.js";
import { startOtlpReceiver, type OtlpReceiver } from "../../local/otlp/receiver.js";
import { ExportTraceServiceRequest } from "../../local/otlp/schema.js";

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver({ maxBodyBytes: 64 * 1024 });
});
afterAll(() => receiver.close());

const post = (body: Uint8Array | string, headers: Record<string, string>) =>
  fetch(receiver.url, { method: "POST", body, headers }).then(async (r) => ({ status: r.status, text: await r.text() }));

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString("hex"));
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
    traceId: hex(16),
    spanId: hex(8),
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
