/**
 * OTLP spans into the store, in one transaction: the spans themselves, request logs for GenAI
 * model-call spans (CONTRACT §2.8), and links from logs made by `run()` to their trace. A span
 * marked `promptlayer.request_log.managed=true` gets no log of its own — `run()` already logged
 * the call through `/track-request` with `span_id` = `promptlayer.request_log.span_id` — and that
 * log is tied to this trace instead.
 */
import { blueprint } from "../domain/blueprint.js";
import { isGenAiCall, isManaged, managedSpanId, requestLogFromSpan } from "../domain/genai-span.js";
import type { ReceivedSpan } from "../otlp/decode.js";
import type { LocalStore } from "../store/index.js";

export interface IngestResult {
  spans: number;
  /** Request logs created from GenAI spans (re-sent spans create none). */
  requestLogs: number;
  /** Existing logs newly tied to a trace. */
  linked: number;
}

export function ingestSpans(store: LocalStore, spans: readonly ReceivedSpan[]): IngestResult {
  return store.db.transaction(() => {
    store.spans.insert(spans);
    let requestLogs = 0;
    let linked = 0;
    for (const span of spans) {
      // Logs created with this span id (a run() span) belong to this trace.
      linked += store.requests.linkTrace(span.spanId, span.traceId);
      if (!isGenAiCall(span)) continue;
      if (isManaged(span)) {
        const runSpan = managedSpanId(span);
        if (runSpan) linked += store.requests.linkTrace(runSpan, span.traceId);
        continue;
      }
      const origin = `${span.traceId}:${span.spanId}`;
      if (store.requests.byOrigin(origin)) continue; // an exporter retry re-sent this span
      const log = requestLogFromSpan(span);
      const prompt = log.promptName !== undefined ? store.templates.find(log.promptName) : log.promptId !== undefined ? store.templates.byId(log.promptId) : undefined;
      store.requests.insert({
        source: "otlp",
        providerType: log.providerType,
        engine: log.engine,
        functionName: log.functionName,
        functionArgs: [],
        functionKwargs: log.functionKwargs,
        requestResponse: log.requestResponse,
        promptBlueprint: blueprint(log.promptTemplate, { provider: log.providerType, name: log.engine, parameters: log.parameters }),
        requestStartTime: log.requestStartTime,
        requestEndTime: log.requestEndTime,
        promptId: prompt?.id ?? null,
        promptVersionNumber: prompt ? (log.promptVersion ?? null) : null,
        promptInputVariables: {},
        inputTokens: log.inputTokens,
        outputTokens: log.outputTokens,
        price: 0,
        score: 0,
        tags: log.tags,
        metadata: log.metadata,
        status: log.status,
        errorType: log.errorType,
        errorMessage: log.errorMessage,
        spanId: span.spanId,
        traceId: span.traceId,
        originSpan: origin,
      });
      requestLogs++;
    }
    return { spans: spans.length, requestLogs, linked };
  });
}
