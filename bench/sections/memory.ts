/**
 * Section 3: heap growth per call over many instrumented calls (in-process mode, content capture
 * on: the path that holds the most per call), streaming included, with the bare SDK as a control
 * so growth of the SDK itself is not blamed on the instrumentation.
 */
import type { BenchConfig } from "../config.js";
import { runWorker } from "../lib/child.js";
import { fmt } from "../lib/stats.js";
import type { MemoryResult, MemorySpec } from "../workers/memory.js";
import { SCENARIOS, type Provider, type Scenario } from "../workload.js";

export interface MemoryRun extends MemoryResult {
  provider: Provider;
  sdk: string;
  variant: string;
  scenario: Scenario;
}

/** The current majors: what a new install gets. */
const LINES: Array<{ provider: Provider; sdk: string }> = [
  { provider: "openai", sdk: "openai@7" },
  { provider: "anthropic", sdk: "anthropic@1.12" },
];

export async function runMemory(cfg: BenchConfig, env: { mockUrl: string; cannedFile: string }, log: (l: string) => void): Promise<MemoryRun[]> {
  const runs: MemoryRun[] = [];
  for (const { provider, sdk } of LINES) {
    for (const scenario of SCENARIOS) {
      for (const variant of ["ours:on", "bare"]) {
        const spec: MemorySpec = {
          provider,
          line: "v7",
          variant,
          transport: "inproc",
          mockUrl: env.mockUrl,
          cannedFile: env.cannedFile,
          scenario,
          warmup: cfg.memory.warmup,
          calls: variant === "bare" ? cfg.memory.controlCalls : cfg.memory.calls,
          checkpoints: cfg.memory.checkpoints,
        };
        // Bytecode flushing (V8 drops the bytecode of functions idle for a few full GCs) shrinks
        // the heap by megabytes over the first forced GCs and would read as negative growth.
        const r = await runWorker<MemoryResult>("memory.ts", spec, { nodeFlags: ["--expose-gc", "--no-flush-bytecode"], timeoutMs: 900_000 });
        runs.push({ ...r, provider, sdk, variant, scenario });
        log(r.ok ? `  ${sdk} ${scenario} ${variant}: ${r.calls} calls, ${fmt(r.bytesPerCall, 3)} B/call, growth ${fmt(r.growthKB, 0)} KB` : `  ${sdk} ${scenario} ${variant}: ${r.reason}`);
      }
    }
  }
  return runs;
}
