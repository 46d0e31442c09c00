/**
 * `promptlayer-otel demo`: the whole product offline. Starts the local backend (REST API, OTLP
 * receiver, mock OpenAI/Anthropic endpoints, web page) with sample templates and a workflow,
 * runs an agent in a child process under `--import promptlayer-otel/register`, then prints the
 * trace the backend received and the URL where the web page shows it.
 *
 * Real provider keys in the environment (OPENAI_API_KEY / ANTHROPIC_API_KEY with no *_BASE_URL)
 * send the model calls to the real providers instead of the mock endpoints.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ReceivedSpan } from "../../local/otlp/decode.js";
import { formatSpanTree } from "../../local/otlp/tree.js";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";

export const DEMO_USAGE = `Usage: promptlayer-otel demo [--data-dir D] [--port N] [--exit]

  --data-dir D   where the local backend keeps its data (default ./.promptlayer)
  --port N       port of the local backend (default: a free one)
  --exit         exit after printing the trace (the default when output is not a terminal)`;

function providerEnv(url: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (!process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL) {
    env.OPENAI_BASE_URL = process.env.OPENAI_BASE_URL ?? `${url}/v1`;
    env.OPENAI_API_KEY = process.env.OPENAI_API_KEY ?? "sk-local-demo";
  }
  if (!process.env.ANTHROPIC_API_KEY || process.env.ANTHROPIC_BASE_URL) {
    env.ANTHROPIC_BASE_URL = process.env.ANTHROPIC_BASE_URL ?? url;
    env.ANTHROPIC_API_KEY = process.env.ANTHROPIC_API_KEY ?? "sk-ant-local-demo";
  }
  return env;
}

function runAgent(backend: LocalBackend): Promise<number> {
  const register = new URL("./register.js", import.meta.url).href;
  const agent = fileURLToPath(new URL("./demo-agent.js", import.meta.url));
  const child = spawn(process.execPath, ["--import", register, agent], {
    stdio: "inherit",
    env: {
      ...process.env,
      PROMPTLAYER_BASE_URL: backend.url,
      PROMPTLAYER_API_KEY: backend.apiKey,
      OTEL_SERVICE_NAME: "promptlayer-otel-demo",
      ...providerEnv(backend.url),
    },
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
}

interface TraceSummary {
  trace_id: string;
  root_span_name: string | null;
}
interface TreeSpan {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: number;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  status: { code: number; message?: string };
  attributes: ReceivedSpan["attributes"];
  children: TreeSpan[];
}

async function readApi<T>(backend: LocalBackend, path: string): Promise<T> {
  const res = await fetch(`${backend.url}${path}`, { headers: { "X-API-KEY": backend.apiKey } });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

function flatten(nodes: TreeSpan[], out: ReceivedSpan[] = []): ReceivedSpan[] {
  for (const n of nodes) {
    out.push({
      traceId: n.trace_id,
      spanId: n.span_id,
      parentSpanId: n.parent_span_id ?? undefined,
      name: n.name,
      kind: n.kind,
      startTimeUnixNano: n.start_time_unix_nano,
      endTimeUnixNano: n.end_time_unix_nano,
      attributes: n.attributes,
      events: [],
      status: n.status,
      resource: {},
      scope: { name: "" },
    });
    flatten(n.children, out);
  }
  return out;
}

function describe(span: ReceivedSpan): string {
  const a = span.attributes;
  const bits: string[] = [];
  if (typeof a["gen_ai.usage.input_tokens"] === "number") bits.push(`${a["gen_ai.usage.input_tokens"]}→${a["gen_ai.usage.output_tokens"]} tokens`);
  if (a["promptlayer.prompt.name"]) bits.push(`prompt ${a["promptlayer.prompt.name"]} v${a["promptlayer.prompt.version"]}`);
  if (a["gen_ai.request.stream"] === true) bits.push("streamed");
  if (a["user.id"] && !span.parentSpanId) bits.push(`user ${a["user.id"]}`);
  return bits.join(" · ");
}

export async function runDemo(argv: string[] = []): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, options: { "data-dir": { type: "string" }, port: { type: "string" }, exit: { type: "boolean" }, serve: { type: "boolean" } } });
  const backend = await startLocalBackend({ dataDir: values["data-dir"], port: values.port ? Number(values.port) : 0, seed: true });
  try {
    console.log(`Local backend on ${backend.url} (REST API, OTLP receiver, mock OpenAI/Anthropic endpoints, web page)\n`);
    const code = await runAgent(backend);
    if (code !== 0) {
      console.error(`The demo agent exited with code ${code}.`);
      return code;
    }
    const { items } = await readApi<{ items: TraceSummary[] }>(backend, "/api/local/traces?limit=20");
    const trace = items.find((t) => t.root_span_name === "invoke_agent support-agent");
    if (!trace) throw new Error("the agent's trace did not reach the local backend");
    const detail = await readApi<{ spans: TreeSpan[]; request_logs: number[] }>(backend, `/api/local/traces/${trace.trace_id}`);
    const spans = flatten(detail.spans);
    console.log(`\nThe trace the backend received (${spans.length} spans, ${detail.request_logs.length} request logs):\n`);
    console.log(formatSpanTree(spans, describe));
    const tracePath = `/traces/${trace.trace_id}`;
    const link = `${backend.url}/#key=${encodeURIComponent(backend.apiKey)}&to=${encodeURIComponent(tracePath)}`;
    // In a terminal the page stays up until Ctrl+C; `--serve` keeps it up without one (scripts, tests).
    if (values.exit || (!process.stdout.isTTY && !values.serve)) {
      // The server stops with the demo: say where the trace will be once the data is browsed again.
      if (backend.dataDir !== ":memory:") {
        console.log(`\nData is in ${backend.dataDir}. Browse it with: npx promptlayer-otel dev --data-dir ${backend.dataDir}`);
        console.log(`then open this trace at <the URL it prints>#${tracePath}`);
      }
      return 0;
    }
    console.log(`\nThis trace on the web page: ${link}\n(Ctrl+C to stop)`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    return 0;
  } finally {
    await backend.close();
  }
}
