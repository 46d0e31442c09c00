/**
 * From raw cells to the numbers the report shows: medians over rounds, overhead above the bare
 * SDK (median of per-round paired differences, which cancels drift that hit both in a round), and
 * our overhead as a ratio to the best peer that instrumented the same SDK.
 */
import { GROUPS } from "./config.js";
import { median } from "./lib/stats.js";
import type { Transport } from "./lib/harness.js";
import type { Cell } from "./sections/overhead.js";
import { variantById, type Variant } from "./variants/index.js";
import { SCENARIOS, type Scenario } from "./workload.js";

export interface Measure {
  cpuUs: number;
  wallUs: number;
  /** Above the bare SDK, µs per call. */
  cpuOverUs: number;
  wallOverUs: number;
}

export interface Row {
  cell: Cell;
  variant: Variant;
  /** Status ok and at least one timed round. */
  timed: boolean;
  m: Partial<Record<Scenario, Measure>>;
}

export interface BestPeer {
  row: Row;
  cpuOverUs: number;
}

export interface Table {
  group: string;
  transport: Transport;
  rows: Row[];
}

function measure(cell: Cell, bare: Cell | undefined, s: Scenario): Measure | undefined {
  if (!cell.rounds.length) return undefined;
  const diffs = (field: "cpuUs" | "wallUs") =>
    cell.rounds.flatMap((r) => {
      const b = bare?.rounds.find((x) => x.round === r.round);
      return b ? [r[s][field] - b[s][field]] : [];
    });
  return {
    cpuUs: median(cell.rounds.map((r) => r[s].cpuUs)),
    wallUs: median(cell.rounds.map((r) => r[s].wallUs)),
    cpuOverUs: median(diffs("cpuUs")),
    wallOverUs: median(diffs("wallUs")),
  };
}

export function tables(cells: Cell[]): Table[] {
  const out = new Map<string, Table>();
  for (const cell of cells) {
    const k = `${cell.group}|${cell.transport}`;
    if (!out.has(k)) out.set(k, { group: cell.group, transport: cell.transport, rows: [] });
  }
  for (const t of out.values()) {
    const inTable = cells.filter((c) => c.group === t.group && c.transport === t.transport);
    const bare = inTable.find((c) => c.variant === "bare");
    t.rows = inTable.map((cell) => {
      const m: Row["m"] = {};
      for (const s of SCENARIOS) {
        const x = measure(cell, bare, s);
        if (x) m[s] = x;
      }
      return { cell, variant: variantById(cell.variant), timed: cell.status !== "error" && cell.status !== "did-not-instrument" && cell.rounds.length > 0, m };
    });
    t.rows.sort((a, b) => ORDER.indexOf(a.variant.family) - ORDER.indexOf(b.variant.family) || a.cell.variant.localeCompare(b.cell.variant));
  }
  // Config order of the SDK groups, in-process before loopback.
  const groupRank = (g: string) => GROUPS.findIndex((x) => x.id === g);
  return [...out.values()].sort((a, b) => groupRank(a.group) - groupRank(b.group) || (a.transport === "inproc" ? -1 : 1) - (b.transport === "inproc" ? -1 : 1));
}

const ORDER = ["bare", "provider", "builtin", "ours", "peer"];

/**
 * The peer with the lowest CPU overhead for `s` among those that instrumented correctly (one span
 * per call) with the given content setting; `any` ignores the setting.
 */
export function bestPeer(table: Table, s: Scenario, content: "off" | "on" | "any"): BestPeer | undefined {
  let best: BestPeer | undefined;
  for (const row of table.rows) {
    if (row.variant.family !== "peer" || row.cell.status !== "ok" || !row.m[s]) continue;
    if (content !== "any" && row.variant.content !== content) continue;
    const o = row.m[s]!.cpuOverUs;
    if (!best || o < best.cpuOverUs) best = { row, cpuOverUs: o };
  }
  return best;
}

/**
 * Overheads below 5% of the bare SDK's own time are indistinguishable from run-to-run noise on a
 * shared machine; a ratio against one means nothing.
 */
export function noiseFloorUs(table: Table, s: Scenario): number {
  return 0.05 * (table.rows.find((r) => r.variant.family === "bare")?.m[s]?.cpuUs ?? 0);
}

export function row(table: Table | undefined, variant: string): Row | undefined {
  return table?.rows.find((r) => r.cell.variant === variant);
}
