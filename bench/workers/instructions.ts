/**
 * Worker: one variant making `warmup + calls` calls of one scenario, in-process, run by the
 * `instructions` section under valgrind (callgrind counts every instruction the process
 * executes). Two runs that differ only in `calls` give the instructions of those extra calls.
 */
import { sendResult } from "../lib/child.js";
import { callsOf, prepare, type HarnessSpec } from "../lib/harness.js";
import type { Scenario } from "../workload.js";

export interface InstructionsSpec extends HarnessSpec {
  scenario: Scenario;
  warmup: number;
  calls: number;
}

export interface InstructionsRun {
  status: "ok" | "did-not-instrument" | "error";
  reason?: string | undefined;
  sdkVersion?: string | undefined;
  instrumentationVersion?: string | undefined;
  spansPerCall?: number;
}

async function main(spec: InstructionsSpec): Promise<InstructionsRun> {
  const h = await prepare(spec);
  if ("failed" in h) return { status: h.failed, reason: h.reason, sdkVersion: h.sdkVersion, instrumentationVersion: h.instrumentationVersion };
  await callsOf(h.client, spec.scenario, spec.warmup + spec.calls);
  const spansPerCall = (h.counter?.ended ?? 0) / (spec.warmup + spec.calls);
  const expected = h.variant.expectedSpansPerCall;
  if (expected > 0 && spansPerCall === 0) return { status: "did-not-instrument", sdkVersion: h.sdkVersion, instrumentationVersion: h.setup.version, spansPerCall };
  return { status: "ok", sdkVersion: h.sdkVersion, instrumentationVersion: h.setup.version, spansPerCall };
}

sendResult(await main(JSON.parse(process.argv[2]!) as InstructionsSpec).catch((error: unknown): InstructionsRun => ({ status: "error", reason: (error as Error).message })));
