/**
 * Worker: spans through `PromptLayerSpanProcessor` (batching + the OTLP/HTTP protobuf exporter)
 * into a receiver in another process.
 *
 * The producer is paced: every 10 ms tick it ends the spans the target rate calls for, as an app
 * serving requests would, rather than one synchronous burst (which no queue size survives). It
 * reports what was produced, exported and lost (the processor's `getStats()`), the rate from the
 * first span to the last acknowledgement, and the heap (after gc) sampled while producing, which
 * shows the queue bounding memory when the receiver cannot keep up.
 */
import { SpanKind, type Tracer } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { TracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace";
import { setTimeout as sleep } from "node:timers/promises";
import { sendResult } from "../lib/child.js";
import { distEntry } from "../lib/paths.js";

// The run's snapshot of the built package (see lib/paths.ts), typed as the package.
const { PromptLayerSpanProcessor } = (await import(distEntry("index"))) as typeof import("promptlayer-otel");

export interface BatchSettings {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
}

export interface ExportSpec {
  /** Collector URL; absent: an exporter that acknowledges at once (producer + batching cost only). */
  endpoint?: string;
  batch: BatchSettings;
  ratePerSec: number;
  durationMs: number;
  /** Sample the heap every 250 ms (each sample is a full gc, which stalls the producer). */
  sampleHeap: boolean;
}

export interface ExportStatsDelta {
  ended: number;
  exported: number;
  failed: number;
  lost: number;
}

export interface ExportResult {
  ratePerSec: number;
  produced: number;
  /** From the first span to the last acknowledgement (shutdown flush included). */
  seconds: number;
  exportedPerSec: number;
  /** Producer + exporter CPU in this process, per span. */
  cpuUsPerSpan: number;
  stats: ExportStatsDelta;
  /** heapUsed after gc, MB: before, samples while producing, after shutdown. */
  heapMB: { before: number; samples: number[]; peak: number; after: number };
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const heapMB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const instantExporter: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: () => Promise.resolve(),
};

/** A span shaped like a chat call's: the attributes our instrumentation sets, without content. */
function chatSpan(tracer: Tracer, i: number): void {
  const span = tracer.startSpan("chat gpt-4o-mini", {
    kind: SpanKind.CLIENT,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "server.address": "api.openai.com",
      "server.port": 443,
      "gen_ai.request.max_tokens": 256,
      "gen_ai.request.temperature": 0.2,
    },
  });
  span.setAttributes({
    "gen_ai.response.id": `chatcmpl-${i}`,
    "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
    "gen_ai.response.finish_reasons": ["stop"],
    "gen_ai.usage.input_tokens": 96,
    "gen_ai.usage.output_tokens": 54,
  });
  span.end();
}

async function main(spec: ExportSpec): Promise<ExportResult> {
  const processor = new PromptLayerSpanProcessor({
    ...(spec.endpoint ? { endpoint: spec.endpoint } : { exporter: instantExporter }),
    apiKey: "bench-key",
    batch: { ...spec.batch, exportTimeoutMillis: 30_000 },
    shutdownTimeoutMillis: 60_000,
  });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer("bench");

  // Warm the serializer and the keep-alive connection before timing.
  for (let i = 0; i < 2000; i++) chatSpan(tracer, i);
  await processor.forceFlush();
  // forceFlush() exports what is queued but does not wait for a batch the size trigger already
  // sent; wait for that acknowledgement too, or it would be counted in the measured window.
  while (processor.getStats().exported + processor.getStats().failed < processor.getStats().ended) await sleep(5);
  const base = processor.getStats();
  const heap = { before: heapMB(), samples: [] as number[], peak: 0, after: 0 };

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + spec.durationMs;
  let produced = 0;
  let nextSample = t0 + 250;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - t0) / 1000) * spec.ratePerSec);
    while (produced < due) chatSpan(tracer, produced++);
    if (spec.sampleHeap && performance.now() >= nextSample) {
      heap.samples.push(heapMB());
      nextSample += 250;
    }
    await sleep(10);
  }
  await provider.shutdown();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  heap.after = heapMB();
  heap.peak = Math.max(heap.before, heap.after, ...heap.samples);
  const s = processor.getStats();
  const stats = { ended: s.ended - base.ended, exported: s.exported - base.exported, failed: s.failed - base.failed, lost: s.lost - base.lost };
  return {
    ratePerSec: spec.ratePerSec,
    produced,
    seconds,
    exportedPerSec: stats.exported / seconds,
    cpuUsPerSpan: (cpu.user + cpu.system) / produced,
    stats,
    heapMB: heap,
  };
}

sendResult(await main(JSON.parse(process.argv[2]!) as ExportSpec));
