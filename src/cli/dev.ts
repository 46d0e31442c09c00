/**
 * `promptlayer-otel dev`: the local backend in the foreground — PromptLayer REST API, OTLP
 * receiver and mock model endpoints on one loopback port — until SIGINT or SIGTERM.
 */
import { parseArgs } from "node:util";
import { startLocalBackend } from "../../local/server.js";

export const DEV_USAGE = `Usage: promptlayer-otel dev [--port N] [--host H] [--data-dir D] [--no-seed]

  --port N       port to listen on (default 8787; 0 picks a free one)
  --host H       interface to bind (default 127.0.0.1)
  --data-dir D   where the SQLite database lives (default ./.promptlayer; ":memory:" keeps nothing)
  --no-seed      do not publish the sample templates and workflow

The API key is PROMPTLAYER_API_KEY when set, otherwise a new one is generated and printed.`;

export const DEFAULT_DEV_PORT = 8787;

function portOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_DEV_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--port must be an integer from 0 to 65535, got "${raw}"`);
  return port;
}

const PROVIDER_LABELS = { openai: ["OpenAI", "OPENAI_API_KEY"], anthropic: ["Anthropic", "ANTHROPIC_API_KEY"], google: ["Gemini", "GEMINI_API_KEY"] } as const;

/** Where workflow prompt nodes send each provider's calls, and how to change it. */
function workflowModels(endpoints: Record<keyof typeof PROVIDER_LABELS, string>, url: string): string {
  const lines = Object.entries(PROVIDER_LABELS).map(([provider, [label, keyVar]]) => {
    const endpoint = endpoints[provider as keyof typeof PROVIDER_LABELS];
    const where = endpoint === "mock" ? `the mock (set ${keyVar} before starting for the real one)` : endpoint.startsWith(url) ? `${endpoint} (this server's mock)` : endpoint;
    return `  ${`${label}:`.padEnd(11)} ${where}`;
  });
  return `Workflow prompt nodes call:\n${lines.join("\n")}`;
}

/** Runs until a termination signal; resolves with the exit code. */
export async function runDev(argv: string[]): Promise<number> {
  let values;
  let port: number;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { port: { type: "string" }, host: { type: "string" }, "data-dir": { type: "string" }, "no-seed": { type: "boolean" }, help: { type: "boolean" } },
    }));
    port = portOf(values.port);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${DEV_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(DEV_USAGE);
    return 0;
  }

  let backend;
  try {
    backend = await startLocalBackend({ port, host: values.host, dataDir: values["data-dir"], seed: !values["no-seed"] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(code === "EADDRINUSE" ? `Port ${port} is in use; pick another with --port.` : `Could not start the local backend: ${(error as Error).message}`);
    return 1;
  }

  // Listen for the stop signal before saying how to send it.
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  const { url, apiKey } = backend;
  console.log(`PromptLayer local backend listening on ${url}
  data:    ${backend.dataDir}
  API key: ${apiKey}${backend.apiKeyGenerated ? "  (generated; set PROMPTLAYER_API_KEY to choose your own)" : ""}

Web page: ${url}/#key=${encodeURIComponent(apiKey)}

Point an app at it:
  export PROMPTLAYER_BASE_URL=${url}
  export PROMPTLAYER_API_KEY=${apiKey}
  export OPENAI_BASE_URL=${url}/v1
  export ANTHROPIC_BASE_URL=${url}
  export GEMINI_BASE_URL=${url}
  (the mock model endpoints take any key: OPENAI_API_KEY, ANTHROPIC_API_KEY and GEMINI_API_KEY may be anything)

${workflowModels(backend.modelEndpoints, url)}

Press Ctrl+C to stop.`);

  const signal = await stopped;
  console.log(`\nReceived ${signal}; shutting down…`);
  await backend.close();
  console.log("Stopped.");
  return 0;
}
