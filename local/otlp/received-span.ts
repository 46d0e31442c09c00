/** What the OTLP receiver makes of a span, whichever encoding it arrived in. */

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

/**
 * A trace or span id as lowercase hex; absent or all-zero ids are `undefined`. A required id
 * (a span's own trace and span id) must be present and not all zero, which OTLP calls invalid.
 */
export function hexId(v: unknown, field: string, bytes: number, required: boolean): string | undefined {
  let hex: string | undefined;
  if (v instanceof Buffer) hex = v.length ? v.toString("hex") : undefined;
  else if (v instanceof Uint8Array) hex = v.length ? Buffer.from(v).toString("hex") : undefined;
  else if (typeof v === "string") hex = v.length ? v.toLowerCase() : undefined;
  else if (v !== undefined && v !== null) throw new OtlpDecodeError(`${field} must be bytes or a hex string`);
  if (hex === undefined) {
    if (required) throw new OtlpDecodeError(`${field} is required`);
    return undefined;
  }
  if (hex.length !== bytes * 2 || !/^[0-9a-f]+$/.test(hex)) throw new OtlpDecodeError(`${field} must be ${bytes} bytes`);
  if (!/^0+$/.test(hex)) return hex;
  if (required) throw new OtlpDecodeError(`${field} must not be all zero`);
  return undefined;
}
