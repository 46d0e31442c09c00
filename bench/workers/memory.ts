/**
 * Worker: heap growth over many instrumented calls (in-process mode). Warms up, then after every
 * `calls / checkpoints` calls lets pending work settle, forces full GCs and reads `heapUsed`.
 * Growth per call is the least-squares slope over the checkpoints after the first step (the
 * first step still releases warm-up leftovers, e.g. stream buffers freed a few ticks later).
 * Needs --expose-gc.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { sendResult } from "../lib/child.js";
import { callsOf, prepare, type HarnessSpec } from "../lib/harness.js";
import { slope } from "../lib/stats.js";
import type { Scenario } from "../workload.js";

export interface MemorySpec extends HarnessSpec {
  scenario: Scenario;
  warmup: number;
  calls: number;
  checkpoints: number;
}

export interface MemoryResult {
  ok: boolean;
  reason?: string;
  calls: number;
  spansPerCall: number;
  /** [calls so far, heapUsed bytes] after gc. */
  points: Array<[number, number]>;
  bytesPerCall: number;
  growthKB: number;
}

async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc");
  // Stream spans end and finalizers run a few ticks after the last call.
  await sleep(50);
  gc();
  await sleep(10);
  gc();
  return process.memoryUsage().heapUsed;
}

async function main(spec: MemorySpec): Promise<MemoryResult> {
  const h = await prepare(spec);
  if ("failed" in h) return { ok: false, reason: h.reason, calls: 0, spansPerCall: 0, points: [], bytesPerCall: NaN, growthKB: NaN };
  await callsOf(h.client, spec.scenario, spec.warmup);
  const ended0 = h.counter?.ended ?? 0;
  const points: Array<[number, number]> = [[0, await heapAfterGc()]];
  const step = Math.ceil(spec.calls / spec.checkpoints);
  for (let done = 0; done < spec.calls; ) {
    await callsOf(h.client, spec.scenario, step);
    done += step;
    points.push([done, await heapAfterGc()]);
  }
  const calls = points.at(-1)![0];
  const fit = points.slice(1);
  return {
    ok: true,
    calls,
    spansPerCall: ((h.counter?.ended ?? 0) - ended0) / calls,
    points,
    bytesPerCall: slope(fit.map((p) => p[0]), fit.map((p) => p[1])),
    growthKB: (points.at(-1)![1] - points[0]![1]) / 1024,
  };
}

sendResult(await main(JSON.parse(process.argv[2]!) as MemorySpec));
