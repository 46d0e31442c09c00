/**
 * The in-memory template cache (CONTRACT §6). It holds each template as the service sends it
 * with `skip_input_variable_rendering` (variables unrendered), so one entry serves every set of
 * input variables; `templates.get` renders a copy locally.
 */
import type { PromptTemplate } from "../types.js";
import { deepCopy } from "../validate.js";

export const MAX_CACHE_ENTRIES = 1000;
/** How long a template the client cannot render itself is remembered as such. */
export const NON_RENDERABLE_TTL_MS = 60_000;

export interface CacheKeyParts {
  name: string;
  version?: number | undefined;
  label?: string | undefined;
  provider?: string | undefined;
  model?: string | undefined;
}

export function cacheKey(p: CacheKeyParts): string {
  return JSON.stringify([p.name, p.version ?? null, p.label ?? null, p.provider ?? null, p.model ?? null]);
}

const nonEmpty = (o: Record<string, unknown> | undefined): boolean => o !== undefined && o !== null && Object.keys(o).length > 0;

/**
 * Metadata filters pick an A/B segment and overrides are translated per model on the service: the
 * answer depends on more than the key, so such requests always go to the service.
 */
export function bypassesCache(p: { metadataFilters?: Record<string, unknown> | undefined; modelParameterOverrides?: Record<string, unknown> | undefined }): boolean {
  return nonEmpty(p.metadataFilters) || nonEmpty(p.modelParameterOverrides);
}

export interface CacheEntry {
  name: string;
  /** Unrendered, as stored; callers copy before changing it. */
  template: PromptTemplate;
  /** False when the template needs the service to render (placeholders, variable tools). */
  renderable: boolean;
  expiresAt: number;
}

export interface CacheLookup {
  entry: CacheEntry;
  fresh: boolean;
}

export class TemplateCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = MAX_CACHE_ENTRIES,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry for `key`, fresh or stale (a stale one can still stand in when the service fails). */
  lookup(key: string): CacheLookup | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    return { entry, fresh: this.now() < entry.expiresAt };
  }

  /** Stores a deep copy; the oldest entry goes when the cache is full. */
  store(key: string, name: string, template: PromptTemplate, renderable: boolean): CacheEntry {
    const ttl = renderable ? this.ttlMs : Math.min(this.ttlMs, NON_RENDERABLE_TTL_MS);
    const entry: CacheEntry = { name, template: deepCopy(template), renderable, expiresAt: this.now() + ttl };
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
    return entry;
  }

  /** Drops every entry of template `name` (all versions, labels, providers), or everything. */
  invalidate(name?: string): void {
    if (name === undefined) {
      this.entries.clear();
      return;
    }
    for (const [key, entry] of this.entries) if (entry.name === name) this.entries.delete(key);
  }
}
