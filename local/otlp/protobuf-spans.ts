/**
 * OTLP/protobuf trace requests read straight into `ReceivedSpan`s.
 *
 * protobufjs decoded a GenAI-shaped span (12 attributes) in about 14 µs, then `toObject` and the
 * flattening copied it twice more (25 µs per span in all, most of the receiver's CPU: it capped
 * lossless export at 25,000 spans/s, bench/RESULTS.md §2). Reading the wire format once, without
 * intermediate objects or Long values, does the same job several times faster. The schema
 * (opentelemetry/proto trace/v1 and common/v1, field numbers below) is small and stable; the
 * fuzz tests check this reader against protobufjs encodings of arbitrary requests.
 */
import { OtlpDecodeError, type AttributeMap, type AttributeValue, type ReceivedEvent, type ReceivedSpan } from "./received-span.js";
import { WIRE_FIXED64, WIRE_LENGTH, WIRE_VARINT, WireError, WireReader } from "./wire-reader.js";

interface Scope {
  name: string;
  version?: string;
}

const EMPTY_SCOPE: Scope = { name: "" };
const MAX_NESTING = 64;

export function spansFromProtobuf(body: Uint8Array): ReceivedSpan[] {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const spans: ReceivedSpan[] = [];
  try {
    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    eachFirstField(new WireReader(buf, 0, buf.length), resourceSpans, spans, undefined);
  } catch (error) {
    if (error instanceof WireError) throw new OtlpDecodeError(`malformed protobuf: ${error.message}`);
    throw error;
  }
  return spans;
}

type Read<A, B, T> = (r: WireReader, a: A, b: B) => T;

/** Reads a length-delimited field's embedded message in place with `read` (a plain function: no closure per field). */
function embedded<A, B, T>(r: WireReader, wireType: number, read: Read<A, B, T>, a: A, b: B): T {
  r.expect(wireType, WIRE_LENGTH);
  const outer = r.enter();
  const value = read(r, a, b);
  r.leave(outer);
  return value;
}

/** A message whose one field of interest is `repeated <message> = 1`. */
function eachFirstField<A, B>(r: WireReader, read: Read<A, B, void>, a: A, b: B): void {
  while (!r.done) {
    const tag = r.tag();
    if (tag >>> 3 === 1) embedded(r, tag & 7, read, a, b);
    else r.skip(fieldWireType(tag));
  }
}

/** Field 0 does not exist; its tag means the bytes are not a protobuf message. */
function fieldWireType(tag: number): number {
  if (tag >>> 3 === 0) throw new WireError("field number 0");
  return tag & 7;
}

/** ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; } */
function resourceSpans(r: WireReader, out: ReceivedSpan[]): void {
  let resource: AttributeMap = {};
  // Scope spans may precede the resource on the wire: collect, then attach.
  const start = out.length;
  while (!r.done) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1) embedded(r, tag & 7, resourceAttributes, (resource = {}), undefined);
    else if (field === 2) embedded(r, tag & 7, scopeSpans, out, undefined);
    else r.skip(fieldWireType(tag));
  }
  for (let i = start; i < out.length; i++) out[i]!.resource = resource;
}

/** ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; } */
function scopeSpans(r: WireReader, out: ReceivedSpan[]): void {
  let scope = EMPTY_SCOPE;
  const start = out.length;
  while (!r.done) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1) scope = embedded(r, tag & 7, instrumentationScope, undefined, undefined);
    else if (field === 2) out.push(embedded(r, tag & 7, span, r.buf, undefined));
    else r.skip(fieldWireType(tag));
  }
  for (let i = start; i < out.length; i++) out[i]!.scope = scope;
}

/** InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; … } */
function instrumentationScope(r: WireReader): Scope {
  const scope: Scope = { name: "" };
  while (!r.done) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1 || field === 2) {
      r.expect(tag & 7, WIRE_LENGTH);
      const value = r.string();
      if (field === 1) scope.name = value;
      else if (value) scope.version = value;
      else delete scope.version;
    } else r.skip(fieldWireType(tag));
  }
  return scope;
}

/**
 * Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
 * string name = 5; SpanKind kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
 * repeated KeyValue attributes = 9; repeated Event events = 11; Status status = 15; … }
 */
function span(r: WireReader, buf: Buffer): ReceivedSpan {
  // Ids are kept as offsets into the body and hex-encoded from there.
  let traceId = -1;
  let traceIdEnd = -1;
  let spanId = -1;
  let spanIdEnd = -1;
  let parentSpanId = -1;
  let parentSpanIdEnd = -1;
  let name = "";
  let kind = 0;
  let startTimeUnixNano = "0";
  let endTimeUnixNano = "0";
  const attributes: AttributeMap = {};
  const events: ReceivedEvent[] = [];
  let status: ReceivedSpan["status"] = { code: 0 };
  while (!r.done) {
    const tag = r.tag();
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        r.expect(wireType, WIRE_LENGTH);
        traceId = r.delimited();
        traceIdEnd = r.pos;
        break;
      case 2:
        r.expect(wireType, WIRE_LENGTH);
        spanId = r.delimited();
        spanIdEnd = r.pos;
        break;
      case 4:
        r.expect(wireType, WIRE_LENGTH);
        parentSpanId = r.delimited();
        parentSpanIdEnd = r.pos;
        break;
      case 5:
        r.expect(wireType, WIRE_LENGTH);
        name = r.string();
        break;
      case 6:
        r.expect(wireType, WIRE_VARINT);
        kind = r.int32();
        break;
      case 7:
        r.expect(wireType, WIRE_FIXED64);
        startTimeUnixNano = r.fixed64String();
        break;
      case 8:
        r.expect(wireType, WIRE_FIXED64);
        endTimeUnixNano = r.fixed64String();
        break;
      case 9:
        embedded(r, wireType, keyValue, attributes, 0);
        break;
      case 11:
        events.push(embedded(r, wireType, event, undefined, undefined));
        break;
      case 15:
        status = embedded(r, wireType, spanStatus, undefined, undefined);
        break;
      default:
        r.skip(fieldWireType(tag));
    }
  }
  return {
    traceId: wireId(buf, traceId, traceIdEnd, "traceId", 16, true)!,
    spanId: wireId(buf, spanId, spanIdEnd, "spanId", 8, true)!,
    parentSpanId: wireId(buf, parentSpanId, parentSpanIdEnd, "parentSpanId", 8, false),
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    events,
    status,
    resource: {},
    scope: EMPTY_SCOPE,
  };
}

/** The same rules as `hexId` (absent or all-zero → undefined), read from the body in place. */
function wireId(buf: Buffer, start: number, end: number, field: string, bytes: number, required: boolean): string | undefined {
  if (start < 0 || start === end) {
    if (required) throw new OtlpDecodeError(`${field} is required`);
    return undefined;
  }
  if (end - start !== bytes) throw new OtlpDecodeError(`${field} must be ${bytes} bytes`);
  for (let i = start; i < end; i++) if (buf[i] !== 0) return buf.toString("hex", start, end);
  if (required) throw new OtlpDecodeError(`${field} must not be all zero`);
  return undefined;
}

/** Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; … } */
function event(r: WireReader): ReceivedEvent {
  const e: ReceivedEvent = { name: "", timeUnixNano: "0", attributes: {} };
  while (!r.done) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1) {
      r.expect(tag & 7, WIRE_FIXED64);
      e.timeUnixNano = r.fixed64String();
    } else if (field === 2) {
      r.expect(tag & 7, WIRE_LENGTH);
      e.name = r.string();
    } else if (field === 3) embedded(r, tag & 7, keyValue, e.attributes, 0);
    else r.skip(fieldWireType(tag));
  }
  return e;
}

/** Status { string message = 2; StatusCode code = 3; } */
function spanStatus(r: WireReader): ReceivedSpan["status"] {
  let code = 0;
  let message = "";
  while (!r.done) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 2) {
      r.expect(tag & 7, WIRE_LENGTH);
      message = r.string();
    } else if (field === 3) {
      r.expect(tag & 7, WIRE_VARINT);
      code = r.int32();
    } else r.skip(fieldWireType(tag));
  }
  return message ? { code, message } : { code };
}

/** KeyValue { string key = 1; AnyValue value = 2; } — a later duplicate key wins, as in JSON. */
function keyValue(r: WireReader, into: AttributeMap, depth: number): void {
  let key: string | undefined;
  let value: AttributeValue = null;
  while (!r.done) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1) {
      r.expect(tag & 7, WIRE_LENGTH);
      key = r.string();
    } else if (field === 2) value = embedded(r, tag & 7, anyValue, depth, undefined);
    else r.skip(fieldWireType(tag));
  }
  if (key !== undefined) into[key] = value;
}

/** Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; } */
function resourceAttributes(r: WireReader, into: AttributeMap): void {
  eachFirstField(r, keyValue, into, 0);
}

/** KeyValueList { repeated KeyValue values = 1; } */
function keyValueList(r: WireReader, into: AttributeMap, depth: number): void {
  eachFirstField(r, keyValue, into, depth + 1);
}

/** ArrayValue { repeated AnyValue values = 1; } */
function arrayValue(r: WireReader, items: AttributeValue[], depth: number): void {
  eachFirstField(r, arrayItem, items, depth + 1);
}

function arrayItem(r: WireReader, items: AttributeValue[], depth: number): void {
  items.push(anyValue(r, depth));
}

/**
 * AnyValue { oneof { string string_value = 1; bool bool_value = 2; int64 int_value = 3;
 * double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
 * The last member on the wire wins; an empty AnyValue is null.
 */
function anyValue(r: WireReader, depth: number): AttributeValue {
  // Arrays and maps nest; a hostile body must not exhaust the stack.
  if (depth > MAX_NESTING) throw new WireError(`values nested deeper than ${MAX_NESTING}`);
  let value: AttributeValue = null;
  while (!r.done) {
    const tag = r.tag();
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        r.expect(wireType, WIRE_LENGTH);
        value = r.string();
        break;
      case 2:
        r.expect(wireType, WIRE_VARINT);
        value = r.uint32() !== 0;
        break;
      case 3:
        r.expect(wireType, WIRE_VARINT);
        value = r.int64();
        break;
      case 4:
        r.expect(wireType, WIRE_FIXED64);
        value = r.double();
        break;
      case 5: {
        const items: AttributeValue[] = [];
        embedded(r, wireType, arrayValue, items, depth);
        value = items;
        break;
      }
      case 6: {
        const map: AttributeMap = {};
        embedded(r, wireType, keyValueList, map, depth);
        value = map;
        break;
      }
      case 7:
        r.expect(wireType, WIRE_LENGTH);
        value = r.bytes().toString("base64");
        break;
      default:
        r.skip(fieldWireType(tag));
    }
  }
  return value;
}
