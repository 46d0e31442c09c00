/**
 * Worker: where the time of an instrumented call goes. Runs `calls` calls of one scenario under
 * the V8 sampling profiler (started after warm-up, so loading and JIT warm-up are excluded), then
 * attributes every sample to an owner:
 *   - the leaf frame's package when it is code of ours, an SDK, a peer or the bench;
 *   - otherwise (OpenTelemetry, Node internals, builtins) the nearest such frame up the stack, so
 *     "OpenTelemetry called by our code" is told apart from "Node's fetch called by the SDK".
 * Our own frames are mapped back to `src/`/`instrumentations/` through dist's source maps.
 */
import { readFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { SourceMap } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sendResult } from "../lib/child.js";
import { callsOf, prepare, type HarnessSpec } from "../lib/harness.js";
import { DIST_SNAPSHOT } from "../lib/paths.js";
import type { Scenario } from "../workload.js";

export interface ProfileSpec extends HarnessSpec {
  scenario: Scenario;
  warmup: number;
  calls: number;
}

export type Owner = "ours" | "ours→otel" | "sdk" | "peer" | "bench" | "otel" | "gc" | "runtime";

export interface Hot {
  fn: string;
  where: string;
  usPerCall: number;
}

export interface ProfileResult {
  skipped?: string;
  calls: number;
  /** Sampled CPU per call (profiler overhead included), by owner. */
  usPerCall: Partial<Record<Owner, number>>;
  /** Our hottest functions (self time plus the OpenTelemetry/Node work they call directly). */
  ours: Hot[];
  /** The hottest OpenTelemetry/Node functions reached from our code. */
  oursCallees: Hot[];
}

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const distUrl = pathToFileURL(DIST_SNAPSHOT).href;

function packageOf(url: string): Owner | "neutral" {
  if (url.startsWith(distUrl)) return "ours";
  if (/\/node_modules\/(openai|@anthropic-ai\/sdk)\//.test(url)) return "sdk";
  if (/\/node_modules\/(@traceloop|@arizeai)\//.test(url)) return "peer";
  if (url.includes("/bench/") && !url.includes("/node_modules/")) return "bench";
  return "neutral"; // @opentelemetry/*, Node internals, builtins (empty url)
}

const maps = new Map<string, SourceMap | null>();
function original(frame: Node["callFrame"]): string {
  let map = maps.get(frame.url);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(frame.url)}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(frame.url, map);
  }
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (!entry?.originalSource) return `${frame.url.slice(distUrl.length)}:${frame.lineNumber + 1}`;
  const rel = entry.originalSource.replace(/^.*?\/(src|instrumentations|local)\//, "$1/");
  return `${rel}:${(entry.originalLine ?? 0) + 1}`;
}

/** Separates function name and location in map keys (V8 names may contain spaces: "set foo"). */
const SEP = "\u0000";

function label(frame: Node["callFrame"]): string {
  const url = frame.url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\//, "");
  return `${frame.functionName || "(anonymous)"}${SEP}${url ? `${url}:${frame.lineNumber + 1}` : "(native)"}`;
}

function analyse(profile: Profile, calls: number): Omit<ProfileResult, "calls"> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owners: Partial<Record<Owner, number>> = {};
  const ours = new Map<string, number>();
  const callees = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, t: number) => m.set(k, (m.get(k) ?? 0) + t);

  profile.samples.forEach((id, i) => {
    const t = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(id)!;
    const name = leaf.callFrame.functionName;
    if (name === "(idle)") return;
    let owner: Owner;
    if (name === "(garbage collector)") owner = "gc";
    else if (name === "(program)" || name === "(root)") owner = "runtime";
    else {
      const own = packageOf(leaf.callFrame.url);
      if (own !== "neutral") {
        owner = own;
        if (own === "ours") add(ours, `${name || "(anonymous)"}${SEP}${original(leaf.callFrame)}`, t);
      } else {
        // Walk up to the nearest frame with an owner.
        let cur = parent.get(id);
        let found: Node | undefined;
        while (cur !== undefined) {
          const n = byId.get(cur)!;
          if (packageOf(n.callFrame.url) !== "neutral") {
            found = n;
            break;
          }
          cur = parent.get(cur);
        }
        const up = found ? packageOf(found.callFrame.url) : "neutral";
        const isOtel = leaf.callFrame.url.includes("/@opentelemetry/");
        if (up === "ours") {
          owner = "ours→otel";
          add(ours, `${found!.callFrame.functionName || "(anonymous)"}${SEP}${original(found!.callFrame)}`, t);
          add(callees, label(leaf.callFrame), t);
        } else owner = up === "neutral" ? (isOtel ? "otel" : "runtime") : (up as Owner);
      }
    }
    owners[owner] = (owners[owner] ?? 0) + t;
  });
  const top = (m: Map<string, number>, n: number): Hot[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, t]) => {
        const [fn = "", where = ""] = k.split(SEP);
        return { fn, where, usPerCall: t / calls };
      });
  const usPerCall: Partial<Record<Owner, number>> = {};
  for (const [k, v] of Object.entries(owners)) usPerCall[k as Owner] = v / calls;
  return { usPerCall, ours: top(ours, 10), oursCallees: top(callees, 10) };
}

async function main(spec: ProfileSpec): Promise<ProfileResult> {
  const h = await prepare(spec);
  if ("failed" in h) return { skipped: h.reason, calls: 0, usPerCall: {}, ours: [], oursCallees: [] };
  await callsOf(h.client, spec.scenario, spec.warmup);
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 50 });
  await session.post("Profiler.start");
  await callsOf(h.client, spec.scenario, spec.calls);
  const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
  session.disconnect();
  return { calls: spec.calls, ...analyse(profile, spec.calls) };
}

sendResult(await main(JSON.parse(process.argv[2]!) as ProfileSpec));
