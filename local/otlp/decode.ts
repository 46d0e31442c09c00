/**
 * Decodes OTLP/HTTP trace requests (protobuf or JSON) into plain spans with hex ids and
 * attribute values as ordinary JS values.
 */
import { ExportTraceServiceRequest } from "./schema.js";

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type AttributeMap = Record<string, AttributeValue>;

export interface ReceivedEvent {
  name: string;
  timeUnixNano: string;
  attributes: AttributeMap;
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP span kind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: AttributeMap;
  events: ReceivedEvent[];
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  resource: AttributeMap;
  scope: { name: string; version?: string };
}

/** The request is not a well-formed OTLP trace export. */
export class OtlpDecodeError extends Error {}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function hexId(v: unknown, field: string, bytes: number, required: boolean): string | undefined {
  let hex: string | undefined;
  if (v instanceof Uint8Array) hex = v.length ? Buffer.from(v).toString("hex") : undefined;
  else if (typeof v === "string") hex = v.length ? v.toLowerCase() : undefined;
  else if (v !== undefined && v !== null) throw new OtlpDecodeError(`${field} must be bytes or a hex string`);
  if (hex === undefined) {
    if (required) throw new OtlpDecodeError(`${field} is required`);
    return undefined;
  }
  if (hex.length !== bytes * 2 || !/^[0-9a-f]+$/.test(hex)) throw new OtlpDecodeError(`${field} must be ${bytes} bytes`);
  return /^0+$/.test(hex) ? undefined : hex;
}

function nanos(v: unknown, field: string): string {
  if (v === undefined || v === null) return "0";
  const s = typeof v === "object" ? String(v) : String(v);
  if (!/^\d+$/.test(s)) throw new OtlpDecodeError(`${field} must be an unsigned integer`);
  return s;
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
          kind: Number(s.kind ?? 0),
          startTimeUnixNano: nanos(s.startTimeUnixNano, "startTimeUnixNano"),
          endTimeUnixNano: nanos(s.endTimeUnixNano, "endTimeUnixNano"),
          attributes: attributes(s.attributes),
          events: list(s.events).filter(isObj).map((e) => ({
            name: typeof e.name === "string" ? e.name : "",
            timeUnixNano: nanos(e.timeUnixNano, "timeUnixNano"),
            attributes: attributes(e.attributes),
          })),
          status: {
            code: Number(status.code ?? 0),
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

export function decodeProtobuf(body: Uint8Array): ReceivedSpan[] {
  let message;
  try {
    message = ExportTraceServiceRequest.decode(body);
  } catch (error) {
    throw new OtlpDecodeError(`malformed protobuf: ${(error as Error).message}`);
  }
  return spansFromRequest(ExportTraceServiceRequest.toObject(message, { longs: String, enums: Number, oneofs: false }));
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
