/**
 * A/B releases (CONTRACT §7): a release label split by percentage across versions, optionally
 * with segments — metadata filters with their own split. A request's version is chosen from a
 * hash of (prompt, label, user), so one user keeps seeing the same version while the split holds,
 * and different prompts' experiments do not put the same users in the same arm. Without a user id
 * the choice is random.
 */
import { createHash, randomUUID } from "node:crypto";
import { ValidationError, type Issue } from "./errors.js";
import { isObject, type Json } from "./json.js";

export interface SplitEntry {
  version: number;
  percentage: number;
}

export interface Segment {
  name: string | null;
  /** Every key must equal the request's `metadata_filters` value for the segment to apply. */
  metadata_filters: Record<string, string>;
  split: SplitEntry[];
}

export interface ReleaseConfig {
  split: SplitEntry[];
  segments: Segment[];
}

/** Hash buckets per 100 %: percentages are whole numbers, so 10 000 buckets are exact. */
const BUCKETS = 10_000;

function parseSplit(raw: unknown, loc: Array<string | number>, issues: Issue[]): SplitEntry[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    issues.push({ loc, msg: "A split must be a non-empty list of {version, percentage}", type: "list_type" });
    return [];
  }
  const split: SplitEntry[] = [];
  raw.forEach((entry, i) => {
    if (!isObject(entry) || !Number.isInteger(entry.version) || (entry.version as number) < 1) {
      issues.push({ loc: [...loc, i, "version"], msg: "Input should be a positive integer", type: "int_type" });
      return;
    }
    if (!Number.isInteger(entry.percentage) || (entry.percentage as number) < 0 || (entry.percentage as number) > 100) {
      issues.push({ loc: [...loc, i, "percentage"], msg: "Input should be an integer from 0 to 100", type: "int_range" });
      return;
    }
    split.push({ version: entry.version as number, percentage: entry.percentage as number });
  });
  const total = split.reduce((sum, e) => sum + e.percentage, 0);
  if (split.length === raw.length && total !== 100) issues.push({ loc, msg: `Percentages must total 100 (got ${total})`, type: "value_error" });
  return split;
}

/** Validates an admin request's `split` and `segments` (locations under `body`). */
export function parseReleaseConfig(body: Json): ReleaseConfig {
  const issues: Issue[] = [];
  const split = parseSplit(body.split, ["body", "split"], issues);
  const segments: Segment[] = [];
  if (body.segments !== undefined && !Array.isArray(body.segments)) issues.push({ loc: ["body", "segments"], msg: "Input should be a valid list", type: "list_type" });
  (Array.isArray(body.segments) ? body.segments : []).forEach((s, i) => {
    const loc = ["body", "segments", i];
    if (!isObject(s)) {
      issues.push({ loc, msg: "Input should be a valid dictionary", type: "dict_type" });
      return;
    }
    const filters = s.metadata_filters;
    if (!isObject(filters) || Object.keys(filters).length === 0 || !Object.values(filters).every((v) => typeof v === "string")) {
      issues.push({ loc: [...loc, "metadata_filters"], msg: "A segment needs a non-empty object of string values", type: "dict_type" });
      return;
    }
    segments.push({ name: typeof s.name === "string" ? s.name : null, metadata_filters: filters as Record<string, string>, split: parseSplit(s.split, [...loc, "split"], issues) });
  });
  if (issues.length) throw new ValidationError(issues);
  return { split, segments };
}

/** Every version a release can serve. */
export const releaseVersions = (config: ReleaseConfig): number[] => [...new Set([...config.split, ...config.segments.flatMap((s) => s.split)].map((e) => e.version))];

/** The user a request is for: `user_id`, else `externalUserId`, from the metadata filters. */
export function userIdOf(filters: Record<string, unknown> | undefined): string | undefined {
  const id = filters?.user_id ?? filters?.externalUserId;
  return id === undefined || id === null || id === "" ? undefined : String(id);
}

/** Bucket 0..9999 of a user for one prompt's label. */
export function bucketOf(promptId: number, label: string, userId: string): number {
  const digest = createHash("sha256").update(`${promptId}\u0000${label}\u0000${userId}`).digest();
  return digest.readUIntBE(0, 6) % BUCKETS;
}

export interface Choice {
  version: number;
  /** The segment that applied (its name, or its index as a string), or null for the default split. */
  segment: string | null;
  bucket: number;
}

export function chooseVersion(config: ReleaseConfig, promptId: number, label: string, metadataFilters: Record<string, unknown> | undefined): Choice {
  const index = config.segments.findIndex((s) => Object.entries(s.metadata_filters).every(([k, v]) => metadataFilters !== undefined && String(metadataFilters[k]) === v));
  const segment = index === -1 ? undefined : config.segments[index];
  const split = segment?.split ?? config.split;
  const bucket = bucketOf(promptId, label, userIdOf(metadataFilters) ?? randomUUID());
  let upper = 0;
  for (const entry of split) {
    upper += entry.percentage * (BUCKETS / 100);
    if (bucket < upper) return { version: entry.version, segment: segment ? (segment.name ?? String(index)) : null, bucket };
  }
  // Unreachable while percentages total 100; the last arm is the safe answer regardless.
  return { version: split[split.length - 1]!.version, segment: segment ? (segment.name ?? String(index)) : null, bucket };
}
