/**
 * The body of every patched model method: start the span, record the request, call the SDK in
 * the span's context, and observe — never replace — what the SDK returns.
 */
import { context, type Tracer } from "@opentelemetry/api";
import { observeApiPromise } from "./api-promise.js";
import { ModelCall, type CallInfo } from "./call.js";
import type { GenAISettings } from "./config.js";
import type { GenAIContent } from "./content.js";
import type { GenAIMetrics } from "./metrics.js";
import { isIterableStream, observeStream } from "./stream.js";

/** Per-stream state: sees each chunk, then writes the response attributes once. */
export interface StreamAccumulator<Chunk> {
  onChunk(chunk: Chunk): void;
  finish(incomplete: boolean): void;
}

/** How one API method maps to the conventions. */
export interface ApiSurface<Params, Result, Chunk> {
  /** Span/metric identity and request attributes; must be cheap (runs on every call). */
  describe(params: Params, settings: GenAISettings): Omit<CallInfo, "provider" | "server">;
  /** Request-side content; only called when content is captured. */
  inputContent?(params: Params): GenAIContent;
  /** Response attributes and output content of a non-streamed result. */
  recordResult(call: ModelCall, result: Result, params: Params): void;
  /** Accumulator for a streamed result. */
  accumulate?(call: ModelCall, params: Params): StreamAccumulator<Chunk>;
}

/** Where a call reads its settings and metric instruments; read inside the call's guard. */
export interface GenAIState {
  readonly settings: GenAISettings;
  readonly metrics: GenAIMetrics | undefined;
}

export interface CallTarget {
  provider: string;
  server: { address: string; port: number } | undefined;
}

export function tracedCall<Params, Result, Chunk>(
  tracer: Tracer,
  state: GenAIState,
  surface: ApiSurface<Params, Result, Chunk>,
  target: CallTarget,
  invoke: () => unknown,
  params: Params,
): unknown {
  let call: ModelCall | undefined;
  try {
    const settings = state.settings;
    call = ModelCall.start(tracer, settings, state.metrics, { ...surface.describe(params, settings), ...target });
    if (call.capturesContent && surface.inputContent) call.content(surface.inputContent(params));
  } catch (error) {
    // Never let instrumentation stop the call; a span already started still ends, marked as ours.
    call?.abandon(error);
    return invoke();
  }
  return observeCall(call, surface, invoke, params);
}

function observeCall<Params, Result, Chunk>(call: ModelCall, surface: ApiSurface<Params, Result, Chunk>, invoke: () => unknown, params: Params): unknown {

  let result: unknown;
  try {
    result = context.with(call.context, invoke);
  } catch (error) {
    call.fail(error);
    throw error;
  }
  return observeApiPromise(result, {
    onResult: (value) => {
      if (surface.accumulate && isIterableStream(value)) {
        const acc = surface.accumulate(call, params);
        observeStream(value, {
          onChunk: (chunk) => {
            call.chunk();
            acc.onChunk(chunk as Chunk);
          },
          onEnd: ({ error, incomplete }) => {
            try {
              acc.finish(incomplete);
            } finally {
              if (error !== undefined) call.fail(error);
              else call.end();
            }
          },
        });
        return;
      }
      if (call.isEnded) return;
      try {
        surface.recordResult(call, value as Result, params);
      } finally {
        call.end();
      }
    },
    onError: (error) => call.fail(error),
    onRawResponse: () => call.end(),
  });
}
