/**
 * Worker: one variant, one SDK line, one transport, in a fresh process. Verifies the variant
 * produces the spans it should, then measures CPU and wall time per call for non-streaming and
 * streaming calls in interleaved batches.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Iterations } from "../config.js";
import { sendResult } from "../lib/child.js";
import { callsOf, prepare, SDK_PACKAGE, supportedRanges, type HarnessSpec } from "../lib/harness.js";
import type { SpanCounter, SpanSample } from "../lib/tracing.js";
import { SCENARIOS, type BenchClient, type Scenario } from "../workload.js";

/** One SDK variant measured with one transport's iteration counts. */
export interface PerCallSpec extends HarnessSpec, Iterations {}

export interface Sample {
  cpuUs: number;
  wallUs: number;
}

export type Status = "ok" | "did-not-instrument" | "extra-spans" | "error";

export interface PerCallResult {
  status: Status;
  reason?: string | undefined;
  sdkVersion?: string | undefined;
  instrumentationVersion?: string | undefined;
  /** Spans per call seen while verifying, and while measuring. */
  spansPerCall?: Record<Scenario, number>;
  measuredSpansPerCall?: number;
  sample?: SpanSample | undefined;
  samples: Record<Scenario, Sample[]>;
}

/** Spans ended per call over `n` calls; streams may end their span a tick after the last chunk. */
async function spansPerCall(client: BenchClient, counter: SpanCounter | undefined, scenario: Scenario, n: number): Promise<number> {
  const before = counter?.ended ?? 0;
  await callsOf(client, scenario, n);
  await sleep(20);
  return ((counter?.ended ?? 0) - before) / n;
}

/**
 * No gc() before a batch: a forced full GC was seen to triple the SDK's own per-call cost right
 * after it (bytecode flushing, heap resizing), which would swamp the differences measured here.
 */
async function measure(client: BenchClient, scenario: Scenario, n: number): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await callsOf(client, scenario, n);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / n, wallUs: (wallMs * 1000) / n };
}

async function main(spec: PerCallSpec): Promise<PerCallResult> {
  const samples: PerCallResult["samples"] = { nonStream: [], stream: [] };
  const h = await prepare(spec);
  if ("failed" in h) return { status: h.failed, reason: h.reason, sdkVersion: h.sdkVersion, instrumentationVersion: h.instrumentationVersion, samples };
  const result: PerCallResult = {
    status: "ok",
    sdkVersion: h.sdkVersion,
    instrumentationVersion: h.setup.version,
    spansPerCall: { nonStream: NaN, stream: NaN },
    samples,
  };

  const perCall = result.spansPerCall!;
  for (const s of SCENARIOS) perCall[s] = await spansPerCall(h.client, h.counter, s, 3);
  result.sample = h.counter?.takeSample();
  const fewest = Math.min(perCall.nonStream, perCall.stream);
  const most = Math.max(perCall.nonStream, perCall.stream);
  const expected = h.variant.expectedSpansPerCall;
  if (expected > 0 && fewest === 0) {
    const ranges = supportedRanges(h.setup);
    result.status = "did-not-instrument";
    result.reason = `0 spans per call on ${SDK_PACKAGE[spec.provider]} ${h.sdkVersion}` + (ranges ? ` (hooks ${ranges})` : "");
    return result;
  }
  if (most !== expected || fewest !== expected) {
    result.status = "extra-spans";
    result.reason = `${perCall.nonStream} / ${perCall.stream} spans per non-streaming / streaming call, expected ${expected}`;
  }

  // Warm both paths before timing either, so JIT tiers are comparable across variants.
  for (const s of SCENARIOS) await callsOf(h.client, s, spec.warmup[s]);
  const endedBefore = h.counter?.ended ?? 0;
  let calls = 0;
  for (let b = 0; b < spec.batches; b++) {
    for (const s of SCENARIOS) {
      samples[s].push(await measure(h.client, s, spec.calls[s]));
      calls += spec.calls[s];
    }
  }
  await sleep(20);
  result.measuredSpansPerCall = ((h.counter?.ended ?? 0) - endedBefore) / calls;
  return result;
}

sendResult(await main(JSON.parse(process.argv[2]!) as PerCallSpec));
