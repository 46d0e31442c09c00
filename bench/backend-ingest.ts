/**
 * How fast the local backend takes writes: OTLP spans and REST request logs, each for a fixed
 * time from concurrent clients, against a backend in its own process with an on-disk (WAL)
 * database, so every acknowledged write is durable. Reports sustained rates and latency
 * percentiles.
 *
 *   npm run build && node bench/backend-ingest.ts [--seconds 10] [--append]
 *
 * `--append` adds the table to bench/RESULTS.md (which `npm run bench` regenerates; run this after it).
 */
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, append: { type: "boolean", default: false } } });
const SECONDS = Number(values.seconds);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const KEY = "pl_bench_ingest";

async function startBackend(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, "dist/cli.js"), "dev", "--port", "0", "--data-dir", dataDir, "--no-seed"], {
    env: { ...process.env, PROMPTLAYER_API_KEY: KEY },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`backend exited ${code}`)));
  });
  return { url, stop: () => new Promise((r) => { child.once("exit", () => r()); child.kill("SIGTERM"); }) };
}

interface Result {
  name: string;
  unit: string;
  requests: number;
  items: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

async function drive(name: string, unit: string, concurrency: number, itemsPerRequest: number, send: (i: number) => Promise<Response>): Promise<Result> {
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const res = await send(requests++);
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        if (res.status >= 300) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { name, unit, requests: latencies.length, items: (latencies.length - errors) * itemsPerRequest, errors, seconds, latencies: latencies.sort((a, b) => a - b) };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const hex = (n: number, w: number) => n.toString(16).padStart(w, "0");
const chat = (role: string, text: string) => ({ type: "chat", messages: [{ role, content: [{ type: "text", text }] }] });

const dataDir = mkdtempSync(join(tmpdir(), "pl-ingest-"));
const backend = await startBackend(dataDir);
const results: Result[] = [];
try {
  const SPANS = 100;
  results.push(
    await drive("OTLP/HTTP JSON, 100 GenAI spans per export", "spans", 4, SPANS, (i) => {
      const spans = Array.from({ length: SPANS }, (_, k) => ({
        traceId: hex(i * SPANS + k + 1, 32),
        spanId: hex(i * SPANS + k + 1, 16),
        name: "chat gpt-4o-mini",
        kind: 3,
        startTimeUnixNano: "1767323045000000000",
        endTimeUnixNano: "1767323046000000000",
        attributes: [
          { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
          { key: "gen_ai.provider.name", value: { stringValue: "openai" } },
          { key: "gen_ai.request.model", value: { stringValue: "gpt-4o-mini" } },
          { key: "gen_ai.usage.input_tokens", value: { intValue: "12" } },
          { key: "gen_ai.usage.output_tokens", value: { intValue: "30" } },
        ],
      }));
      return fetch(`${backend.url}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": KEY },
        body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "bench" }, spans }] }] }),
      });
    }),
  );
  results.push(
    await drive("REST POST /log-request", "requests", 8, 1, (i) =>
      fetch(`${backend.url}/log-request`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": KEY },
        body: JSON.stringify({ provider: "openai", model: "gpt-4o-mini", input: chat("user", `question ${i}`), output: chat("assistant", "answer"), request_start_time: 1, request_end_time: 2, input_tokens: 12, output_tokens: 30 }),
      }),
    ),
  );
} finally {
  await backend.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const lines = [
  "",
  "## 6. Local backend ingest",
  "",
  `\`node bench/backend-ingest.ts\`: the local backend (\`promptlayer-otel dev\`) in its own process on an on-disk WAL database, every write durable before it is acknowledged; concurrent clients for ${SECONDS} s each, on the same machine (${cpus().length} cores, ${cpus()[0]?.model ?? "unknown CPU"}).`,
  "",
  "| workload | clients | sustained rate | requests/s | errors | latency p50 | p99 | max |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ...results.map((r, i) =>
    `| ${r.name} | ${i === 0 ? 4 : 8} | ${Math.round(r.items / r.seconds).toLocaleString("en")} ${r.unit}/s | ${Math.round(r.requests / r.seconds).toLocaleString("en")} | ${r.errors} | ${pct(r.latencies, 50).toFixed(1)} ms | ${pct(r.latencies, 99).toFixed(1)} ms | ${r.latencies.at(-1)!.toFixed(1)} ms |`,
  ),
  "",
];
console.log(lines.join("\n"));
if (values.append) appendFileSync(join(ROOT, "bench/RESULTS.md"), lines.join("\n"));
