/**
 * `PromptLayerSpanProcessor`: batches spans to PromptLayer's OTLP endpoint (or any OTLP/HTTP
 * collector). `init()` uses it; NodeSDK users add it to their own `spanProcessors`.
 */
import { TraceFlags, type Context } from "@opentelemetry/api";
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace";
import { resolveExportConfig, type ExportOptions, type ResolvedExportConfig } from "../config.js";
import { logger } from "../logger.js";
import { CountingExporter, createOtlpExporter, type ExportStats } from "./exporter.js";
import { applyRequestContext } from "./request-context.js";
import { settleWithin } from "./timeout.js";

export interface PromptLayerSpanProcessorOptions extends ExportOptions {
  /** Send to this exporter instead of the OTLP/HTTP one (tests, custom transports). */
  exporter?: SpanExporter;
  /** Upper bound on `shutdown()` and `forceFlush()`. Default 5000 ms. */
  shutdownTimeoutMillis?: number;
}

export class PromptLayerSpanProcessor implements SpanProcessor {
  /** Where spans are sent. */
  readonly endpoint: string;
  private readonly stats: ExportStats = { ended: 0, exported: 0, failed: 0 };
  private readonly batch: BatchSpanProcessor;
  private readonly exporter: CountingExporter;
  private readonly timeoutMillis: number;
  private reported = false;
  private finishedInTime = true;

  constructor(options: PromptLayerSpanProcessorOptions = {}, resolved?: ResolvedExportConfig) {
    const cfg = resolved ?? resolveExportConfig(options, process.env, { otlpEnv: false });
    this.endpoint = cfg.endpoint;
    this.timeoutMillis = options.shutdownTimeoutMillis ?? 5000;
    this.exporter = new CountingExporter(options.exporter ?? createOtlpExporter(cfg), this.stats, cfg.endpoint);
    this.batch = new BatchSpanProcessor({ exporter: this.exporter, ...cfg.batch });
  }

  onStart(span: Span, parentContext: Context): void {
    // One processor gives NodeSDK users the request context (user, session, metadata) too.
    applyRequestContext(span, parentContext);
    this.batch.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.stats.ended++;
    this.batch.onEnd(span);
  }

  /**
   * Exports everything queued and waits for exports already under way (the batch processor's own
   * flush does not); resolves (never rejects) within the shutdown timeout.
   */
  async forceFlush(): Promise<void> {
    const flushed = this.guard(this.batch.forceFlush()).then(() => this.exporter.settled());
    if (!(await settleWithin(flushed, this.timeoutMillis))) {
      this.finishedInTime = false;
      logger.warn(`forceFlush did not finish within ${this.timeoutMillis} ms`);
    }
  }

  /** Flushes, stops, and reports once how many spans could not be delivered. */
  async shutdown(): Promise<void> {
    const finished = await settleWithin(this.guard(this.batch.shutdown()), this.timeoutMillis);
    this.finishedInTime &&= finished;
    this.report(finished);
  }

  /** False once a flush or shutdown hit its timeout (an export may still be in flight). */
  get completedInTime(): boolean {
    return this.finishedInTime;
  }

  /** Counters since construction. */
  getStats(): Readonly<ExportStats> & { lost: number } {
    return { ...this.stats, lost: Math.max(0, this.stats.ended - this.stats.exported) };
  }

  private guard(p: Promise<void>): Promise<void> {
    // The batch processor rejects on export failure; that failure is already counted.
    return p.catch((error: unknown) => logger.debug("span export failed", error));
  }

  private report(finished: boolean): void {
    if (this.reported) return;
    this.reported = true;
    const { lost, failed } = this.getStats();
    if (lost === 0) return;
    const unsent = lost - failed;
    logger.warn(
      `${lost} span(s) could not be exported to ${this.endpoint}: ${failed} failed to send` +
        (unsent > 0 ? `, ${unsent} dropped (queue full or still pending${finished ? "" : " when shutdown timed out"})` : "") +
        ".",
    );
  }
}
