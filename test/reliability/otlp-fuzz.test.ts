/**
 * Property-based tests of the OTLP receiver: whatever bytes arrive, the receiver answers with a
 * 2xx or a 4xx (never a 5xx, never a crash), and everything it accepts round-trips.
 */
import fc from "fast-check";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJson, decodeProtobuf, OtlpDecodeError } from "../../local/otlp/decode.js";
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
const anyValue = fc.oneof(
  fc.string().map((s) => ({ stringValue: s })),
  fc.boolean().map((b) => ({ boolValue: b })),
  fc.integer().map((n) => ({ intValue: String(n) })),
  // JSON text cannot carry -0 (JSON.stringify(-0) is "0") while protobuf can, so the same request
  // is only expressible in both encodings without it.
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)).map((d) => ({ doubleValue: d })),
);
const span = fc.record({
  traceId: hex(16),
  spanId: hex(8),
  name: fc.string(),
  kind: fc.integer({ min: 0, max: 5 }),
  startTimeUnixNano: fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String),
  endTimeUnixNano: fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String),
  attributes: fc.array(fc.record({ key: fc.string({ minLength: 1 }), value: anyValue }), { maxLength: 5 }),
});
const request = fc.array(span, { maxLength: 5 }).map((spans) => ({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "fuzz" }, spans }] }] }));

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
        expect(fromProto.map((s) => [s.traceId, s.spanId, s.name, s.startTimeUnixNano])).toEqual(fromJson.map((s) => [s.traceId, s.spanId, s.name, s.startTimeUnixNano]));
        expect(fromProto.map((s) => s.attributes)).toEqual(fromJson.map((s) => s.attributes));
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

  it("refuses bodies over the size limit with 413, also when they only grow once decompressed", async () => {
    const big = Buffer.alloc(200 * 1024, 0x20);
    expect((await post(big, { "content-type": "application/json" })).status).toBe(413);
    expect((await post(gzipSync(big), { "content-type": "application/json", "content-encoding": "gzip" })).status).toBe(413);
  });
});

/** The JSON encoding's hex ids become bytes for the protobuf encoder. */
function toProtoShape(req: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> }) {
  return {
    ...req,
    resourceSpans: req.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...ss,
        spans: ss.spans.map((s) => ({ ...s, traceId: Buffer.from(String(s.traceId), "hex"), spanId: Buffer.from(String(s.spanId), "hex") })),
      })),
    })),
  };
}
