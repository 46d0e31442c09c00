/**
 * Field checks for JSON bodies and query strings that collect every problem before failing, so a
 * 422 lists them all, in the service's `{loc, msg, type}` form.
 */
import { ValidationError, type Issue } from "../domain/errors.js";
import { isObject, type Json } from "../domain/json.js";

/** The body as an object: `null`/empty become `{}` when `optional`, otherwise 422. */
export function objectBody(body: unknown, optional = false): Json {
  if (body === undefined || body === null) {
    if (optional) return {};
    throw new ValidationError([{ loc: ["body"], msg: "Field required", type: "missing" }]);
  }
  if (!isObject(body)) throw new ValidationError([{ loc: ["body"], msg: "Input should be a valid dictionary", type: "dict_type" }]);
  return body;
}

/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z. */
const MIN_TIME_MS = -62_135_596_800_000;
const MAX_TIME_MS = 253_402_300_799_999;

interface Opts {
  required?: boolean;
}

export class Fields {
  readonly issues: Issue[] = [];

  constructor(
    private readonly source: Json,
    private readonly prefix: Array<string | number> = ["body"],
  ) {}

  private issue(key: string, msg: string, type: string): undefined {
    this.issues.push({ loc: [...this.prefix, key], msg, type });
    return undefined;
  }

  /** The raw value, or undefined for absent/null (and an issue when required). */
  private value(key: string, opts: Opts): unknown {
    const v = this.source[key];
    if (v === undefined || v === null) {
      if (opts.required) this.issue(key, "Field required", "missing");
      return undefined;
    }
    return v;
  }

  string(key: string, opts: Opts & { max?: number; min?: number } = {}): string | undefined {
    const v = this.value(key, opts);
    if (v === undefined) return undefined;
    if (typeof v !== "string") return this.issue(key, "Input should be a valid string", "string_type");
    if (opts.min !== undefined && v.length < opts.min) return this.issue(key, `String should have at least ${opts.min} character${opts.min === 1 ? "" : "s"}`, "string_too_short");
    if (opts.max !== undefined && v.length > opts.max) return this.issue(key, `String should have at most ${opts.max} characters`, "string_too_long");
    return v;
  }

  /**
   * An integer. Bounds default to the safe-integer range: past 2^53 a JSON number is no longer
   * exact, and SQLite (64-bit integers) or node:sqlite (which will not read back an integer it
   * cannot represent exactly) would fail on it later with a 500 instead of this 422.
   */
  int(key: string, opts: Opts & { min?: number; max?: number } = {}): number | undefined {
    let v = this.value(key, opts);
    if (v === undefined) return undefined;
    if (typeof v === "string" && /^-?\d+$/.test(v.trim())) v = Number(v);
    if (typeof v !== "number" || !Number.isInteger(v)) return this.issue(key, "Input should be a valid integer", "int_parsing");
    const min = Math.max(opts.min ?? -Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER);
    const max = Math.min(opts.max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (v < min) return this.issue(key, `Input should be greater than or equal to ${min}`, "greater_than_equal");
    if (v > max) return this.issue(key, `Input should be less than or equal to ${max}`, "less_than_equal");
    return v;
  }

  number(key: string, opts: Opts & { min?: number; max?: number } = {}): number | undefined {
    let v = this.value(key, opts);
    if (v === undefined) return undefined;
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) v = Number(v); // query strings
    if (typeof v !== "number" || !Number.isFinite(v)) return this.issue(key, "Input should be a valid number", "float_parsing");
    if (opts.min !== undefined && v < opts.min) return this.issue(key, `Input should be greater than or equal to ${opts.min}`, "greater_than_equal");
    if (opts.max !== undefined && v > opts.max) return this.issue(key, `Input should be less than or equal to ${opts.max}`, "less_than_equal");
    return v;
  }

  bool(key: string, opts: Opts = {}): boolean | undefined {
    const v = this.value(key, opts);
    if (v === undefined) return undefined;
    if (v === "true" || v === "1") return true;
    if (v === "false" || v === "0") return false;
    if (typeof v !== "boolean") return this.issue(key, "Input should be a valid boolean", "bool_parsing");
    return v;
  }

  object(key: string, opts: Opts = {}): Json | undefined {
    const v = this.value(key, opts);
    if (v === undefined) return undefined;
    if (!isObject(v)) return this.issue(key, "Input should be a valid dictionary", "dict_type");
    return v;
  }

  /** An object of string values (`metadata`), keys at most `maxKey` characters. */
  stringMap(key: string, opts: Opts & { maxKey?: number } = {}): Record<string, string> | undefined {
    const v = this.object(key, opts);
    if (v === undefined) return undefined;
    for (const [k, val] of Object.entries(v)) {
      if (typeof val !== "string") {
        this.issues.push({ loc: [...this.prefix, key, k], msg: "Input should be a valid string", type: "string_type" });
        return undefined;
      }
      if (opts.maxKey !== undefined && k.length > opts.maxKey) {
        this.issues.push({ loc: [...this.prefix, key, k], msg: `Key should have at most ${opts.maxKey} characters`, type: "string_too_long" });
        return undefined;
      }
    }
    return v as Record<string, string>;
  }

  stringArray(key: string, opts: Opts & { maxItem?: number } = {}): string[] | undefined {
    const v = this.value(key, opts);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return this.issue(key, "Input should be a valid list", "list_type");
    for (const [i, item] of v.entries()) {
      if (typeof item !== "string") {
        this.issues.push({ loc: [...this.prefix, key, i], msg: "Input should be a valid string", type: "string_type" });
        return undefined;
      }
      if (opts.maxItem !== undefined && item.length > opts.maxItem) {
        this.issues.push({ loc: [...this.prefix, key, i], msg: `String should have at most ${opts.maxItem} characters`, type: "string_too_long" });
        return undefined;
      }
    }
    return v as string[];
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], opts: Opts = {}): T | undefined {
    const v = this.value(key, opts);
    if (v === undefined) return undefined;
    if (typeof v !== "string" || !allowed.includes(v as T)) return this.issue(key, `Input should be ${allowed.map((a) => `'${a}'`).join(", ")}`, "enum");
    return v as T;
  }

  /**
   * A time as an ISO 8601 string or epoch seconds (what the Python SDK sends); returned as ISO.
   * Years 1–9999 only (Python's and so the service's datetime range, and what a four-digit ISO
   * year can show); beyond that `Date` cannot even represent most of them.
   */
  time(key: string, opts: Opts = {}): string | undefined {
    const v = this.value(key, opts);
    if (v === undefined) return undefined;
    const ms = typeof v === "number" ? v * 1000 : typeof v === "string" ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || !/T/.test(v) ? v : v + "Z") : NaN;
    if (!Number.isFinite(ms)) return this.issue(key, "Input should be a valid datetime (ISO 8601 or epoch seconds)", "datetime_parsing");
    if (ms < MIN_TIME_MS || ms > MAX_TIME_MS) return this.issue(key, "Input should be a datetime between years 1 and 9999", "datetime_parsing");
    return new Date(ms).toISOString();
  }

  /** Throws the collected issues, if any. */
  done(): void {
    if (this.issues.length) throw new ValidationError(this.issues);
  }
}

/** Query parameters as a plain object (first value wins), for `Fields`. */
export function queryObject(query: URLSearchParams): Json {
  const out: Json = {};
  for (const [k, v] of query) if (!(k in out)) out[k] = v;
  return out;
}
