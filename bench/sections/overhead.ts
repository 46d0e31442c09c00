/**
 * Section 1: per-call overhead. Every (group, transport, variant) runs in a fresh child process,
 * once per round; each round visits them in a different (seeded) order so slow drifts of a shared
 * machine spread over all variants instead of hitting one. A variant that fails verification in
 * its first round is not timed again.
 */
import type { BenchConfig, Group } from "../config.js";
import { runWorker } from "../lib/child.js";
import type { Transport } from "../lib/harness.js";
import type { SpanSample } from "../lib/tracing.js";
import { lowerQuartile } from "../lib/stats.js";
import type { PerCallResult, PerCallSpec, Sample, Status } from "../workers/per-call.js";
import type { Scenario } from "../workload.js";

export interface Cell {
  group: string;
  transport: Transport;
  variant: string;
  status: Status;
  reason?: string | undefined;
  sdkVersion?: string | undefined;
  instrumentationVersion?: string | undefined;
  spansPerCall?: Record<Scenario, number> | undefined;
  /** Spans per call over each round's timed calls. */
  measuredSpansPerCall: number[];
  sample?: SpanSample | undefined;
  /** One entry per round: the lower quartile of the child's batches (see lib/stats.ts). */
  rounds: Array<{ round: number } & Record<Scenario, Sample>>;
}

interface Task {
  group: Group;
  transport: Transport;
  variant: string;
}

function tasksOf(groups: Group[]): Task[] {
  return groups.flatMap((group) => group.transports.flatMap((transport) => group.variants.map((variant) => ({ group, transport, variant }))));
}

/** Deterministic shuffle (mulberry32), so a run's order can be reproduced. */
function shuffled<T>(xs: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const key = (t: { group: Group | string; transport: string; variant: string }) =>
  `${typeof t.group === "string" ? t.group : t.group.id}|${t.transport}|${t.variant}`;

function childValue(samples: Sample[]): Sample {
  return { cpuUs: lowerQuartile(samples.map((s) => s.cpuUs)), wallUs: lowerQuartile(samples.map((s) => s.wallUs)) };
}

export async function runOverhead(
  cfg: BenchConfig,
  env: { mockUrl: string; cannedFile: string },
  log: (line: string) => void,
): Promise<Cell[]> {
  const cells = new Map<string, Cell>();
  const tasks = tasksOf(cfg.groups);
  for (let round = 1; round <= cfg.rounds; round++) {
    const order = shuffled(tasks, round * 7919);
    let done = 0;
    for (const task of order) {
      done++;
      const k = key(task);
      const prior = cells.get(k);
      if (prior && (prior.status === "did-not-instrument" || prior.status === "error")) continue;
      const spec: PerCallSpec = {
        provider: task.group.provider,
        line: task.group.line,
        variant: task.variant,
        transport: task.transport,
        mockUrl: env.mockUrl,
        cannedFile: env.cannedFile,
        ...cfg.iterations[task.transport],
      };
      let r: PerCallResult;
      try {
        r = await runWorker<PerCallResult>("per-call.ts", spec, { timeoutMs: 300_000 });
      } catch (error) {
        r = { status: "error", reason: (error as Error).message.split("\n").slice(0, 6).join(" "), samples: { nonStream: [], stream: [] } };
      }
      const cell: Cell = prior ?? {
        group: task.group.id,
        transport: task.transport,
        variant: task.variant,
        status: r.status,
        reason: r.reason,
        sdkVersion: r.sdkVersion,
        instrumentationVersion: r.instrumentationVersion,
        spansPerCall: r.spansPerCall,
        measuredSpansPerCall: [],
        sample: r.sample,
        rounds: [],
      };
      if (r.measuredSpansPerCall !== undefined) cell.measuredSpansPerCall.push(r.measuredSpansPerCall);
      if (r.status === "error" || r.status === "did-not-instrument") {
        cell.status = r.status;
        cell.reason = r.reason;
      }
      if (r.samples.nonStream.length && r.samples.stream.length) {
        cell.rounds.push({ round, nonStream: childValue(r.samples.nonStream), stream: childValue(r.samples.stream) });
      }
      cells.set(k, cell);
      const last = cell.rounds.at(-1);
      log(
        `  round ${round}/${cfg.rounds} [${done}/${order.length}] ${task.group.id} ${task.transport} ${task.variant}: ` +
          (last && last.round === round ? `${last.nonStream.cpuUs.toFixed(0)} / ${last.stream.cpuUs.toFixed(0)} µs CPU` : r.status) +
          (r.status !== "ok" ? ` (${r.status}${r.reason ? `: ${r.reason.slice(0, 120)}` : ""})` : ""),
      );
    }
  }
  return [...cells.values()];
}
