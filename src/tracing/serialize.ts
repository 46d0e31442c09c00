/**
 * Turns any value into a bounded JSON string without ever throwing: circular references, BigInt,
 * Map/Set, binary data, class instances, functions, throwing getters and hostile proxies all have a
 * defined rendering. Output stays valid JSON; whatever did not fit is replaced by a visible
 * `[truncated …]` marker.
 */
export interface SerializeLimits {
  /** Approximate upper bound on the whole output, in characters. */
  maxLength: number;
  /** Nesting deeper than this is rendered as a marker. */
  maxDepth: number;
  /** Array items / object keys kept per container. */
  maxItems: number;
  /** Characters kept per string. */
  maxStringLength: number;
}

export const DEFAULT_SERIALIZE_LIMITS: SerializeLimits = {
  maxLength: 32 * 1024,
  maxDepth: 10,
  maxItems: 100,
  maxStringLength: 8 * 1024,
};

class Writer {
  out = "";
  full = false;
  private readonly path = new Set<object>();

  constructor(private readonly limits: SerializeLimits) {}

  private overBudget(): boolean {
    if (this.out.length >= this.limits.maxLength) this.full = true;
    return this.full;
  }

  private str(s: string): void {
    const room = Math.max(64, this.limits.maxLength - this.out.length);
    const keep = Math.min(this.limits.maxStringLength, room);
    this.out += JSON.stringify(s.length > keep ? `${s.slice(0, keep)}…[truncated ${s.length - keep} chars]` : s);
  }

  value(v: unknown, depth: number): void {
    switch (typeof v) {
      case "string":
        return this.str(v);
      case "number":
        this.out += Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
        return;
      case "boolean":
        this.out += v ? "true" : "false";
        return;
      case "bigint":
        return this.str(`${v}n`);
      case "symbol":
        return this.str(v.toString());
      case "function":
        return this.str(`[Function ${v.name || "anonymous"}]`);
      case "undefined":
        this.out += "null";
        return;
    }
    if (v === null) {
      this.out += "null";
      return;
    }
    this.object(v as object, depth);
  }

  private object(o: object, depth: number): void {
    if (this.path.has(o)) return this.str("[Circular]");
    if (depth >= this.limits.maxDepth) return this.str(Array.isArray(o) ? "[Array]" : "[Object]");
    // Inspect first, write second: a proxy trap or toJSON that throws must do so before any
    // character of this object is written, so the output stays valid JSON.
    let write: () => void;
    try {
      write = this.plan(o, depth);
    } catch (err) {
      return this.str(`[Unserializable: ${errorMessage(err)}]`);
    }
    this.path.add(o);
    try {
      write();
    } finally {
      this.path.delete(o);
    }
  }

  private plan(o: object, depth: number): () => void {
    const special = describeSpecial(o);
    if (special !== undefined) return () => this.str(special);
    if (o instanceof Date) {
      const t = o.getTime();
      return () => this.str(Number.isNaN(t) ? "Invalid Date" : new Date(t).toISOString());
    }
    if (Array.isArray(o)) {
      const arr = o as unknown[];
      const n = arr.length;
      return () => this.items(n, (i) => arr[i], depth);
    }
    if (o instanceof Set) {
      const values = [...o];
      return () => this.items(values.length, (i) => values[i], depth);
    }
    if (o instanceof Map) {
      const pairs = [...o].map(([k, v]): Entry => [typeof k === "string" ? k : safeKey(k), () => v]);
      return () => this.entries(pairs, depth);
    }
    if (o instanceof Error) return () => this.entries(errorEntries(o), depth);
    const toJSON = (o as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") {
      const replaced: unknown = toJSON.call(o);
      if (replaced !== o) return () => this.value(replaced, depth + 1);
    }
    const keys = Object.keys(o);
    return () => this.entries(keys.map((k): Entry => [k, () => (o as Record<string, unknown>)[k]]), depth);
  }

  private items(total: number, read: (i: number) => unknown, depth: number): void {
    this.out += "[";
    for (let i = 0; i < total; i++) {
      if (i > 0) this.out += ",";
      if (i >= this.limits.maxItems || this.overBudget()) {
        this.str(`[truncated ${total - i} more items]`);
        break;
      }
      let item: unknown;
      try {
        item = read(i);
      } catch (err) {
        item = `[Threw: ${errorMessage(err)}]`;
      }
      this.value(item, depth + 1);
    }
    this.out += "]";
  }

  private entries(entries: readonly Entry[], depth: number): void {
    this.out += "{";
    let written = 0;
    for (const [key, read] of entries) {
      let v: unknown;
      try {
        v = read();
      } catch (err) {
        v = `[Threw: ${errorMessage(err)}]`;
      }
      if (v === undefined || typeof v === "function") continue;
      if (written > 0) this.out += ",";
      if (written >= this.limits.maxItems || this.overBudget()) {
        this.out += `"…":`;
        this.str("[truncated more keys]");
        break;
      }
      this.str(key);
      this.out += ":";
      this.value(v, depth + 1);
      written++;
    }
    this.out += "}";
  }
}

type Entry = [string, () => unknown];

function describeSpecial(o: object): string | undefined {
  if (ArrayBuffer.isView(o)) return `[${o.constructor?.name ?? "TypedArray"} ${o.byteLength} bytes]`;
  if (o instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && o instanceof SharedArrayBuffer)) {
    return `[${o.constructor.name} ${o.byteLength} bytes]`;
  }
  if (o instanceof WeakMap) return "[WeakMap]";
  if (o instanceof WeakSet) return "[WeakSet]";
  if (o instanceof Promise) return "[Promise]";
  return undefined;
}

function errorEntries(e: Error): Entry[] {
  const own = Object.keys(e).filter((k) => k !== "name" && k !== "message" && k !== "cause");
  return [
    ["name", () => e.name],
    ["message", () => e.message],
    ...own.map((k): Entry => [k, () => (e as unknown as Record<string, unknown>)[k]]),
    ["cause", () => e.cause],
  ];
}

function safeKey(k: unknown): string {
  try {
    return typeof k === "object" && k !== null ? Object.prototype.toString.call(k) : String(k);
  } catch {
    return "[key]";
  }
}

function errorMessage(err: unknown): string {
  try {
    return err instanceof Error ? err.message : String(err);
  } catch {
    return "unknown error";
  }
}

/** A JSON string for `value`, bounded by `limits`; never throws. */
export function safeStringify(value: unknown, limits: Partial<SerializeLimits> = {}): string {
  const w = new Writer({ ...DEFAULT_SERIALIZE_LIMITS, ...limits });
  try {
    w.value(value, 0);
    return w.out;
  } catch (err) {
    // Only reachable through engine-level failures (e.g. stack overflow from a hostile structure).
    return JSON.stringify(`[Unserializable: ${errorMessage(err)}]`);
  }
}
