/**
 * The request context (`withRequestContext({ userId, sessionId, conversationId, metadata, tags })`)
 * on the requests the client logs itself — `run()` and the `pl.openai()` / `pl.anthropic()`
 * clients, whose model spans are marked as already logged, so the service never sees the context
 * through the span. The `/track-request` body gets:
 *
 * - `metadata`: the context's metadata, plus `user_id`, `session_id` and `conversation_id` for the
 *   ids (`user_id` is also the key `run()`'s `externalUserId` is logged under and experiments
 *   count users by);
 * - `tags`: the context's tags, with the call's own.
 *
 * What the call itself says wins: explicit metadata overrides the context's keys (ids included).
 */
import type { RequestContext } from "../tracing/request-context.js";

/** The metadata key each request-context id is logged under. */
export const REQUEST_CONTEXT_METADATA_KEYS = {
  userId: "user_id",
  sessionId: "session_id",
  conversationId: "conversation_id",
} as const satisfies Record<keyof Pick<RequestContext, "userId" | "sessionId" | "conversationId">, string>;

/** The context's metadata and ids as request-log metadata (string values only). */
export function requestContextMetadata(rc: RequestContext | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!rc) return out;
  for (const [k, v] of Object.entries(rc.metadata ?? {})) if (typeof v === "string") out[k] = v;
  for (const [field, key] of Object.entries(REQUEST_CONTEXT_METADATA_KEYS) as Array<[keyof typeof REQUEST_CONTEXT_METADATA_KEYS, string]>) {
    const id = rc[field];
    if (typeof id === "string" && id !== "") out[key] = id;
  }
  return out;
}

/** Request-log metadata: the context's, overridden by the call's own. Undefined when both are empty. */
export function mergeLogMetadata(rc: RequestContext | undefined, own: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  const merged = { ...requestContextMetadata(rc), ...own };
  return Object.keys(merged).length ? merged : undefined;
}

/** Request-log tags: `before`, then the context's, then `after`, each once, in that order. */
export function mergeLogTags(rc: RequestContext | undefined, before: readonly string[] = [], after: readonly string[] = []): string[] {
  const contextTags = (rc?.tags ?? []).filter((t): t is string => typeof t === "string");
  return [...new Set([...before, ...contextTags, ...after])];
}
