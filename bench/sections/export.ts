/**
 * Section 2: export. Spans/s through `PromptLayerSpanProcessor` + the OTLP/HTTP exporter with
 * zero loss, at stepped producer rates (stopping at the first rate that loses spans), into:
 *   - the package's `startOtlpReceiver` (decodes every span; its count confirms delivery), and
 *   - an acknowledge-only collector (the exporting process's own ceiling);
 * plus the producer alone (no export) to split CPU per span between making spans and exporting
 * them, and a receiver slower than the producer to show drops are counted and memory bounded.
 */
import type { BenchConfig } from "../config.js";
import { runWorker, startService } from "../lib/child.js";
import type { BatchSettings, ExportResult, ExportSpec } from "../workers/export.js";

export interface QueueSettings extends BatchSettings {
  name: string;
}

/** The package's defaults (README) and the settings recommended for high span rates. */
export const QUEUE_SETTINGS: QueueSettings[] = [
  { name: "defaults", maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000 },
  { name: "high-throughput", maxQueueSize: 16384, maxExportBatchSize: 4096, scheduledDelayMillis: 1000 },
];

export interface RampStep extends ExportResult {
  /** Spans the receiver decoded (decoding collector only). */
  received?: number;
}

export interface Ramp {
  collector: "decoding" | "ack-only" | "none";
  settings: QueueSettings;
  steps: RampStep[];
  /** Highest rate with zero spans lost. */
  maxLossless: number | undefined;
}

export interface ExportResults {
  ramps: Ramp[];
  backpressure: ExportResult & { settings: QueueSettings; delayMs: number; received: number };
}

const SERVICE_FLAGS = { nodeFlags: ["--experimental-transform-types", "--no-warnings"] };
const WORKER_FLAGS = { nodeFlags: ["--expose-gc"], timeoutMs: 180_000 };
const WARMUP_SPANS = 2000; // exported by the worker before its timed window

async function ramp(cfg: BenchConfig, collector: Ramp["collector"], settings: QueueSettings, log: (l: string) => void): Promise<Ramp> {
  const service =
    collector === "none" ? undefined : await startService<{ url: string }>("receiver.ts", { mode: collector === "decoding" ? "fast" : "ack" }, SERVICE_FLAGS);
  const steps: RampStep[] = [];
  try {
    for (const rate of cfg.export.rates) {
      const before = (await service?.ask<{ spans: number }>("count"))?.spans ?? 0;
      const spec: ExportSpec = {
        ...(service ? { endpoint: service.info.url } : {}),
        batch: settings,
        ratePerSec: rate,
        durationMs: cfg.export.durationMs,
        sampleHeap: false,
      };
      const r: RampStep = await runWorker<ExportResult>("export.ts", spec, WORKER_FLAGS);
      if (collector === "decoding") r.received = (await service!.ask<{ spans: number }>("count")).spans - before - WARMUP_SPANS;
      steps.push(r);
      log(`  ${collector} ${settings.name} ${rate}/s: exported ${r.stats.exported}/${r.stats.ended}, lost ${r.stats.lost}, ${r.cpuUsPerSpan.toFixed(1)} µs CPU/span`);
      if (r.stats.lost > 0) break;
    }
  } finally {
    await service?.stop();
  }
  const lossless = steps.filter((s) => s.stats.lost === 0 && s.stats.ended > 0).map((s) => s.ratePerSec);
  return { collector, settings, steps, maxLossless: lossless.length ? Math.max(...lossless) : undefined };
}

export async function runExport(cfg: BenchConfig, log: (line: string) => void): Promise<ExportResults> {
  const [defaults, throughput] = QUEUE_SETTINGS as [QueueSettings, QueueSettings];
  const ramps = [
    await ramp(cfg, "none", throughput, log),
    await ramp(cfg, "ack-only", defaults, log),
    await ramp(cfg, "ack-only", throughput, log),
    await ramp(cfg, "decoding", defaults, log),
    await ramp(cfg, "decoding", throughput, log),
  ];

  const bp = cfg.export.backpressure;
  const slow = await startService<{ url: string }>("receiver.ts", { mode: "slow", delayMs: bp.delayMs }, SERVICE_FLAGS);
  try {
    const r = await runWorker<ExportResult>(
      "export.ts",
      { endpoint: slow.info.url, batch: throughput, ratePerSec: bp.ratePerSec, durationMs: bp.durationMs, sampleHeap: true } satisfies ExportSpec,
      WORKER_FLAGS,
    );
    const received = (await slow.ask<{ spans: number }>("count")).spans - WARMUP_SPANS;
    log(`  slow receiver: produced ${r.produced}, exported ${r.stats.exported}, lost ${r.stats.lost}, heap peak ${r.heapMB.peak.toFixed(1)} MB`);
    return { ramps, backpressure: { ...r, settings: throughput, delayMs: bp.delayMs, received } };
  } finally {
    await slow.stop();
  }
}
