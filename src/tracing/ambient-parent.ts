/**
 * Parents for spans started while a framework's own tracing is in charge.
 *
 * Agent frameworks such as `@openai/agents` keep their current span in their own async storage
 * and report spans to processors; they never make those spans the OpenTelemetry active context.
 * An integration that mirrors their spans registers a resolver here, and every span this package
 * starts (model calls, `traceable`, `run()`) asks for its parent through `activeParentContext()`,
 * so a model call made inside an agent's turn nests under that turn rather than beside it.
 *
 * The registry lives on `globalThis` so the ESM and CommonJS builds (and several bundled copies)
 * share it.
 */
import { context, type Context, type Span } from "@opentelemetry/api";

/** Given the OpenTelemetry active context, the context a new span should take as its parent. */
export type ParentResolver = (active: Context) => Context;

const RESOLVERS = Symbol.for("promptlayer-otel.parent-resolvers");
const MODEL_SPANS = Symbol.for("promptlayer-otel.framework-model-spans");
type Holder = { [RESOLVERS]?: ParentResolver[]; [MODEL_SPANS]?: WeakSet<Span> };
const holder = globalThis as Holder;

/** Adds a resolver; the returned function removes it. */
export function registerParentResolver(resolver: ParentResolver): () => void {
  holder[RESOLVERS] = [...(holder[RESOLVERS] ?? []), resolver];
  return () => {
    holder[RESOLVERS] = (holder[RESOLVERS] ?? []).filter((r) => r !== resolver);
  };
}

/** The parent context for a span starting now: the active context, refined by each resolver. */
export function activeParentContext(): Context {
  const active = context.active();
  const resolvers = holder[RESOLVERS];
  if (resolvers === undefined || resolvers.length === 0) return active;
  let ctx = active;
  for (const resolve of resolvers) {
    try {
      ctx = resolve(ctx);
    } catch {
      // A broken integration must not break the host's calls; fall back to what we had.
    }
  }
  return ctx;
}

/**
 * Marks a framework span that stands for one model call, so that a provider instrumentation
 * seeing the same call underneath marks its own span as already logged (no double counting).
 */
export function markFrameworkModelSpan(span: Span): void {
  (holder[MODEL_SPANS] ??= new WeakSet()).add(span);
}

export function isFrameworkModelSpan(span: Span | undefined): boolean {
  return span !== undefined && holder[MODEL_SPANS]?.has(span) === true;
}
