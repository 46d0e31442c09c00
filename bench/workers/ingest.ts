/**
 * Worker: load on the local backend's write paths. Concurrent clients, each sending one request
 * after another for a fixed time (after a warm-up that is not counted):
 *   - `otlp`: OTLP/HTTP JSON exports of GenAI spans to `/v1/traces`, fresh trace and span ids each;
 *   - `rest`: `POST /log-request`, one request log each.
 * Reports the sustained rate (acknowledged items per second), requests per second, errors and the
 * latency distribution of the acknowledged requests. The backend runs in another process
 * (sections/ingest.ts), so its CPU is not this process's.
 */
import { sendResult } from "../lib/child.js";

export interface IngestSpec {
  url: string;
  apiKey: string;
  workload: "otlp" | "rest";
  clients: number;
  /** Spans per OTLP export (1 for REST). */
  perRequest: number;
  seconds: number;
  warmupSeconds: number;
}

export interface IngestRun {
  requests: number;
  /** Answered with a status ≥ 300 or failed at the network level. */
  errors: number;
  firstError?: string;
  /** Items (spans or request logs) in acknowledged requests. */
  items: number;
  /** The same, warm-up included: what the backend must have stored. */
  acknowledged: number;
  seconds: number;
  itemsPerSec: number;
  requestsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

/** Nearest-rank percentile of ascending `sorted`. */
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const hex = (n: number, w: number) => n.toString(16).padStart(w, "0");
const chat = (role: string, text: string) => ({ type: "chat", messages: [{ role, content: [{ type: "text", text }] }] });

/** Request `i` of the workload: its URL and JSON body. Every span gets its own ids. */
function request(spec: IngestSpec, i: number): { path: string; body: string } {
  if (spec.workload === "rest") {
    return {
      path: "/log-request",
      body: JSON.stringify({ provider: "openai", model: "gpt-4o-mini", input: chat("user", `question ${i}`), output: chat("assistant", "answer"), request_start_time: 1, request_end_time: 2, input_tokens: 12, output_tokens: 30 }),
    };
  }
  const n = spec.perRequest;
  const spans = Array.from({ length: n }, (_, k) => ({
    traceId: hex(i * n + k + 1, 32),
    spanId: hex(i * n + k + 1, 16),
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
  return { path: "/v1/traces", body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "bench" }, spans }] }] }) };
}

async function main(spec: IngestSpec): Promise<IngestRun> {
  let next = 0;
  const send = async (): Promise<{ ok: boolean; error?: string }> => {
    const { path, body } = request(spec, next++);
    try {
      const res = await fetch(`${spec.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": spec.apiKey }, body });
      const text = await res.text();
      return res.status < 300 ? { ok: true } : { ok: false, error: `${res.status} ${text.slice(0, 200)}` };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  };
  const clients = async (seconds: number, each: (ms: number, r: { ok: boolean; error?: string }) => void) => {
    const deadline = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: spec.clients }, async () => {
        while (performance.now() < deadline) {
          const t = performance.now();
          const r = await send();
          each(performance.now() - t, r);
        }
      }),
    );
  };

  let warmupAcks = 0;
  await clients(spec.warmupSeconds, (_, r) => void (r.ok && warmupAcks++));
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await clients(spec.seconds, (ms, r) => {
    requests++;
    if (r.ok) latencies.push(ms);
    else {
      errors++;
      firstError ??= r.error;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const items = latencies.length * spec.perRequest;
  return {
    requests,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    items,
    acknowledged: items + warmupAcks * spec.perRequest,
    seconds,
    itemsPerSec: items / seconds,
    requestsPerSec: requests / seconds,
    latencyMs: {
      p50: pct(latencies, 50),
      p90: pct(latencies, 90),
      p99: pct(latencies, 99),
      max: latencies.at(-1) ?? NaN,
      mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    },
  };
}

sendResult(await main(JSON.parse(process.argv[2]!) as IngestSpec));
