/**
 * The tracer provider every traced variant shares: the OpenTelemetry SDK line this package is
 * built on (`@opentelemetry/sdk-trace` 3.x, api 1.10), registered globally the way `init()`
 * does it (AsyncLocalStorage context, W3C propagators), with one processor that only counts.
 *
 * Counting instead of exporting keeps export cost (measured on its own in the export section)
 * out of the per-call numbers, and keeps nothing alive, so heap readings see only what the
 * instrumentation itself retains. Registered before any instrumentation is constructed, so
 * instrumentations get the real tracer rather than a proxy.
 */
import { context, propagation, trace, type Context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { TracerProvider, type ReadableSpan, type Span, type SpanProcessor } from "@opentelemetry/sdk-trace";
import { CONTENT_MARKER } from "../workload.js";

export interface SpanSample {
  name: string;
  scope: string;
  kind: number;
  attributeCount: number;
  /** Whether any attribute holds the prompt's marker, i.e. content was captured on the span. */
  capturedContent: boolean;
}

export class SpanCounter implements SpanProcessor {
  ended = 0;
  private last: ReadableSpan | undefined;

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    this.ended++;
    this.last = span;
  }

  /** Describes the last ended span, then forgets it. */
  takeSample(): SpanSample | undefined {
    const s = this.last;
    this.last = undefined;
    if (!s) return undefined;
    const values = Object.values(s.attributes);
    const hasMarker = (v: unknown): boolean =>
      typeof v === "string" ? v.includes(CONTENT_MARKER) : Array.isArray(v) ? v.some(hasMarker) : false;
    return {
      name: s.name,
      scope: s.instrumentationScope.name,
      kind: s.kind,
      attributeCount: values.length,
      capturedContent: values.some(hasMarker),
    };
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function installTracing(): SpanCounter {
  const counter = new SpanCounter();
  const provider = new TracerProvider({ spanProcessors: [counter] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);
  return counter;
}
