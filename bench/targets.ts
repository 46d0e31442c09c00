/**
 * The targets, judged on the measurements and printed as pass/fail by the bench (never asserted
 * in tests: numbers from a shared machine are evidence, not a gate).
 *
 *   1. our overhead, content capture off, ≤ ½ of the best peer's (content off too: like for like),
 *      non-streaming and streaming, in-process mode, on the SDK versions every peer patches;
 *   2. our overhead, content capture off, < 15 µs CPU per non-streaming call, in-process, on
 *      every SDK version measured;
 *   3. content capture on costs < 2× content capture off;
 *   4. no measurable heap growth per call (more than 1 byte/call above the bare SDK's own);
 *   5. export ≥ 50,000 spans/s with zero loss into the decoding OTLP receiver.
 */
import { bestPeer, noiseFloorUs, row, tables, type Table } from "./analysis.js";
import { bestPeerByInstructions, instructionsOverhead } from "./instructions-analysis.js";
import { fmt } from "./lib/stats.js";
import type { Results } from "./results.js";
import { SCENARIOS, type Scenario } from "./workload.js";

export interface Verdict {
  target: string;
  scope: string;
  /** undefined: could not be judged (missing data, or a baseline inside the noise). */
  pass: boolean | undefined;
  detail: string;
}

const SCENARIO_NAME: Record<Scenario, string> = { nonStream: "non-streaming", stream: "streaming" };
const kilo = (n: number) => `${fmt(n / 1000)}k`;
export const HEAP_THRESHOLD_BYTES_PER_CALL = 1;
export const EXPORT_TARGET = 50_000;

function inproc(ts: Table[], group: string): Table | undefined {
  return ts.find((t) => t.group === group && t.transport === "inproc");
}

export function evaluate(results: Results): Verdict[] {
  const out: Verdict[] = [];
  const ts = tables(results.overhead);
  // Per-call targets only when the overhead section ran.
  for (const g of results.overhead.length ? results.config.groups : []) {
    const t = inproc(ts, g.id);
    const off = row(t, "ours:off");
    const on = row(t, "ours:on");
    for (const s of SCENARIOS) {
      const ours = off?.timed ? off.m[s] : undefined;
      if (g.primary && t) {
        const best = bestPeer(t, s, "off");
        const bestAny = bestPeer(t, s, "any");
        const scope = `${g.id}, ${SCENARIO_NAME[s]}`;
        if (!ours || !best) out.push({ target: "≤ ½ best peer (content off)", scope, pass: undefined, detail: "missing data" });
        else if (best.cpuOverUs <= noiseFloorUs(t, s))
          out.push({ target: "≤ ½ best peer (content off)", scope, pass: undefined, detail: `best peer's overhead ${fmt(best.cpuOverUs)} µs is within noise (< 5% of the bare SDK)` });
        else
          out.push({
            target: "≤ ½ best peer (content off)",
            scope,
            pass: ours.cpuOverUs <= best.cpuOverUs / 2,
            detail:
              `ours ${fmt(ours.cpuOverUs)} µs vs ${best.row.cell.variant} ${fmt(best.cpuOverUs)} µs (ratio ${fmt(ours.cpuOverUs / best.cpuOverUs, 2)})` +
              (bestAny && bestAny.row !== best.row ? `; best at any setting: ${bestAny.row.cell.variant} ${fmt(bestAny.cpuOverUs)} µs` : ""),
          });
      }
      if (s === "nonStream") {
        out.push({
          target: "< 15 µs CPU/call, content off",
          scope: `${g.id}, non-streaming`,
          pass: ours ? ours.cpuOverUs < 15 : undefined,
          detail: ours ? `${fmt(ours.cpuOverUs)} µs CPU above bare (wall ${fmt(ours.wallOverUs)} µs)` : "missing data",
        });
      }
      const onM = on?.timed ? on.m[s] : undefined;
      if (ours && onM) {
        // A negative overhead is noise; a ratio against it means nothing.
        const judged = ours.cpuOverUs > 0 && onM.cpuOverUs > 0;
        out.push({
          target: "content on < 2× content off",
          scope: `${g.id}, ${SCENARIO_NAME[s]}`,
          pass: judged ? onM.cpuOverUs < 2 * ours.cpuOverUs : undefined,
          detail: `on ${fmt(onM.cpuOverUs)} µs vs off ${fmt(ours.cpuOverUs)} µs` + (judged ? ` (${fmt(onM.cpuOverUs / ours.cpuOverUs, 2)}×)` : ""),
        });
      }
    }
  }

  // The same targets judged on instruction counts (§1b), which the machine's noise does not move.
  for (const group of results.instructions?.length ? results.config.instructions.groups : []) {
    for (const s of SCENARIOS) {
      const ours = instructionsOverhead(results, group, "ours:off", s);
      const best = bestPeerByInstructions(results, group, s);
      const scope = `${group}, ${SCENARIO_NAME[s]}, instructions`;
      if (ours && best)
        out.push({
          target: "≤ ½ best peer (content off)",
          scope,
          // A negative overhead means the JIT had not settled; no verdict from it.
          pass: ours.over > 0 && best.over > 0 ? ours.over <= best.over / 2 : undefined,
          detail: `ours ${kilo(ours.over)} vs ${best.cell.variant} ${kilo(best.over)} instructions/call above bare (ratio ${fmt(ours.over / best.over, 2)})`,
        });
      if (ours && s === "nonStream")
        out.push({
          target: "< 15 µs CPU/call, content off",
          scope,
          pass: ours.approxUs !== undefined && ours.over > 0 ? ours.approxUs < 15 : undefined,
          detail: `${kilo(ours.over)} instructions/call above bare = ${fmt(ours.share * 100)}% of the bare call` + (ours.approxUs !== undefined ? ` ≈ ${fmt(ours.approxUs)} µs at its measured CPU time` : ""),
        });
      const on = instructionsOverhead(results, group, "ours:on", s);
      if (ours && on && ours.over > 0)
        out.push({ target: "content on < 2× content off", scope, pass: on.over < 2 * ours.over, detail: `on ${kilo(on.over)} vs off ${kilo(ours.over)} (${fmt(on.over / ours.over, 2)}×)` });
    }
  }

  for (const m of results.memory ?? []) {
    if (m.variant !== "ours:on") continue;
    const control = results.memory!.find((c) => c.variant === "bare" && c.provider === m.provider && c.scenario === m.scenario);
    const excess = m.bytesPerCall - (control?.bytesPerCall ?? 0);
    out.push({
      target: "no per-call heap growth",
      scope: `${m.sdk}, ${SCENARIO_NAME[m.scenario]}, content on`,
      pass: m.ok && m.spansPerCall === 1 ? excess < HEAP_THRESHOLD_BYTES_PER_CALL : undefined,
      detail: m.ok
        ? `${fmt(m.bytesPerCall, 3)} B/call over ${m.calls.toLocaleString("en")} calls (bare SDK ${fmt(control?.bytesPerCall, 3)} B/call); ${fmt(m.spansPerCall, 2)} spans/call`
        : (m.reason ?? "failed"),
    });
  }

  const decoding = results.export?.ramps.find((r) => r.collector === "decoding" && r.settings.name === "high-throughput");
  if (decoding) {
    const best = decoding.maxLossless;
    out.push({
      target: `export ≥ ${EXPORT_TARGET.toLocaleString("en")} spans/s, 0 lost`,
      scope: `decoding receiver, ${decoding.settings.name} queue`,
      pass: best !== undefined && best >= EXPORT_TARGET,
      detail: best !== undefined ? `highest lossless rate ${best.toLocaleString("en")} spans/s` : "lost spans at every rate tried",
    });
  }
  return out;
}
