/**
 * Spans as received over OTLP, stored whole (JSON), plus one summary row per trace for listing.
 * Re-sent spans (exporter retries) replace themselves: (trace id, span id) is the key.
 */
import type { ReceivedSpan } from "../otlp/decode.js";
import { fromJson, nowIso, toJson, type Db } from "./db.js";

export interface TraceSummary {
  traceId: string;
  rootName: string | null;
  serviceName: string | null;
  startMs: number;
  endMs: number;
  spanCount: number;
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
}

const nanosToMs = (nanos: string): number => Number(BigInt(nanos) / 1000n) / 1000;

/**
 * The trace's total of a token-count attribute. Attributes are stored as received, so a span may
 * carry anything there: only whole numbers from 0 to 2^53 − 1 count, and the total is capped at
 * 2^53 − 1 too (TOTAL, a float sum, cannot overflow the way SUM does; node:sqlite refuses to read
 * back an integer past 2^53).
 */
const tokenTotal = (attribute: string): string => {
  const value = `json_extract(data, '$.attributes."${attribute}"')`;
  return `MIN(TOTAL(CASE WHEN json_type(data, '$.attributes."${attribute}"') = 'integer' AND ${value} BETWEEN 0 AND ${Number.MAX_SAFE_INTEGER} THEN ${value} ELSE 0 END), ${Number.MAX_SAFE_INTEGER})`;
};

const summary = (r: Record<string, unknown>): TraceSummary => ({
  traceId: String(r.trace_id),
  rootName: r.root_name === null ? null : String(r.root_name),
  serviceName: r.service_name === null ? null : String(r.service_name),
  startMs: Number(r.start_ms),
  endMs: Number(r.end_ms),
  spanCount: Number(r.span_count),
  errorCount: Number(r.error_count),
  inputTokens: Number(r.input_tokens),
  outputTokens: Number(r.output_tokens),
});

export class SpanStore {
  constructor(private readonly db: Db) {}

  /** Stores spans and refreshes their traces' summaries, in the caller's transaction if any. */
  insert(spans: readonly ReceivedSpan[]): void {
    this.db.transaction(() => {
      const now = nowIso();
      for (const s of spans) {
        this.db.run(
          `INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, name, start_ms, end_ms, status_code, data, received_at)
           VALUES ($traceId, $spanId, $parent, $name, $start, $end, $status, $data, $now)`,
          {
            traceId: s.traceId,
            spanId: s.spanId,
            parent: s.parentSpanId ?? null,
            name: s.name,
            start: nanosToMs(s.startTimeUnixNano),
            end: nanosToMs(s.endTimeUnixNano),
            status: s.status.code,
            data: toJson(s),
            now,
          },
        );
      }
      for (const traceId of new Set(spans.map((s) => s.traceId))) this.refreshTrace(traceId);
    });
  }

  private refreshTrace(traceId: string): void {
    // The root: the earliest span whose parent is not in this trace (still arriving, or a remote parent).
    this.db.run(
      `INSERT OR REPLACE INTO traces (trace_id, root_name, service_name, start_ms, end_ms, span_count, error_count, input_tokens, output_tokens)
       SELECT $traceId,
              (SELECT r.name FROM spans r WHERE r.trace_id = $traceId
                 AND (r.parent_span_id IS NULL OR r.parent_span_id NOT IN (SELECT span_id FROM spans WHERE trace_id = $traceId))
                 ORDER BY r.start_ms LIMIT 1),
              (SELECT json_extract(r.data, '$.resource."service.name"') FROM spans r WHERE r.trace_id = $traceId ORDER BY r.start_ms LIMIT 1),
              MIN(start_ms), MAX(end_ms), COUNT(*), SUM(status_code = 2),
              ${tokenTotal("gen_ai.usage.input_tokens")},
              ${tokenTotal("gen_ai.usage.output_tokens")}
       FROM spans WHERE trace_id = $traceId`,
      { traceId },
    );
  }

  /**
   * Trace summaries, newest first (ties by trace id, descending). Pages backwards from a cursor:
   * `before.ms` alone lists traces that started strictly earlier; with `before.traceId` (the last
   * trace of the previous page) it continues after that trace, so traces sharing its start time
   * are neither skipped nor repeated.
   */
  traces(limit: number, before?: { ms: number; traceId?: string | undefined }): TraceSummary[] {
    return this.db
      .all(
        `SELECT * FROM traces
         WHERE $beforeMs IS NULL OR start_ms < $beforeMs OR (start_ms = $beforeMs AND trace_id < $beforeTrace)
         ORDER BY start_ms DESC, trace_id DESC LIMIT $limit`,
        { beforeMs: before?.ms ?? null, beforeTrace: before?.traceId ?? null, limit },
      )
      .map(summary);
  }

  trace(traceId: string): TraceSummary | undefined {
    const r = this.db.get("SELECT * FROM traces WHERE trace_id = $traceId", { traceId });
    return r ? summary(r) : undefined;
  }

  spansOf(traceId: string): ReceivedSpan[] {
    return this.db
      .all<{ data: string }>("SELECT data FROM spans WHERE trace_id = $traceId ORDER BY start_ms", { traceId })
      .map((r) => fromJson<ReceivedSpan | null>(r.data, null))
      .filter((s): s is ReceivedSpan => s !== null);
  }

  /** The trace a span id belongs to, if that span has arrived. */
  traceOfSpan(spanId: string): string | undefined {
    const r = this.db.get<{ trace_id: string }>("SELECT trace_id FROM spans WHERE span_id = $spanId LIMIT 1", { spanId });
    return r?.trace_id;
  }

  count(): number {
    return Number(this.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM spans")?.n ?? 0);
  }
}
