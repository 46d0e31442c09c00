/** The run: set-up, the sections in order, then results.json, RESULTS.md and overhead.png. */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { tables } from "./analysis.js";
import { recordCanned } from "./canned-fetch.js";
import { renderChart } from "./chart.js";
import { benchConfig } from "./config.js";
import { startService } from "./lib/child.js";
import { machineInfo } from "./lib/machine.js";
import { BENCH_DIR, DIST_SNAPSHOT, ROOT_DIR, WORK_DIR } from "./lib/paths.js";
import { ensurePeers } from "./lib/peers.js";
import { renderReport } from "./report.js";
import type { Results } from "./results.js";
import { runClient } from "./sections/client.js";
import { runExport } from "./sections/export.js";
import { runIngest } from "./sections/ingest.js";
import { runInstructions, valgrindAvailable } from "./sections/instructions.js";
import { runMemory } from "./sections/memory.js";
import { runOverhead } from "./sections/overhead.js";
import { runProfiles } from "./sections/profile.js";
import { runStartup } from "./sections/startup.js";
import { evaluate } from "./targets.js";

const SECTIONS = ["overhead", "instructions", "profile", "export", "memory", "client", "startup", "ingest"] as const;
type Section = (typeof SECTIONS)[number];

function log(line: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

interface Args {
  quick: boolean;
  /** Re-measure the `--only` sections into the published results instead of a partial report. */
  update: boolean;
  only: Set<Section>;
  groups: string[] | undefined;
  rounds: number | undefined;
}

function parseArgs(args: string[]): Args {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const only = value("--only")?.split(",") ?? [...SECTIONS];
  for (const s of only) if (!SECTIONS.includes(s as Section)) throw new Error(`unknown section ${s}; one of ${SECTIONS.join(", ")}`);
  const rounds = value("--rounds");
  return { quick: args.includes("--quick"), update: args.includes("--update"), only: new Set(only as Section[]), groups: value("--groups")?.split(","), rounds: rounds ? Number(rounds) : undefined };
}

/** Writes RESULTS.md and overhead.png for `results` into `outDir`, and prints the targets. */
function publish(results: Results, outDir: string, quick: boolean): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, "RESULTS.md"), renderReport(results));
  const m = results.machine;
  writeFileSync(
    join(outDir, "overhead.png"),
    renderChart(tables(results.overhead), `${m.cpuModel}, ${m.cores} cores, Node ${m.node}, ${results.config.rounds} round(s), ${results.startedAt.slice(0, 10)}${quick ? ", QUICK RUN" : ""}`),
  );
  log("targets:");
  for (const v of evaluate(results)) log(`  ${v.pass === undefined ? "n/a " : v.pass ? "PASS" : "FAIL"}  ${v.target} [${v.scope}]: ${v.detail}`);
  log(`wrote ${join(outDir, "RESULTS.md")} and overhead.png`);
}

export async function main(args: string[]): Promise<void> {
  if (args.includes("--report")) {
    // Re-render the published report from bench/results.json (after a change to the report code).
    publish(JSON.parse(readFileSync(join(BENCH_DIR, "results.json"), "utf8")) as Results, BENCH_DIR, false);
    return;
  }
  const { quick, update, only, groups, rounds } = parseArgs(args);
  const cfg = benchConfig(quick);
  if (groups) cfg.groups = cfg.groups.filter((g) => groups.includes(g.id));
  if (rounds) cfg.rounds = rounds;
  // A partial run must not overwrite the published results either.
  const partial = !update && (quick || groups !== undefined || rounds !== undefined || only.size < SECTIONS.length);
  if (update && (quick || groups || rounds)) throw new Error("--update re-runs whole sections with the full settings; drop --quick/--groups/--rounds");
  if (!existsSync(join(ROOT_DIR, "dist", "instrumentations.js")) || !existsSync(join(ROOT_DIR, "dist", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (the `bench` script does)");
  }
  rmSync(DIST_SNAPSHOT, { recursive: true, force: true });
  cpSync(join(ROOT_DIR, "dist"), DIST_SNAPSHOT, { recursive: true });
  ensurePeers(log);

  const started = new Date();
  const results: Results = {
    command: `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`,
    startedAt: started.toISOString(),
    finishedAt: "",
    minutes: 0,
    machine: machineInfo(),
    loadAvgEnd: [],
    config: cfg,
    overhead: [],
    errors: {},
  };

  const mock = await startService<{ url: string }>("mock-server.ts", {}, { nodeFlags: ["--experimental-transform-types", "--no-warnings"] });
  const cannedFile = join(tmpdir(), `promptlayer-otel-bench-canned-${process.pid}.json`);
  writeFileSync(cannedFile, JSON.stringify(await recordCanned(mock.info.url)));
  const env = { mockUrl: mock.info.url, cannedFile };

  const section = async <T>(name: Section, title: string, fn: () => Promise<T> | T): Promise<T | undefined> => {
    if (!only.has(name)) return undefined;
    log(title);
    try {
      return await fn();
    } catch (error) {
      results.errors[name] = (error as Error).message.split("\n").slice(0, 4).join(" ");
      log(`  ${name} failed: ${results.errors[name]}`);
      return undefined;
    }
  };
  try {
    results.overhead = (await section("overhead", `1. per-call overhead: ${cfg.rounds} round(s)`, () => runOverhead(cfg, env, log))) ?? [];
    results.instructions = await section("instructions", "1b. instructions per call (callgrind)", () => {
      if (!valgrindAvailable()) throw new Error("valgrind is not installed (Debian package valgrind)");
      return runInstructions(cfg, env, log);
    });
    results.profiles = await section("profile", "profiles of our instrumentation", () => runProfiles(cfg, env, log));
    results.export = await section("export", "2. export", () => runExport(cfg, log));
    results.memory = await section("memory", "3. memory", () => runMemory(cfg, env, log));
    results.client = await section("client", "4. client", () => runClient(cfg, log));
    results.startup = await section("startup", "5. start-up", () => runStartup(cfg, log));
    results.ingest = await section("ingest", "6. local backend ingest", () => runIngest(cfg, log));
  } finally {
    await mock.stop();
    rmSync(cannedFile, { force: true });
  }

  const finished = new Date();
  results.finishedAt = finished.toISOString();
  results.minutes = (finished.getTime() - started.getTime()) / 60_000;
  results.loadAvgEnd = loadavg();
  const published = update ? mergeInto(JSON.parse(readFileSync(join(BENCH_DIR, "results.json"), "utf8")) as Results, results, only) : results;

  // A smoke or partial run must not overwrite the published results.
  publish(published, partial ? join(WORK_DIR, quick ? "quick" : "partial") : BENCH_DIR, quick);
  log(`done in ${results.minutes.toFixed(1)} min`);
}

/** `--update`: the re-measured sections replace theirs in the published results, noted as such. */
function mergeInto(base: Results, fresh: Results, sections: Set<Section>): Results {
  const merged: Results = { ...base, config: { ...base.config }, errors: { ...base.errors } };
  // The settings of the re-measured sections are the fresh run's.
  if (sections.has("memory")) merged.config.memory = fresh.config.memory;
  if (sections.has("export")) merged.config.export = fresh.config.export;
  if (sections.has("startup")) merged.config.startup = fresh.config.startup;
  if (sections.has("client")) merged.config.client = fresh.config.client;
  if (sections.has("instructions")) merged.config.instructions = fresh.config.instructions;
  if (sections.has("ingest")) merged.config.ingest = fresh.config.ingest;
  const field: Record<Section, keyof Results> = { overhead: "overhead", instructions: "instructions", profile: "profiles", export: "export", memory: "memory", client: "client", startup: "startup", ingest: "ingest" };
  for (const s of sections) {
    (merged as unknown as Record<string, unknown>)[field[s]] = fresh[field[s]];
    delete merged.errors[s];
    if (fresh.errors[s]) merged.errors[s] = fresh.errors[s];
    merged.updates = [...(merged.updates ?? []).filter((u) => u.section !== s), { section: s, at: fresh.startedAt, loadAvg: fresh.machine.loadAvg }];
  }
  return merged;
}
