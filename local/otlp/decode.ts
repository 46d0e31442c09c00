/**
 * Decodes OTLP/HTTP trace requests (protobuf or JSON) into plain spans with hex ids and
 * attribute values as ordinary JS values.
 */
import { spansFromProtobuf } from "./protobuf-spans.js";
import { hexId, OtlpDecodeError, type AttributeMap, type AttributeValue, type ReceivedSpan } from "./received-span.js";

export { OtlpDecodeError, type AttributeMap, type AttributeValue, type ReceivedEvent, type ReceivedSpan } from "./received-span.js";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const MAX_UINT64 = 2n ** 64n - 1n;

/**
 * A fixed64 timestamp: a decimal string or a JSON number, within uint64 like the protobuf field
 * (so every accepted time is a valid date, up to the year 2554).
 */
function nanos(v: unknown, field: string): string {
  if (v === undefined || v === null) return "0";
  const s = typeof v === "object" ? String(v) : String(v);
  if (!/^\d+$/.test(s)) throw new OtlpDecodeError(`${field} must be an unsigned integer`);
  const digits = s.replace(/^0+(?=\d)/, "");
  // The length check first: BigInt() of a megabyte of digits is slow.
  if (digits.length > 20 || BigInt(digits) > MAX_UINT64) throw new OtlpDecodeError(`${field} is out of the uint64 range`);
  return digits;
}

const SPAN_KINDS = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"];
const STATUS_CODES = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"];
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** An enum field in the protobuf JSON mapping: its number (any int32, as protobuf enums are open) or its name. */
function enumValue(v: unknown, names: readonly string[], field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "string" && names.includes(v)) return names.indexOf(v);
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < INT32_MIN || n > INT32_MAX) throw new OtlpDecodeError(`${field} must be an enum number or name`);
  return n;
}

function anyValue(v: unknown): AttributeValue {
  if (!isObj(v)) return null;
  if ("stringValue" in v) return String(v.stringValue);
  if ("boolValue" in v) return Boolean(v.boolValue);
  if ("intValue" in v) {
    const n = Number(String(v.intValue));
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if ("doubleValue" in v) return Number(v.doubleValue);
  if ("arrayValue" in v) return list(isObj(v.arrayValue) ? v.arrayValue.values : undefined).map(anyValue);
  if ("kvlistValue" in v) return attributes(isObj(v.kvlistValue) ? v.kvlistValue.values : undefined);
  if ("bytesValue" in v) {
    const b = v.bytesValue;
    return b instanceof Uint8Array ? Buffer.from(b).toString("base64") : String(b);
  }
  return null;
}

function attributes(v: unknown): AttributeMap {
  const out: AttributeMap = {};
  for (const kv of list(v)) {
    if (isObj(kv) && typeof kv.key === "string") out[kv.key] = anyValue(kv.value);
  }
  return out;
}

/** Flattens a decoded ExportTraceServiceRequest (either encoding) into spans. */
export function spansFromRequest(request: unknown): ReceivedSpan[] {
  if (!isObj(request)) throw new OtlpDecodeError("body must be an ExportTraceServiceRequest object");
  if (request.resourceSpans !== undefined && !Array.isArray(request.resourceSpans)) {
    throw new OtlpDecodeError("resourceSpans must be an array");
  }
  const spans: ReceivedSpan[] = [];
  for (const rs of list(request.resourceSpans)) {
    if (!isObj(rs)) throw new OtlpDecodeError("resourceSpans items must be objects");
    const resource = attributes(isObj(rs.resource) ? rs.resource.attributes : undefined);
    for (const ss of list(rs.scopeSpans)) {
      if (!isObj(ss)) throw new OtlpDecodeError("scopeSpans items must be objects");
      const scope = isObj(ss.scope) ? ss.scope : {};
      for (const s of list(ss.spans)) {
        if (!isObj(s)) throw new OtlpDecodeError("spans items must be objects");
        const status = isObj(s.status) ? s.status : {};
        spans.push({
          traceId: hexId(s.traceId, "traceId", 16, true)!,
          spanId: hexId(s.spanId, "spanId", 8, true)!,
          parentSpanId: hexId(s.parentSpanId, "parentSpanId", 8, false),
          name: typeof s.name === "string" ? s.name : "",
          kind: enumValue(s.kind, SPAN_KINDS, "kind"),
          startTimeUnixNano: nanos(s.startTimeUnixNano, "startTimeUnixNano"),
          endTimeUnixNano: nanos(s.endTimeUnixNano, "endTimeUnixNano"),
          attributes: attributes(s.attributes),
          events: list(s.events).filter(isObj).map((e) => ({
            name: typeof e.name === "string" ? e.name : "",
            timeUnixNano: nanos(e.timeUnixNano, "timeUnixNano"),
            attributes: attributes(e.attributes),
          })),
          status: {
            code: enumValue(status.code, STATUS_CODES, "status.code"),
            ...(typeof status.message === "string" && status.message ? { message: status.message } : {}),
          },
          resource,
          scope: {
            name: typeof scope.name === "string" ? scope.name : "",
            ...(typeof scope.version === "string" && scope.version ? { version: scope.version } : {}),
          },
        });
      }
    }
  }
  return spans;
}

/** Protobuf bodies are read straight into spans (see protobuf-spans.ts for why not protobufjs). */
export function decodeProtobuf(body: Uint8Array): ReceivedSpan[] {
  return spansFromProtobuf(body);
}

export function decodeJson(body: string): ReceivedSpan[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new OtlpDecodeError(`malformed JSON: ${(error as Error).message}`);
  }
  return spansFromRequest(parsed);
}
