/**
 * A small ZIP reader and writer for skill collections — enough for what tools such as `zip`,
 * Finder, Windows Explorer and this package write: stored (method 0) and deflate (method 8)
 * entries, no encryption, no ZIP64, no split archives. Anything else is refused with a typed error
 * rather than misread. The client reads archives (`skills.publish({zipFile})`); the local backend
 * writes them (`?format=zip`), so both live here, next to each other, and the tests round-trip them.
 */
import * as zlib from "node:zlib";
import { PromptLayerValidationError } from "../../errors.js";

export interface ZipEntry {
  /** The entry's name as stored (forward slashes, relative). */
  path: string;
  data: Uint8Array;
}

export interface WriteZipOptions {
  /** Modification time of every entry (default: now). A fixed date makes the archive reproducible. */
  date?: Date;
  /** Default `store`: skill files are small text, and stored entries keep the writer trivial. */
  compression?: "store" | "deflate";
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const STORED = 0;
const DEFLATE = 8;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8_NAMES = 0x0800;
/** "Made by" Unix, spec 2.0: lets `unzip` apply the permission bits below. */
const MADE_BY_UNIX = (3 << 8) | 20;
/** A regular file, rw-r--r--. */
const REGULAR_FILE_ATTRS = (0o100644 << 16) >>> 0;
const MAX_COMMENT = 0xffff;

// ---- CRC-32 ----

let table: Uint32Array | undefined;

/** The zip CRC-32 (IEEE). `zlib.crc32` exists from Node 22.2; the table version covers older 22.x. */
export function crc32(data: Uint8Array): number {
  return typeof zlib.crc32 === "function" ? zlib.crc32(data) >>> 0 : tableCrc32(data);
}

/** CRC-32 by the classic 256-entry table (exported for the test that pins it to `zlib.crc32`). */
export function tableCrc32(data: Uint8Array): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// ---- reading ----

const invalid = (message: string) => new PromptLayerValidationError("zipFile", message);

function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - 22;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT; at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw invalid("not a ZIP archive (no end-of-central-directory record)");
}

/**
 * The archive's files, in central-directory order. Directory entries and macOS resource forks
 * (`__MACOSX/…`, which Finder adds and which are not files of the skill) are left out. Each
 * entry's size and CRC-32 are checked; inflation is capped at the declared size.
 */
export function readZip(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset: number, length: number, what: string) => {
    if (offset < 0 || offset + length > bytes.byteLength) throw invalid(`truncated archive (${what} runs past the end)`);
  };
  const end = findEndOfCentralDirectory(view);
  if (view.getUint16(end + 4, true) !== 0 || view.getUint16(end + 6, true) !== 0) throw invalid("split (multi-disk) archives are not supported");
  const count = view.getUint16(end + 10, true);
  const directoryOffset = view.getUint32(end + 16, true);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw invalid("ZIP64 archives are not supported");
  const names = new TextDecoder("utf-8");

  const entries: ZipEntry[] = [];
  let p = directoryOffset;
  for (let i = 0; i < count; i++) {
    need(p, 46, "central directory");
    if (view.getUint32(p, true) !== CENTRAL_HEADER) throw invalid("corrupt central directory");
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const localOffset = view.getUint32(p + 42, true);
    need(p + 46, nameLength, "entry name");
    // Names are decoded as UTF-8 whether or not flag 11 says so: that is what zip tools on
    // Linux and macOS write, and ASCII (the common case) reads the same either way.
    const path = names.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    p += 46 + nameLength + extraLength + commentLength;

    if (path.endsWith("/") || path.startsWith("__MACOSX/")) continue;
    if (flags & FLAG_ENCRYPTED) throw invalid(`entry "${path}" is encrypted; encrypted archives are not supported`);
    if (method !== STORED && method !== DEFLATE) throw invalid(`entry "${path}" uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw invalid("ZIP64 archives are not supported");

    // The local header's name and extra field may differ in length from the central copy;
    // its sizes may be zero (flag 3, data descriptor), so the central directory's are used.
    need(localOffset, 30, `local header of "${path}"`);
    if (view.getUint32(localOffset, true) !== LOCAL_HEADER) throw invalid(`corrupt local header for "${path}"`);
    const start = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    need(start, compressedSize, `data of "${path}"`);
    const raw = bytes.subarray(start, start + compressedSize);

    let data: Uint8Array;
    if (method === STORED) {
      data = raw;
    } else {
      try {
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
      } catch (error) {
        throw invalid(`entry "${path}" could not be inflated: ${(error as Error).message}`);
      }
    }
    if (data.byteLength !== size) throw invalid(`entry "${path}" is ${data.byteLength} bytes, the archive says ${size}`);
    if (crc32(data) !== crc) throw invalid(`entry "${path}" fails its CRC-32 check (corrupt archive)`);
    entries.push({ path, data });
  }
  return entries;
}

// ---- writing ----

/** MS-DOS date and time (2-second resolution, 1980–2107), in UTC so archives do not depend on the machine's zone. */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/** An archive of `entries` (UTF-8 names, Unix rw-r--r-- files). Strings are written as UTF-8. */
export function writeZip(entries: ReadonlyArray<{ path: string; data: Uint8Array | string }>, options: WriteZipOptions = {}): Uint8Array {
  if (entries.length >= 0xffff) throw new RangeError("writeZip: too many entries for a non-ZIP64 archive");
  const stamp = dosDateTime(options.date ?? new Date());
  const method = options.compression === "deflate" ? DEFLATE : STORED;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;

  for (const entry of entries) {
    const name = Buffer.from(entry.path, "utf8");
    const data = typeof entry.data === "string" ? Buffer.from(entry.data, "utf8") : entry.data;
    const stored = method === DEFLATE ? zlib.deflateRawSync(data) : data;
    const crc = crc32(data);
    if (offset + 30 + name.length + stored.byteLength > 0xffffffff) throw new RangeError("writeZip: archive too large for a non-ZIP64 archive");

    const local = Buffer.alloc(30 + name.length);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(FLAG_UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(stamp.time, 10);
    local.writeUInt16LE(stamp.date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.byteLength, 18);
    local.writeUInt32LE(data.byteLength, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    name.copy(local, 30);

    const central = Buffer.alloc(46 + name.length);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(FLAG_UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(stamp.time, 12);
    central.writeUInt16LE(stamp.date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.byteLength, 20);
    central.writeUInt32LE(data.byteLength, 24);
    central.writeUInt16LE(name.length, 28);
    // extra (30), comment (32), disk (34), internal attributes (36): all zero
    central.writeUInt32LE(REGULAR_FILE_ATTRS, 38);
    central.writeUInt32LE(offset, 42);
    name.copy(central, 46);

    locals.push(local, Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength));
    centrals.push(central);
    offset += local.length + stored.byteLength;
  }

  const directorySize = centrals.reduce((n, c) => n + c.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directorySize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
