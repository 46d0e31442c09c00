/** Small readers for loosely typed JSON: request bodies, stored blobs, span attributes. */
export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
export const asObject = (value: unknown): Json => (isObject(value) ? value : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
export const asNumber = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
/**
 * A count (tokens) or a number like a version: a safe integer of at least `min`, else undefined.
 * Anything bigger is not exact in JSON, and SQLite would store an integer that node:sqlite then
 * refuses to read back.
 */
export const asCount = (value: unknown, min = 0): number | undefined => (typeof value === "number" && Number.isSafeInteger(value) && value >= min ? value : undefined);

/** A JSON value that may arrive as a JSON-encoded string (span attributes) or already structured. */
export function maybeParse(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** A deep copy of plain JSON data. */
export const clone = <T>(value: T): T => structuredClone(value);
