/**
 * A bounds-checked reader of the protobuf wire format, just what the OTLP trace decoder needs.
 * Every malformed input (truncated varint, length past the end, invalid UTF-8, unknown wire type)
 * throws `WireError`, which the decoder turns into a 400.
 */
import { isUtf8 } from "node:buffer";

export class WireError extends Error {}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;
export const WIRE_FIXED32 = 5;

const TWO_32 = 2 ** 32;

export class WireReader {
  readonly buf: Buffer;
  end: number;
  pos: number;

  // No parameter properties: local/ also runs from source under Node's type stripping.
  constructor(buf: Buffer, start: number, end: number) {
    this.buf = buf;
    this.end = end;
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A field key: field number and wire type. */
  tag(): number {
    return this.uint32();
  }

  /** A varint's low 32 bits, unsigned (the rest must still be well formed). */
  uint32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError("truncated varint");
      const byte = this.buf[this.pos++]!;
      if (shift < 32) result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result % TWO_32;
      shift += 7;
    }
    throw new WireError("varint longer than 10 bytes");
  }

  /** An int32 field (negative values are sent as 10-byte varints). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** An int64 as a number when it is a safe integer, else its decimal string. */
  int64(): number | string {
    let lo = 0;
    let hi = 0;
    for (let i = 0, shift = 0; i < 10; i++, shift += 7) {
      if (this.pos >= this.end) throw new WireError("truncated varint");
      const byte = this.buf[this.pos++]!;
      const bits = byte & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (byte < 0x80) return int64Value(lo >>> 0, hi >>> 0);
    }
    throw new WireError("varint longer than 10 bytes");
  }

  /** A fixed64 as its unsigned decimal string (nanosecond timestamps exceed 2^53). */
  fixed64String(): string {
    if (this.pos + 8 > this.end) throw new WireError("truncated fixed64");
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    const n = hi * TWO_32 + lo;
    return Number.isSafeInteger(n) ? String(n) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new WireError("truncated double");
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Skips over a length-delimited field, checked against the enclosing message; returns its start (`pos` is its end). */
  delimited(): number {
    const length = this.uint32();
    const start = this.pos;
    if (length > this.end - start) throw new WireError("length past the end of the message");
    this.pos = start + length;
    return start;
  }

  bytes(): Buffer {
    const start = this.delimited();
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    const start = this.delimited();
    const end = this.pos;
    if (end === start) return "";
    // Buffer#utf8Slice is what toString("utf8", …) calls after checking its arguments, already checked here.
    const text = (this.buf as Buffer & { utf8Slice(start: number, end: number): string }).utf8Slice(start, end);
    // Invalid UTF-8 decodes to U+FFFD; only then is the (rarer) exact check worth making.
    if (text.includes("\uFFFD") && !isUtf8(this.buf.subarray(start, end))) throw new WireError("invalid UTF-8 in a string field");
    return text;
  }

  /**
   * Narrows the reader to an embedded message and returns what `leave` needs to widen it again:
   * nested messages are read in place, without a reader object each.
   */
  enter(): number {
    const start = this.delimited();
    const outer = this.end;
    this.end = this.pos;
    this.pos = start;
    return outer;
  }

  /** Back to the enclosing message, just after the embedded one. */
  leave(outer: number): void {
    this.pos = this.end;
    this.end = outer;
  }

  /** Skips a field this decoder does not read. */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.uint32();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LENGTH:
        this.delimited();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw new WireError(`unsupported wire type ${wireType}`);
    }
  }

  /** Checks that a known field arrived with the wire type its schema gives it. */
  expect(wireType: number, expected: number): void {
    if (wireType !== expected) throw new WireError(`wire type ${wireType} where ${expected} was expected`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new WireError("truncated field");
    this.pos += n;
  }
}

/** Signed 64-bit value from two unsigned 32-bit halves. */
function int64Value(lo: number, hi: number): number | string {
  const negative = hi >= 0x80000000;
  if (!negative) {
    const n = hi * TWO_32 + lo;
    return Number.isSafeInteger(n) ? n : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }
  const big = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  return big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big.toString();
}
