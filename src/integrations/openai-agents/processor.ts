/**
 * An agents-core `TracingProcessor` that mirrors the framework's traces and spans as OpenTelemetry
 * spans in the app's own trace, and tells this package's spans (model calls, `traceable`) which
 * mirrored span is current so they nest inside the agent's turn, tool or model call.
 */
import { SpanStatusCode, trace, type Context, type Span } from "@opentelemetry/api";
import { recordError } from "../../tracing/errors.js";
import type { ModelCall } from "../../../instrumentations/genai/call.js";
import type { GenAISettings } from "../../../instrumentations/genai/config.js";
import { ATTR_ERROR_TYPE } from "../../semconv.js";
import { activeParentContext, registerParentResolver } from "../../tracing/ambient-parent.js";
import { getTracer } from "../../tracing/tracer.js";
import { integrationSettings, type IntegrationContentOptions } from "../genai-settings.js";
import { finishModelCall, isModelSpan, startModelCall } from "./model-calls.js";
import { finishSpan, setAggregateUsage, spanPlan, traceSpanPlan } from "./span-mapping.js";
import type { AgentsSpan, AgentsTrace, AgentsTracingProcessor, OpenAIAgentsModule } from "./types.js";

export type OpenAIAgentsTracingOptions = IntegrationContentOptions;

/** The error an agents span ended with, as an exception (its class name is the `error.type`). */
export class OpenAIAgentsSpanError extends Error {
  override readonly name = "OpenAIAgentsSpanError";
  constructor(
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }
}

interface Mirrored {
  span: Span;
  /** The context children start in: the parent's, with this span set. */
  ctx: Context;
  call?: ModelCall;
  /** The run's root task, folded into the trace's workflow span. */
  aliasOfTrace?: boolean;
}

interface MirroredTrace extends Mirrored {
  hasTask: boolean;
  open: Set<string>;
}

/** Traces kept open at once; beyond it the oldest is ended (a never-ending trace must not leak). */
const MAX_OPEN_TRACES = 10_000;

type HrTime = [number, number];
const startOf = (span: Span): HrTime | undefined => (span as { startTime?: HrTime }).startTime;
const after = (a: HrTime, b: HrTime) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

export class OpenAIAgentsTraceProcessor implements AgentsTracingProcessor {
  private readonly traces = new Map<string, MirroredTrace>();
  private readonly spans = new Map<string, Mirrored>();
  private readonly unregister: () => void;
  private enabled = true;

  constructor(
    private readonly agents: Pick<OpenAIAgentsModule, "getCurrentSpan" | "getCurrentTrace">,
    private readonly options: OpenAIAgentsTracingOptions = {},
  ) {
    this.unregister = registerParentResolver((active) => this.parentFor(active));
  }

  /** Stops mirroring (agents-core has no way to remove a processor, so this one goes quiet). */
  disable(): void {
    this.enabled = false;
    this.unregister();
    for (const t of this.traces.values()) this.closeTrace(t);
    this.traces.clear();
    this.spans.clear();
  }

  async onTraceStart(t: AgentsTrace): Promise<void> {
    if (!this.enabled) return;
    try {
      const plan = traceSpanPlan(t);
      // Called synchronously from inside `run()`/`withTrace()`: the caller's context is active.
      const parent = activeParentContext();
      const span = getTracer().startSpan(plan.name, { kind: plan.kind, attributes: plan.attributes }, parent);
      this.traces.set(t.traceId, { span, ctx: trace.setSpan(parent, span), hasTask: false, open: new Set() });
      if (this.traces.size > MAX_OPEN_TRACES) this.closeOldestTrace();
    } catch {
      // Never let tracing break the agent run.
    }
  }

  async onTraceEnd(t: AgentsTrace): Promise<void> {
    const mirrored = this.traces.get(t.traceId);
    if (!mirrored) return;
    this.traces.delete(t.traceId);
    this.closeTrace(mirrored);
  }

  async onSpanStart(s: AgentsSpan): Promise<void> {
    if (!this.enabled) return;
    try {
      const owner = this.traces.get(s.traceId);
      const parent = (s.parentId ? this.spans.get(s.parentId)?.ctx : undefined) ?? owner?.ctx ?? activeParentContext();
      if (s.spanData.type === "task" && !s.parentId && owner && !owner.hasTask) {
        // `run()` opens a trace and a task of the same scope: one span says it.
        owner.hasTask = true;
        this.spans.set(s.spanId, { span: owner.span, ctx: owner.ctx, aliasOfTrace: true });
        owner.open.add(s.spanId);
        return;
      }
      let mirrored: Mirrored;
      if (isModelSpan(s.spanData)) {
        const call = startModelCall(getTracer(), this.settings(), s.spanData, s.spanId, parent);
        mirrored = { span: call.span, ctx: call.context, call };
      } else {
        const plan = spanPlan(s.spanData, s.spanId);
        const span = getTracer().startSpan(plan.name, { kind: plan.kind, attributes: plan.attributes }, parent);
        mirrored = { span, ctx: trace.setSpan(parent, span) };
      }
      this.spans.set(s.spanId, mirrored);
      owner?.open.add(s.spanId);
    } catch {
      // Never let tracing break the agent run.
    }
  }

  async onSpanEnd(s: AgentsSpan): Promise<void> {
    const mirrored = this.spans.get(s.spanId);
    if (!mirrored) return;
    this.spans.delete(s.spanId);
    this.traces.get(s.traceId)?.open.delete(s.spanId);
    try {
      const error = s.error ? new OpenAIAgentsSpanError(s.error.message, s.error.data) : undefined;
      if (mirrored.call) return finishModelCall(mirrored.call, s.spanData, error);
      if (mirrored.aliasOfTrace) {
        setAggregateUsage(mirrored.span, s.spanData.usage);
        if (!error) return; // the trace's end ends it
        markError(mirrored.span, error);
        // A run that throws never ends its trace (agents-core skips `trace.end()`): close it here.
        const owner = this.traces.get(s.traceId);
        if (owner) {
          this.traces.delete(s.traceId);
          this.closeTrace(owner);
        }
        return;
      }
      finishSpan(mirrored.span, s.spanData, this.settings().captureContent);
      if (error) markError(mirrored.span, error);
      mirrored.span.end();
    } catch {
      mirrored.span.end();
    }
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }

  /** Flushes the app's tracer provider (never shuts it down: it is not ours to stop). */
  async forceFlush(): Promise<void> {
    const provider = trace.getTracerProvider() as { getDelegate?: () => unknown; forceFlush?: () => Promise<void> };
    const target = (provider.getDelegate?.() ?? provider) as { forceFlush?: () => Promise<void> };
    try {
      await target.forceFlush?.();
    } catch {
      // Export failures are counted and reported by the app's processor.
    }
  }

  /**
   * The mirrored span of the agents' current span, when it is deeper than what OpenTelemetry has
   * active: a `traceable` started inside a tool (later than the tool's span) stays the parent.
   */
  private parentFor(active: Context): Context {
    if (!this.enabled || (this.spans.size === 0 && this.traces.size === 0)) return active;
    const current = this.agents.getCurrentSpan();
    let mirrored: Mirrored | undefined = current ? this.spans.get(current.spanId) : undefined;
    if (!mirrored) {
      const t = this.agents.getCurrentTrace();
      mirrored = t ? this.traces.get(t.traceId) : undefined;
    }
    if (!mirrored) return active;
    const activeSpan = trace.getSpan(active);
    if (activeSpan && activeSpan !== mirrored.span) {
      const a = startOf(activeSpan);
      const m = startOf(mirrored.span);
      if (a && m && after(a, m)) return active;
    }
    return trace.setSpan(active, mirrored.span);
  }

  private settings(): GenAISettings {
    return integrationSettings(this.options);
  }

  /** Bounds memory when the framework never ends some traces (abandoned streamed runs). */
  private closeOldestTrace(): void {
    const [id, oldest] = this.traces.entries().next().value!;
    this.traces.delete(id);
    this.closeTrace(oldest);
  }

  /** Ends a trace's span and any span the framework left open in it (an abandoned stream). */
  private closeTrace(t: MirroredTrace): void {
    for (const id of t.open) {
      const left = this.spans.get(id);
      this.spans.delete(id);
      if (!left || left.aliasOfTrace) continue;
      if (left.call) left.call.end();
      else left.span.end();
    }
    t.span.end();
  }
}

function markError(span: Span, error: OpenAIAgentsSpanError): void {
  recordError(span, error); // scrubs credentials from the message: tool and model errors can quote them
  span.setAttribute(ATTR_ERROR_TYPE, error.name);
}
