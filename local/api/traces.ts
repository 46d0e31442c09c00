/**
 * Traces in and out.
 *   POST /v1/traces  OTLP/HTTP (protobuf or JSON, gzip/deflate) with `X-API-KEY`; answered 200
 *                    only after the spans and their request logs are committed.
 * Read API (X-API-KEY):
 *   GET /api/local/traces?limit=50&before=<ms>&before_trace_id=<id>
 *                                                newest first: {items: [summary], next_before,
 *                                                next_before_trace_id}; pass both back for the next
 *                                                page (`before` alone: traces started before it)
 *   GET /api/local/traces/{traceId}              {trace: summary, spans: [tree], request_logs: [ids]}
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { NotFoundError } from "../domain/errors.js";
import type { Json } from "../domain/json.js";
import { ingestSpans } from "../ingest/spans.js";
import { handleTraceExport } from "../otlp/receiver.js";
import { buildSpanTrees, type SpanTreeNode } from "../otlp/tree.js";
import type { TraceSummary } from "../store/spans.js";
import { authenticate } from "./auth.js";
import { errorReply, RouteError } from "./errors.js";
import { ok, sendJson, type Reply } from "./http.js";
import type { RouteContext, Router, Services } from "./router.js";
import { Fields, queryObject } from "./validate.js";

export const OTLP_TRACES_PATH = "/v1/traces";

export async function handleOtlp(req: IncomingMessage, res: ServerResponse, services: Services): Promise<void> {
  try {
    if (req.method !== "POST") throw new RouteError(405, `Method ${req.method} is not allowed for ${OTLP_TRACES_PATH}`, ["POST"]);
    authenticate(req, undefined, "header", services.apiKey);
  } catch (error) {
    res.setHeader("connection", "close");
    sendJson(res, errorReply(error));
    return;
  }
  await handleTraceExport(
    req,
    res,
    (spans) => {
      ingestSpans(services.store, spans);
    },
    services.maxBodyBytes,
  );
}

/** ISO 8601, or null for a time `Date` cannot show (only a database written before ingest bounded span times holds one). */
const isoOrNull = (ms: number): string | null => {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

const summaryBody = (t: TraceSummary): Json => ({
  trace_id: t.traceId,
  root_span_name: t.rootName,
  service_name: t.serviceName,
  start_time: isoOrNull(t.startMs),
  end_time: isoOrNull(t.endMs),
  duration_ms: Math.round((t.endMs - t.startMs) * 1000) / 1000,
  span_count: t.spanCount,
  error_count: t.errorCount,
  input_tokens: t.inputTokens,
  output_tokens: t.outputTokens,
});

function treeBody(node: SpanTreeNode, logs: Map<string, number[]>): Json {
  const s = node.span;
  const start = BigInt(s.startTimeUnixNano);
  const end = BigInt(s.endTimeUnixNano);
  return {
    trace_id: s.traceId,
    span_id: s.spanId,
    parent_span_id: s.parentSpanId ?? null,
    name: s.name,
    kind: s.kind,
    start_time_unix_nano: s.startTimeUnixNano,
    end_time_unix_nano: s.endTimeUnixNano,
    duration_ms: Number((end - start) / 1000n) / 1000,
    status: s.status,
    attributes: s.attributes,
    events: s.events,
    resource: s.resource,
    scope: s.scope,
    request_log_ids: logs.get(s.spanId) ?? [],
    children: node.children.map((c) => treeBody(c, logs)),
  };
}

function listTraces(ctx: RouteContext): Reply {
  const f = new Fields(queryObject(ctx.query), ["query"]);
  const limit = f.int("limit", { min: 1, max: 500 }) ?? 50;
  const before = f.number("before");
  const beforeTraceId = f.string("before_trace_id");
  if (beforeTraceId !== undefined && before === undefined && !f.issues.length) f.issues.push({ loc: ["query", "before"], msg: "Field required with before_trace_id", type: "missing" });
  f.done();
  const items = ctx.services.store.spans.traces(limit, before === undefined ? undefined : { ms: before, traceId: beforeTraceId?.toLowerCase() });
  const last = items.length === limit ? items.at(-1)! : undefined;
  return ok({ items: items.map(summaryBody), next_before: last?.startMs ?? null, next_before_trace_id: last?.traceId ?? null });
}

function getTrace(ctx: RouteContext): Reply {
  const traceId = ctx.params.traceId!.toLowerCase();
  const store = ctx.services.store;
  const summary = store.spans.trace(traceId);
  if (!summary) throw new NotFoundError(`Trace ${traceId} not found`);
  const requestLogs = store.requests.byTrace(traceId);
  const bySpan = new Map<string, number[]>();
  for (const log of requestLogs) if (log.spanId) bySpan.set(log.spanId, [...(bySpan.get(log.spanId) ?? []), log.id]);
  return ok({
    trace: summaryBody(summary),
    spans: buildSpanTrees(store.spans.spansOf(traceId)).map((root) => treeBody(root, bySpan)),
    request_logs: requestLogs.map((l) => l.id),
  });
}

export function traceRoutes(router: Router): void {
  router.add("GET", "/api/local/traces", { auth: "header" }, listTraces).add("GET", "/api/local/traces/{traceId}", { auth: "header" }, getTrace);
}
