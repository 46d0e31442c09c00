/**
 * One model call: its CLIENT span, attributes, content and metrics, ended exactly once whatever
 * path ends it (response, stream end, error, abort, abandonment).
 */
import { SpanKind, trace, type Attributes, type Context, type Span, type TimeInput, type Tracer } from "@opentelemetry/api";
import { activeParentContext, isFrameworkModelSpan } from "../../src/tracing/ambient-parent.js";
import { recordError, errorType } from "../../src/tracing/errors.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_NODE_TYPE,
  ATTR_PROMPTLAYER_PROMPT_ID,
  ATTR_PROMPTLAYER_PROMPT_LABEL,
  ATTR_PROMPTLAYER_PROMPT_NAME,
  ATTR_PROMPTLAYER_PROMPT_VERSION,
  ATTR_PROMPTLAYER_REQUEST_LOG_MANAGED,
  ATTR_PROMPTLAYER_REQUEST_LOG_SPAN_ID,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  NODE_TYPE,
} from "../../src/semconv.js";
import { getPromptContext } from "../../src/tracing/prompt-context.js";
import type { GenAISettings } from "./config.js";
import { recordContent, type GenAIContent } from "./content.js";
import type { GenAIMetrics } from "./metrics.js";

export interface CallInfo {
  operation: string;
  provider: string;
  model: string | undefined;
  server?: { address: string; port: number } | undefined;
  /** Request attributes known up front. */
  attributes: Attributes;
  /** When the call began, if earlier than now (a framework reporting a call after the fact). */
  startTime?: TimeInput;
}

/** Token counts as the conventions define them: `input` includes cached tokens. */
export interface Usage {
  input?: number | undefined;
  output?: number | undefined;
  cacheRead?: number | undefined;
  cacheCreation?: number | undefined;
  reasoning?: number | undefined;
}

export interface ResponseInfo {
  id?: string | undefined;
  model?: string | undefined;
  finishReasons?: string[] | undefined;
}

const now = () => performance.now();

/** The registry prompt this call runs for, when `run()` (or the app) set one in the context. */
function promptAttributes(parent: Context): Attributes | undefined {
  const prompt = getPromptContext(parent);
  if (!prompt) return undefined;
  const attrs: Attributes = { [ATTR_PROMPTLAYER_PROMPT_NAME]: prompt.name };
  if (prompt.id !== undefined) attrs[ATTR_PROMPTLAYER_PROMPT_ID] = String(prompt.id);
  if (prompt.version !== undefined) attrs[ATTR_PROMPTLAYER_PROMPT_VERSION] = prompt.version;
  if (prompt.label !== undefined) attrs[ATTR_PROMPTLAYER_PROMPT_LABEL] = prompt.label;
  if (prompt.requestLogSpanId) {
    attrs[ATTR_PROMPTLAYER_REQUEST_LOG_MANAGED] = true;
    attrs[ATTR_PROMPTLAYER_REQUEST_LOG_SPAN_ID] = prompt.requestLogSpanId;
  }
  return attrs;
}

/** A framework (e.g. an agents SDK) already has a span for this very call: it is the one logged. */
function frameworkAttributes(parent: Span | undefined): Attributes | undefined {
  if (!isFrameworkModelSpan(parent)) return undefined;
  return { [ATTR_PROMPTLAYER_REQUEST_LOG_MANAGED]: true, [ATTR_PROMPTLAYER_REQUEST_LOG_SPAN_ID]: parent!.spanContext().spanId };
}

export class ModelCall {
  private ended = false;
  private readonly startedAt = now();
  private firstChunkAt: number | undefined;
  private lastChunkAt: number | undefined;
  private usage: Usage | undefined;
  private responseModel: string | undefined;

  private constructor(
    readonly span: Span,
    /** The parent context with this call's span set: where the SDK call itself runs. */
    readonly context: Context,
    readonly settings: GenAISettings,
    private readonly metrics: GenAIMetrics | undefined,
    private readonly metricAttributes: Attributes,
  ) {}

  static start(tracer: Tracer, settings: GenAISettings, metrics: GenAIMetrics | undefined, info: CallInfo, parent: Context = activeParentContext()): ModelCall {
    // Also the metric attributes: operation, provider, model, server.
    const base: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: info.operation,
      [ATTR_GEN_AI_PROVIDER_NAME]: info.provider,
    };
    if (info.model) base[ATTR_GEN_AI_REQUEST_MODEL] = info.model;
    if (info.server) {
      base[ATTR_SERVER_ADDRESS] = info.server.address;
      base[ATTR_SERVER_PORT] = info.server.port;
    }
    const parentSpan = trace.getSpan(parent);
    // All known attributes go in at start. The OpenTelemetry SDK checks start attributes twice
    // (before and after sampling), yet that measured cheaper than setting them afterwards, which
    // allocates per attribute (bench/RESULTS.md §1b: +33k instructions per call).
    const span = tracer.startSpan(
      info.model ? `${info.operation} ${info.model}` : info.operation,
      // node_type: PromptLayer's trace view shows every model call as an LLM call, inside run() or not.
      { kind: SpanKind.CLIENT, attributes: { ...base, [ATTR_NODE_TYPE]: NODE_TYPE.llmCall, ...info.attributes, ...promptAttributes(parent), ...frameworkAttributes(parentSpan) }, startTime: info.startTime },
      parent,
    );
    return new ModelCall(span, trace.setSpan(parent, span), settings, metrics, base);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Whether content should be mapped at all (recording and capture on). */
  get capturesContent(): boolean {
    return this.settings.captureContent && this.span.isRecording();
  }

  content(content: GenAIContent): void {
    try {
      recordContent(this.span, content, { maxLength: this.settings.maxContentLength, hook: this.settings.contentHook });
    } catch {
      // Content is best effort; the call's result is what matters.
    }
  }

  /** Marks a streamed chunk: time to first chunk, then time per chunk. */
  chunk(): void {
    if (this.firstChunkAt === undefined) {
      const t = now();
      this.firstChunkAt = t;
      this.lastChunkAt = t;
      const ttfc = (t - this.startedAt) / 1000;
      this.span.setAttribute(ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, ttfc);
      if (this.metrics) this.recordChunkMetric(() => this.metrics!.recordTimeToFirstChunk(ttfc, this.metricAttributes));
    } else if (this.metrics) {
      // Only the time-per-chunk metric needs the clock after the first chunk.
      const t = now();
      const last = this.lastChunkAt;
      if (last !== undefined) this.recordChunkMetric(() => this.metrics!.recordTimePerChunk((t - last) / 1000, this.metricAttributes));
      this.lastChunkAt = t;
    }
  }

  private recordChunkMetric(record: () => void): void {
    try {
      record();
    } catch {
      // A failing meter must not break the app's stream.
    }
  }

  response(info: ResponseInfo): void {
    const attrs: Attributes = {};
    if (info.id) attrs[ATTR_GEN_AI_RESPONSE_ID] = info.id;
    if (info.model) {
      this.responseModel = info.model;
      attrs[ATTR_GEN_AI_RESPONSE_MODEL] = info.model;
    }
    if (info.finishReasons?.length) attrs[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = info.finishReasons;
    this.span.setAttributes(attrs);
  }

  setUsage(u: Usage): void {
    this.usage = u;
    const attrs: Attributes = {};
    const set = (name: string, v: number | undefined) => {
      if (typeof v === "number" && Number.isFinite(v)) attrs[name] = v;
    };
    set(ATTR_GEN_AI_USAGE_INPUT_TOKENS, u.input);
    set(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, u.output);
    set(ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, u.cacheRead);
    set(this.settings.latest ? ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS : ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, u.cacheCreation);
    set(ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, u.reasoning);
    this.span.setAttributes(attrs);
  }

  /** Ends with an error: status, exception event, `error.type`. */
  fail(error: unknown): void {
    if (this.ended) return;
    recordError(this.span, error);
    this.finish(errorType(error));
  }

  /**
   * Ends a span whose set-up failed inside this package (the call itself goes on untraced), so
   * that no span stays open; the attribute says why it is bare.
   */
  abandon(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.span.setAttribute("promptlayer.instrumentation.error", error instanceof Error ? error.name : typeof error);
    } finally {
      this.span.end();
    }
  }

  /** Ends successfully (or as an incomplete stream, which callers mark via `response`). */
  end(): void {
    if (this.ended) return;
    this.finish(undefined);
  }

  private finish(errorTypeValue: string | undefined): void {
    this.ended = true;
    try {
      if (this.metrics) {
        const attrs: Attributes = { ...this.metricAttributes };
        if (this.responseModel) attrs[ATTR_GEN_AI_RESPONSE_MODEL] = this.responseModel;
        if (errorTypeValue) attrs[ATTR_ERROR_TYPE] = errorTypeValue;
        this.metrics.recordDuration((now() - this.startedAt) / 1000, attrs);
        this.metrics.recordTokens(this.usage, attrs);
      }
    } catch {
      // A failing meter must not replace the call's own result or error.
    } finally {
      this.span.end();
    }
  }
}
