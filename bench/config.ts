/**
 * What a run measures and how long it takes. `--quick` keeps every section but shrinks counts to
 * a smoke run (a minute or two); the full run is meant for a quiet machine (~20 min).
 */
import type { Transport } from "./lib/harness.js";
import type { IngestSettings } from "./sections/ingest.js";
import type { InstructionsSettings } from "./sections/instructions.js";
import type { Provider, Scenario } from "./workload.js";

/** One SDK version with the variants measured on it. */
export interface Group {
  id: string;
  provider: Provider;
  /** Isolated install under bench/peers/. */
  line: "v6" | "v7";
  /** The comparison the targets are judged on. */
  primary: boolean;
  transports: Transport[];
  variants: string[];
}

export interface Iterations {
  warmup: Record<Scenario, number>;
  batches: number;
  calls: Record<Scenario, number>;
}

export interface BenchConfig {
  quick: boolean;
  rounds: number;
  groups: Group[];
  iterations: Record<Transport, Iterations>;
  memory: { calls: number; controlCalls: number; checkpoints: number; warmup: number };
  export: { rates: number[]; durationMs: number; backpressure: { ratePerSec: number; durationMs: number; delayMs: number } };
  startup: { runs: number };
  client: { calls: number };
  instructions: InstructionsSettings;
  ingest: IngestSettings;
}

const OPENAI_PEERS = ["contrib:off", "contrib:on", "traceloop:off", "traceloop:on", "openinference:off", "openinference:on"];
const ANTHROPIC_PEERS = ["traceloop:off", "traceloop:on", "openinference:off", "openinference:on"];
const OURS = ["ours:off", "ours:on"];

export const GROUPS: Group[] = [
  // Every peer patches openai 6.x and @anthropic-ai/sdk 0.x: the fair comparison.
  { id: "openai@6", provider: "openai", line: "v6", primary: true, transports: ["inproc", "loopback"], variants: ["bare", "provider", ...OURS, ...OPENAI_PEERS] },
  { id: "anthropic@0.137", provider: "anthropic", line: "v6", primary: true, transports: ["inproc", "loopback"], variants: ["bare", "provider", "builtin", ...OURS, ...ANTHROPIC_PEERS] },
  // The current majors: ours and whichever peers still instrument them (checked, not assumed).
  { id: "openai@7", provider: "openai", line: "v7", primary: false, transports: ["inproc"], variants: ["bare", "provider", ...OURS, "contrib:off", "traceloop:on", "openinference:off", "openinference:on"] },
  { id: "anthropic@1.12", provider: "anthropic", line: "v7", primary: false, transports: ["inproc"], variants: ["bare", "provider", "builtin", ...OURS, "traceloop:on", "openinference:off", "openinference:on"] },
];

/** Instruction counts: the primary groups, content off for everyone (the ratio target), ours on too. */
function instructionSettings(quick: boolean): InstructionsSettings {
  return {
    groups: ["openai@6", "anthropic@0.137"],
    variants: quick
      ? { "openai@6": ["bare", "ours:off", "traceloop:off"], "anthropic@0.137": ["bare", "ours:off"] }
      : {
          "openai@6": ["bare", "floor", "ours:off", "ours:on", "contrib:off", "traceloop:off", "openinference:off"],
          "anthropic@0.137": ["bare", "floor", "ours:off", "ours:on", "traceloop:off", "openinference:off"],
        },
    // The difference of two runs is one call's cost only once the JIT has settled: warm up well.
    warmup: quick ? { nonStream: 300, stream: 30 } : { nonStream: 1000, stream: 100 },
    low: quick ? { nonStream: 100, stream: 10 } : { nonStream: 100, stream: 10 },
    high: quick ? { nonStream: 300, stream: 30 } : { nonStream: 600, stream: 60 },
  };
}

export function benchConfig(quick: boolean): BenchConfig {
  if (quick) {
    return {
      quick,
      rounds: 1,
      groups: GROUPS,
      iterations: {
        inproc: { warmup: { nonStream: 300, stream: 30 }, batches: 3, calls: { nonStream: 100, stream: 10 } },
        loopback: { warmup: { nonStream: 50, stream: 10 }, batches: 3, calls: { nonStream: 30, stream: 5 } },
      },
      memory: { calls: 5000, controlCalls: 2000, checkpoints: 5, warmup: 1000 },
      export: { rates: [25_000, 50_000], durationMs: 1000, backpressure: { ratePerSec: 20_000, durationMs: 2000, delayMs: 250 } },
      startup: { runs: 3 },
      client: { calls: 200 },
      instructions: instructionSettings(true),
      ingest: { seconds: 2, warmupSeconds: 0.5, otlp: { clients: 4, spansPerExport: 100 }, rest: { clients: 8 } },
    };
  }
  return {
    quick,
    rounds: 5,
    groups: GROUPS,
    iterations: {
      // ~2000 warm-up calls: the SDKs' own per-call cost only settles after that many.
      inproc: { warmup: { nonStream: 2000, stream: 200 }, batches: 9, calls: { nonStream: 300, stream: 30 } },
      loopback: { warmup: { nonStream: 500, stream: 100 }, batches: 9, calls: { nonStream: 100, stream: 20 } },
    },
    memory: { calls: 100_000, controlCalls: 20_000, checkpoints: 10, warmup: 5000 },
    export: { rates: [10_000, 25_000, 50_000, 75_000, 100_000], durationMs: 3000, backpressure: { ratePerSec: 20_000, durationMs: 5000, delayMs: 500 } },
    startup: { runs: 15 },
    client: { calls: 2000 },
    instructions: instructionSettings(false),
    // The local backend's write paths: 4 clients exporting 100 spans at a time, 8 logging requests.
    ingest: { seconds: 10, warmupSeconds: 1, otlp: { clients: 4, spansPerExport: 100 }, rest: { clients: 8 } },
  };
}
