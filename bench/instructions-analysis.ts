/**
 * Instruction counts turned into overheads: instructions above the bare SDK per call, as a share
 * of the bare SDK's own, and in µs by scaling that share with the bare SDK's measured CPU time
 * (in-process, §1). The scaling assumes our instructions cost what the SDK's cost on average.
 */
import { tables, row } from "./analysis.js";
import type { Results } from "./results.js";
import type { InstructionsCell } from "./sections/instructions.js";
import type { Scenario } from "./workload.js";

export interface InstructionsOverhead {
  cell: InstructionsCell;
  /** Instructions per call above the bare SDK's. */
  over: number;
  /** `over` as a share of the bare SDK's own instructions per call. */
  share: number;
  /** `share` × the bare SDK's in-process CPU µs per call, when §1 measured it. */
  approxUs: number | undefined;
}

export function instructionsOverhead(results: Results, group: string, variant: string, s: Scenario): InstructionsOverhead | undefined {
  const cells = results.instructions ?? [];
  const bare = cells.find((c) => c.group === group && c.variant === "bare")?.perCall[s];
  const cell = cells.find((c) => c.group === group && c.variant === variant);
  const mine = cell?.perCall[s];
  if (!cell || bare === undefined || mine === undefined) return undefined;
  const over = mine - bare;
  const share = over / bare;
  const bareUs = row(tables(results.overhead).find((t) => t.group === group && t.transport === "inproc"), "bare")?.m[s]?.cpuUs;
  return { cell, over, share, approxUs: bareUs !== undefined ? share * bareUs : undefined };
}

/** The peer with the least overhead among the content-off peers that instrumented. */
export function bestPeerByInstructions(results: Results, group: string, s: Scenario): InstructionsOverhead | undefined {
  const peers = (results.instructions ?? []).filter((c) => c.group === group && c.status === "ok" && /^(contrib|traceloop|openinference):off$/.test(c.variant));
  return peers
    .map((c) => instructionsOverhead(results, group, c.variant, s))
    .filter((o): o is InstructionsOverhead => o !== undefined)
    .sort((a, b) => a.over - b.over)[0];
}
