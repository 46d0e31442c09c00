/**
 * Profiles of our instrumentation in in-process mode (openai 6.x and @anthropic-ai/sdk 0.137,
 * the SDK versions of the peer comparison), content capture off and on, both scenarios, with
 * the bare-provider baseline for contrast: where the per-call time goes, by owner, and which of
 * our functions it is spent in.
 */
import type { BenchConfig } from "../config.js";
import { runWorker } from "../lib/child.js";
import type { ProfileResult, ProfileSpec } from "../workers/profile.js";
import { SCENARIOS, type Provider, type Scenario } from "../workload.js";

export interface ProfileRun extends ProfileResult {
  provider: Provider;
  variant: string;
  scenario: Scenario;
}

export async function runProfiles(cfg: BenchConfig, env: { mockUrl: string; cannedFile: string }, log: (l: string) => void): Promise<ProfileRun[]> {
  const runs: ProfileRun[] = [];
  const calls: Record<Scenario, number> = cfg.quick ? { nonStream: 300, stream: 30 } : { nonStream: 5000, stream: 500 };
  for (const provider of ["openai", "anthropic"] as const) {
    for (const variant of ["provider", "ours:off", "ours:on"]) {
      for (const scenario of SCENARIOS) {
        const spec: ProfileSpec = {
          provider,
          line: "v6",
          variant,
          transport: "inproc",
          mockUrl: env.mockUrl,
          cannedFile: env.cannedFile,
          scenario,
          warmup: cfg.iterations.inproc.warmup[scenario],
          calls: calls[scenario],
        };
        const r = await runWorker<ProfileResult>("profile.ts", spec, { timeoutMs: 300_000 });
        runs.push({ ...r, provider, variant, scenario });
        const total = Object.values(r.usPerCall).reduce((a, b) => a + b, 0);
        log(`  ${provider} ${variant} ${scenario}: ${total.toFixed(0)} µs/call sampled, ours ${((r.usPerCall.ours ?? 0) + (r.usPerCall["ours→otel"] ?? 0)).toFixed(1)} µs`);
      }
    }
  }
  return runs;
}
