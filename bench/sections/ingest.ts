/**
 * Section 6: how fast the local backend takes writes. `promptlayer-otel dev` from the run's
 * snapshot of dist/ runs in its own process on an on-disk database (WAL, `synchronous=FULL`: every
 * acknowledged write is durable), and a worker drives it with concurrent clients for a fixed
 * time per workload: OTLP/HTTP JSON span exports, then REST request logs. Reports sustained rates
 * and latency percentiles; afterwards the database's own row counts are checked against what was
 * acknowledged.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { BenchConfig } from "../config.js";
import { runWorker } from "../lib/child.js";
import { DIST_SNAPSHOT, ROOT_DIR } from "../lib/paths.js";
import type { IngestRun, IngestSpec } from "../workers/ingest.js";

export interface IngestSettings {
  /** Timed seconds per workload, after `warmupSeconds` that are not counted. */
  seconds: number;
  warmupSeconds: number;
  otlp: { clients: number; spansPerExport: number };
  rest: { clients: number };
}

export interface IngestWorkload extends IngestRun {
  workload: IngestSpec["workload"];
  name: string;
  unit: "spans" | "request logs";
  clients: number;
  perRequest: number;
  /** Rows the database holds for this workload once it finished (warm-up included). */
  stored: number;
}

export interface IngestResults {
  seconds: number;
  warmupSeconds: number;
  workloads: IngestWorkload[];
}

const API_KEY = "pl_bench_ingest";
const DB_FILE = "promptlayer.db"; // local/store/db.ts DB_FILE_NAME

interface Backend {
  url: string;
  stop(): Promise<void>;
}

/** `promptlayer-otel dev` from the dist snapshot; resolves once it prints its URL. */
function startBackend(dataDir: string): Promise<Backend> {
  const child = spawn(process.execPath, [join(DIST_SNAPSHOT, "cli.js"), "dev", "--port", "0", "--data-dir", dataDir, "--no-seed"], {
    cwd: ROOT_DIR,
    env: { ...process.env, PROMPTLAYER_API_KEY: API_KEY },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`local backend did not start within 30 s\n${stderr}`));
    }, 30_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, stop });
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`local backend exited (${signal ?? code})\n${stderr}`));
    });
  });
}

/** Rows in `table` of the backend's database (a read-only connection next to the writer: WAL). */
function countRows(dataDir: string, table: "spans" | "request_logs"): number {
  const db = new DatabaseSync(join(dataDir, DB_FILE), { readOnly: true });
  try {
    return Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number | bigint }).n);
  } finally {
    db.close();
  }
}

export async function runIngest(cfg: BenchConfig, log: (l: string) => void): Promise<IngestResults> {
  const st = cfg.ingest;
  const dataDir = mkdtempSync(join(tmpdir(), "promptlayer-otel-bench-ingest-"));
  const workloads: IngestWorkload[] = [];
  try {
    const backend = await startBackend(dataDir);
    try {
      const plan = [
        { workload: "otlp", name: `OTLP/HTTP JSON, ${st.otlp.spansPerExport} GenAI spans per export`, unit: "spans", table: "spans", clients: st.otlp.clients, perRequest: st.otlp.spansPerExport },
        { workload: "rest", name: "REST `POST /log-request`", unit: "request logs", table: "request_logs", clients: st.rest.clients, perRequest: 1 },
      ] as const;
      for (const p of plan) {
        const before = countRows(dataDir, p.table);
        const spec: IngestSpec = { url: backend.url, apiKey: API_KEY, workload: p.workload, clients: p.clients, perRequest: p.perRequest, seconds: st.seconds, warmupSeconds: st.warmupSeconds };
        const r = await runWorker<IngestRun>("ingest.ts", spec, { timeoutMs: (st.seconds + st.warmupSeconds + 60) * 1000 });
        const stored = countRows(dataDir, p.table) - before;
        workloads.push({ ...r, workload: p.workload, name: p.name, unit: p.unit, clients: p.clients, perRequest: p.perRequest, stored });
        log(
          `  ${p.workload}: ${Math.round(r.itemsPerSec)} ${p.unit}/s, ${Math.round(r.requestsPerSec)} requests/s, ${r.errors} errors, ` +
            `p50 ${r.latencyMs.p50.toFixed(1)} ms, p99 ${r.latencyMs.p99.toFixed(1)} ms; stored ${stored} of ${r.acknowledged} acknowledged`,
        );
      }
    } finally {
      await backend.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { seconds: st.seconds, warmupSeconds: st.warmupSeconds, workloads };
}
