/**
 * Section 5: start-up cost of `--import promptlayer-otel/register` for an app that imports
 * `openai`: the ESM loader hook, `init()`, and instrumenting the SDK as it loads. Runs with and
 * without alternate; reports the medians of process wall time (spawn to exit) and of the time the
 * app reached its first line of work. A third, experimental preload (fixtures/register-sync.mjs)
 * does the same with import-in-the-middle's in-thread hooks, to size that change.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BenchConfig } from "../config.js";
import { BENCH_DIR, distEntry, ROOT_DIR } from "../lib/paths.js";
import { median } from "../lib/stats.js";

export interface StartupResult {
  runs: number;
  plain: { wallMs: number; readyMs: number };
  register: { wallMs: number; readyMs: number };
  /** The in-thread-hooks experiment (undefined when this Node cannot run it). */
  syncHooks?: { wallMs: number; readyMs: number; patched: boolean } | undefined;
  addedWallMs: number;
  addedReadyMs: number;
  /** With register, the SDK's chat `create` really was patched (and without, it was not). */
  patched: { plain: boolean; register: boolean };
  registerStderr: string;
}

const APP = join(BENCH_DIR, "fixtures", "startup-app.mjs");
const SYNC_PRELOAD = pathToFileURL(join(BENCH_DIR, "fixtures", "register-sync.mjs")).href;

type Preload = "none" | "register" | "sync";

interface Run {
  wallMs: number;
  readyMs: number;
  patched: boolean;
  stderr: string;
}

function once(preload: Preload): Run {
  // The run's snapshot of dist/register.js: the file `promptlayer-otel/register` resolves to.
  const flag = { none: [], register: ["--import", distEntry("register")], sync: ["--import", SYNC_PRELOAD] }[preload];
  const args = [...flag, APP];
  const t0 = performance.now();
  // From the repository root so the package resolves itself; a local endpoint that is never hit
  // (no spans are made), so exit does not wait on the network.
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT_DIR,
    encoding: "utf8",
    env: { ...process.env, PROMPTLAYER_API_KEY: "bench-key", PROMPTLAYER_BASE_URL: "http://127.0.0.1:9", PROMPTLAYER_LOG_LEVEL: "warn" },
  });
  const wallMs = performance.now() - t0;
  const ready = /READY_MS ([\d.]+) PATCHED (\d)/.exec(r.stdout ?? "");
  if (r.status !== 0 || !ready) throw new Error(`start-up fixture failed (${r.status}): ${r.stderr}`);
  return { wallMs, readyMs: Number(ready[1]), patched: ready[2] === "1", stderr: r.stderr ?? "" };
}

export function runStartup(cfg: BenchConfig, log: (l: string) => void): StartupResult {
  once("none"); // warm the file-system cache
  once("register");
  let syncOk = true;
  try {
    once("sync");
  } catch {
    syncOk = false;
  }
  const plain: Run[] = [];
  const reg: Run[] = [];
  const sync: Run[] = [];
  for (let i = 0; i < cfg.startup.runs; i++) {
    plain.push(once("none"));
    reg.push(once("register"));
    if (syncOk) sync.push(once("sync"));
  }
  const med = (xs: Run[]) => ({ wallMs: median(xs.map((x) => x.wallMs)), readyMs: median(xs.map((x) => x.readyMs)) });
  const p = med(plain);
  const g = med(reg);
  log(`  plain ${p.wallMs.toFixed(0)} ms, with register ${g.wallMs.toFixed(0)} ms`);
  return {
    runs: cfg.startup.runs,
    plain: p,
    register: g,
    syncHooks: syncOk ? { ...med(sync), patched: sync.every((r) => r.patched) } : undefined,
    addedWallMs: g.wallMs - p.wallMs,
    addedReadyMs: g.readyMs - p.readyMs,
    patched: { plain: plain.some((r) => r.patched), register: reg.every((r) => r.patched) },
    registerStderr: reg.map((r) => r.stderr.trim()).find((x) => x)?.slice(0, 500) ?? "",
  };
}
