/** Small helpers for building request attributes from loosely typed SDK params. */
import type { Attributes } from "@opentelemetry/api";

export type Params = Record<string, unknown>;

export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

/** Sets `name` when `value` is a usable attribute value. */
export function put(attrs: Attributes, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value === "number") {
    if (Number.isFinite(value)) attrs[name] = value;
  } else if (typeof value === "string" || typeof value === "boolean") attrs[name] = value;
  else if (Array.isArray(value) && value.every((x) => typeof x === "string")) attrs[name] = value as string[];
}

/** `stop` may be a string or a list. */
export function stopSequences(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return undefined;
}

export function isObject(v: unknown): v is Params {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
