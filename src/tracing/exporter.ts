/**
 * The OTLP/HTTP trace exporter, configured for PromptLayer (or any collector), and a wrapper that
 * counts what was exported and what was lost, so loss is reported instead of silent.
 */
import type { ExportResult } from "@opentelemetry/core";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPExporterBase } from "@opentelemetry/otlp-exporter-base";
import { createOtlpHttpExportDelegate, httpAgentFactoryFromOptions } from "@opentelemetry/otlp-exporter-base/node-http";
import { JsonTraceSerializer, ProtobufTraceSerializer, TraceExporterMetricsHelper } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import type { ResolvedExportConfig } from "../config.js";
import { logger } from "../logger.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";

/**
 * An OTLP/HTTP span exporter configured only from `cfg`. Built from the OTLP exporter's parts
 * rather than `OTLPTraceExporter`, because that class also merges `OTEL_EXPORTER_OTLP_*`
 * variables — meant for the application's own collector — into our requests, which would send a
 * collector's credentials to PromptLayer.
 */
export function createOtlpExporter(cfg: ResolvedExportConfig): SpanExporter {
  const json = cfg.protocol === "http/json";
  const headers = { ...cfg.headers, "Content-Type": json ? "application/json" : "application/x-protobuf" };
  const delegate = createOtlpHttpExportDelegate(
    {
      url: cfg.endpoint,
      headers: async () => headers,
      timeoutMillis: cfg.timeoutMillis,
      concurrencyLimit: 30,
      compression: cfg.compression,
      agentFactory: httpAgentFactoryFromOptions({ keepAlive: true }),
      userAgent: `${PACKAGE_NAME}/${PACKAGE_VERSION}`,
    },
    json ? JsonTraceSerializer : ProtobufTraceSerializer,
    "otlp_http_span_exporter",
    TraceExporterMetricsHelper,
    undefined,
  );
  return new OTLPExporterBase<ReadableSpan[]>(delegate);
}

/** Counters of one export pipeline. `ended - exported` spans were not (yet) delivered. */
export interface ExportStats {
  /** Sampled spans that ended and were handed to the pipeline. */
  ended: number;
  /** Spans the endpoint accepted. */
  exported: number;
  /** Spans in batches that failed for good (endpoint down, rejected, timed out after retries). */
  failed: number;
}

/** Delegates to the real exporter and keeps `stats` current; reports the first failure once. */
export class CountingExporter implements SpanExporter {
  private warned = false;
  /** Exports not yet answered, so a flush can wait for the batch already on its way. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly inner: SpanExporter,
    private readonly stats: ExportStats,
    private readonly destination: string,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    let settle!: () => void;
    const pending = new Promise<void>((resolve) => (settle = resolve));
    this.inFlight.add(pending);
    const finish = (result: ExportResult) => {
      this.inFlight.delete(pending);
      settle();
      done(result);
    };
    try {
      this.inner.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) this.stats.exported += spans.length;
        else this.fail(spans.length, result.error);
        finish(result);
      });
    } catch (error) {
      this.fail(spans.length, error);
      finish({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  /** Resolves when every export started so far has been answered. */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private fail(count: number, error: unknown): void {
    this.stats.failed += count;
    if (this.warned) return;
    this.warned = true;
    const reason = error instanceof Error ? error.message : String(error ?? "unknown error");
    logger.warn(
      `could not export ${count} span(s) to ${this.destination}: ${reason}. ` +
        "Further failures are counted and summarised at shutdown.",
    );
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
