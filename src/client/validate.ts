/** Client-side argument checks; each failure is a `PromptLayerValidationError` naming the parameter. */
import { PromptLayerValidationError } from "../errors.js";

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function requireString(param: string, v: unknown, { max }: { max?: number } = {}): string {
  if (typeof v !== "string" || v.length === 0) throw new PromptLayerValidationError(param, "expected a non-empty string");
  if (max !== undefined && v.length > max) throw new PromptLayerValidationError(param, `at most ${max} characters (got ${v.length})`);
  return v;
}

/** A `{string: string}` map, as the service requires for metadata and metadata filters. */
export function requireStringMap(param: string, v: unknown): Record<string, string> {
  if (!isPlainObject(v)) throw new PromptLayerValidationError(param, "expected an object mapping strings to strings");
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== "string") throw new PromptLayerValidationError(param, `value of "${k}" must be a string (got ${value === null ? "null" : typeof value})`);
  }
  return v as Record<string, string>;
}

export function requireObject(param: string, v: unknown): Record<string, unknown> {
  if (!isPlainObject(v)) throw new PromptLayerValidationError(param, "expected an object");
  return v;
}

export function requireStringArray(param: string, v: unknown, { maxItemLength }: { maxItemLength?: number } = {}): string[] {
  if (!Array.isArray(v) || v.some((t) => typeof t !== "string")) throw new PromptLayerValidationError(param, "expected an array of strings");
  if (maxItemLength !== undefined) {
    const long = (v as string[]).find((t) => t.length > maxItemLength);
    if (long !== undefined) throw new PromptLayerValidationError(param, `each item must be at most ${maxItemLength} characters`);
  }
  return v as string[];
}

/** An integer within `[min, max]`. */
export function requireInt(param: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new PromptLayerValidationError(param, `expected an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`} (got ${String(v)})`);
  }
  return v;
}

/** Request ids are integers on the wire. */
export function requireId(param: string, v: unknown): number {
  return requireInt(param, v, 1);
}

/** Drops undefined values, so optional parameters the caller left out are not sent as null. */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}

export function deepCopy<T>(v: T): T {
  return structuredClone(v);
}
