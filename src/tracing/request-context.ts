/**
 * Request context: who and what a request is about (user, session, conversation, metadata, tags),
 * scoped with `withRequestContext()` and carried by every span started inside it — ours, the
 * instrumentations', anyone's — through `RequestContextSpanProcessor`. With `propagate: true` the
 * ids also go into W3C baggage so downstream services receive them; a service that receives them
 * (and has no request context of its own) puts them on its spans.
 */
import { context, propagation, type Attributes, type Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_PROMPTLAYER_METADATA_PREFIX,
  ATTR_PROMPTLAYER_TAGS,
  ATTR_SESSION_ID,
  ATTR_USER_ID,
} from "../semconv.js";

export interface RequestContext {
  userId?: string;
  sessionId?: string;
  conversationId?: string;
  metadata?: Readonly<Record<string, string>>;
  tags?: readonly string[];
}

export interface RequestContextOptions {
  /** Also put `user.id`, `session.id` and `gen_ai.conversation.id` in W3C baggage. Default false. */
  propagate?: boolean;
}

const KEY = Symbol.for("promptlayer-otel.request-context");
/** The ids that travel in W3C baggage under `propagate: true`. */
const BAGGAGE_KEYS = [ATTR_USER_ID, ATTR_SESSION_ID, ATTR_GEN_AI_CONVERSATION_ID] as const;

interface Resolved {
  context: RequestContext;
  attributes: Attributes;
}

function toAttributes(c: RequestContext): Attributes {
  const attrs: Attributes = {};
  if (c.userId) attrs[ATTR_USER_ID] = c.userId;
  if (c.sessionId) attrs[ATTR_SESSION_ID] = c.sessionId;
  if (c.conversationId) attrs[ATTR_GEN_AI_CONVERSATION_ID] = c.conversationId;
  for (const [k, v] of Object.entries(c.metadata ?? {})) attrs[ATTR_PROMPTLAYER_METADATA_PREFIX + k] = v;
  if (c.tags?.length) attrs[ATTR_PROMPTLAYER_TAGS] = [...c.tags];
  return attrs;
}

/** Inner scopes refine outer ones: ids override, metadata merges, tags accumulate. */
function merge(outer: RequestContext | undefined, inner: RequestContext): RequestContext {
  if (!outer) return inner;
  return {
    userId: inner.userId ?? outer.userId,
    sessionId: inner.sessionId ?? outer.sessionId,
    conversationId: inner.conversationId ?? outer.conversationId,
    metadata: { ...outer.metadata, ...inner.metadata },
    tags: [...new Set([...(outer.tags ?? []), ...(inner.tags ?? [])])],
  };
}

function resolved(ctx: Context): Resolved | undefined {
  return ctx.getValue(KEY) as Resolved | undefined;
}

/** The request context active in `ctx` (default: the current one). */
export function getRequestContext(ctx: Context = context.active()): RequestContext | undefined {
  return resolved(ctx)?.context;
}

/** Runs `fn` with `request` attached to every span started inside it, across awaits. */
export function withRequestContext<T>(request: RequestContext, fn: () => T, options: RequestContextOptions = {}): T {
  const active = context.active();
  const merged = merge(getRequestContext(active), request);
  let ctx = active.setValue(KEY, { context: merged, attributes: toAttributes(merged) } satisfies Resolved);
  const inherited = propagation.getBaggage(ctx);
  // With `propagate`, every id goes into baggage. Without it, an id already there (propagated by an
  // outer scope or an upstream service) is kept in step with what the spans carry; nothing new is added.
  if (options.propagate || inherited) {
    let bag = inherited ?? propagation.createBaggage();
    const ids: Array<[string, string | undefined]> = [
      [ATTR_USER_ID, merged.userId],
      [ATTR_SESSION_ID, merged.sessionId],
      [ATTR_GEN_AI_CONVERSATION_ID, merged.conversationId],
    ];
    for (const [key, value] of ids) {
      if (value && (options.propagate || bag.getEntry(key))) bag = bag.setEntry(key, { value });
    }
    if (bag !== inherited) ctx = propagation.setBaggage(ctx, bag);
  }
  return context.with(ctx, fn);
}

/**
 * Ids an upstream service propagated in W3C baggage (with `propagate: true`), once the app's HTTP
 * instrumentation or its own `propagation.extract` has put them in the context.
 */
function fromBaggage(ctx: Context): Attributes | undefined {
  const bag = propagation.getBaggage(ctx);
  if (!bag) return undefined;
  let attrs: Attributes | undefined;
  for (const key of BAGGAGE_KEYS) {
    const value = bag.getEntry(key)?.value;
    if (value) (attrs ??= {})[key] = value;
  }
  return attrs;
}

/** Sets the request context of `parentContext` on a starting span, keeping the span's own tags. */
export function applyRequestContext(span: Span, parentContext: Context): void {
  const r = resolved(parentContext);
  if (!r) {
    const upstream = fromBaggage(parentContext);
    if (upstream) span.setAttributes(upstream);
    return;
  }
  const own = span.attributes[ATTR_PROMPTLAYER_TAGS];
  const tags = r.attributes[ATTR_PROMPTLAYER_TAGS];
  if (Array.isArray(own) && Array.isArray(tags)) {
    span.setAttributes({ ...r.attributes, [ATTR_PROMPTLAYER_TAGS]: [...new Set([...(own as string[]), ...(tags as string[])])] });
  } else span.setAttributes(r.attributes);
}

/** Copies the request context onto each span as it starts. `init()` installs it. */
export class RequestContextSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    applyRequestContext(span, parentContext);
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
