/**
 * Section: instructions per call, counted by valgrind's callgrind instead of timed.
 *
 * CPU time on this shared 2-core machine moves ±15–50% between identical runs, which hides
 * differences of a few µs. Instruction counts do not move with the neighbours' load: with V8 in
 * its `--predictable` mode (single-threaded, fixed seeds), two identical runs agree to within
 * 0.01%. Each (variant, scenario) runs twice in fresh processes, with `low` and `high` measured
 * calls after the same warm-up; the difference divided by `high − low` is the instructions of one
 * call, start-up and warm-up cancelled out. `--predictable` also changes what V8 does (no
 * concurrent compilation or GC), so these are relative figures: overhead as a share of the bare
 * SDK's own instructions, and as a ratio between instrumentations.
 */
import { spawn, spawnSync } from "node:child_process";
import type { BenchConfig, Group } from "../config.js";
import type { Transport } from "../lib/harness.js";
import { TS_RESOLVE_URL, workerPath } from "../lib/paths.js";
import type { InstructionsRun, InstructionsSpec } from "../workers/instructions.js";
import { SCENARIOS, type Scenario } from "../workload.js";

export interface InstructionsSettings {
  groups: string[];
  variants: Record<string, string[]>;
  warmup: Record<Scenario, number>;
  low: Record<Scenario, number>;
  high: Record<Scenario, number>;
}

export interface InstructionsCell {
  group: string;
  variant: string;
  status: InstructionsRun["status"];
  reason?: string | undefined;
  sdkVersion?: string | undefined;
  instrumentationVersion?: string | undefined;
  /** Instructions per call; absent when the variant did not run. */
  perCall: Partial<Record<Scenario, number>>;
}

const NODE_FLAGS = ["--experimental-transform-types", "--no-warnings", "--predictable", "--random-seed=1", "--hash-seed=1"];
const RESULT_PREFIX = "BENCH_RESULT ";

/** Runs the worker under callgrind; resolves with its result and the instructions it executed. */
function countedRun(spec: InstructionsSpec): Promise<{ run: InstructionsRun; instructions: number }> {
  return new Promise((resolve, reject) => {
    const args = ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, "--import", TS_RESOLVE_URL, ...NODE_FLAGS, workerPath("instructions.ts"), JSON.stringify(spec)];
    const child = spawn("valgrind", args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      const collected = /Collected : (\d+)/.exec(stderr);
      if (!line || !collected) return reject(new Error(`valgrind run of ${spec.variant} exited (${code}) without a count\n${stderr.slice(-2000)}`));
      resolve({ run: JSON.parse(line.slice(RESULT_PREFIX.length)) as InstructionsRun, instructions: Number(collected[1]) });
    });
  });
}

/** Runs tasks `width` at a time. */
async function pooled<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return out;
}

export function valgrindAvailable(): boolean {
  return spawnSync("valgrind", ["--version"]).status === 0;
}

export async function runInstructions(cfg: BenchConfig, env: { mockUrl: string; cannedFile: string }, log: (m: string) => void): Promise<InstructionsCell[]> {
  const settings = cfg.instructions;
  const groups = settings.groups.map((id) => cfg.groups.find((g) => g.id === id)).filter((g): g is Group => g !== undefined);
  const cells: InstructionsCell[] = [];
  const tasks: Array<() => Promise<void>> = [];
  for (const group of groups) {
    for (const variant of settings.variants[group.id] ?? []) {
      const cell: InstructionsCell = { group: group.id, variant, status: "ok", perCall: {} };
      cells.push(cell);
      for (const scenario of SCENARIOS) {
        tasks.push(async () => {
          const base = { provider: group.provider, line: group.line, variant, transport: "inproc" as Transport, mockUrl: env.mockUrl, cannedFile: env.cannedFile, scenario, warmup: settings.warmup[scenario] };
          const [low, high] = await Promise.all([countedRun({ ...base, calls: settings.low[scenario] }), countedRun({ ...base, calls: settings.high[scenario] })]);
          cell.sdkVersion = high.run.sdkVersion;
          cell.instrumentationVersion = high.run.instrumentationVersion;
          if (high.run.status !== "ok") {
            cell.status = high.run.status;
            cell.reason = high.run.reason;
            return;
          }
          cell.perCall[scenario] = (high.instructions - low.instructions) / (settings.high[scenario] - settings.low[scenario]);
          log(`  ${group.id} ${variant} ${scenario}: ${Math.round(cell.perCall[scenario]! / 1000)}k instructions/call`);
        });
      }
    }
  }
  // Each task runs its two processes side by side: two cores, and counts do not depend on contention.
  await pooled(tasks, 1);
  return cells;
}
