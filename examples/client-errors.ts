/**
 * Errors, `throwOnError` and logging in the PromptLayer client: typed, status-mapped errors;
 * validation before anything is sent; `throwOnError: false` returning a neutral value with a
 * warning; a per-client `logger`; and the package logger (`setLogger`).
 *
 *   npx promptlayer-otel dev            # in another terminal; prints the exports below
 *   PROMPTLAYER_BASE_URL=http://127.0.0.1:8787 PROMPTLAYER_API_KEY=… node examples/client-errors.ts
 *
 * (Requests failing with 429 or 5xx are retried 3 times, after 2, 4 and 8 s, before the error is
 * thrown; connection errors, timeouts and other 4xx fail at once, as below.)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createConsoleLogger,
  PromptLayer,
  PromptLayerAPIStatusError,
  PromptLayerError,
  PromptLayerNotFoundError,
  setLogger,
  type Logger,
} from "promptlayer-otel";

const pl = new PromptLayer();

async function attempt(what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    console.log(`${what.padEnd(18)}→ no error:`, await call());
  } catch (error) {
    if (!(error instanceof PromptLayerError)) throw error;
    const status = error instanceof PromptLayerAPIStatusError ? ` status ${error.status}` : "";
    console.log(`${what.padEnd(18)}→ ${error.name}${status}: ${error.message}`);
  }
}

// Every error is a PromptLayerError; answers of the service map to a class per status.
await attempt("not found", () => pl.templates.get("no-such-template"));
await attempt("wrong key", () => new PromptLayer({ apiKey: "pl_wrong_key" }).templates.get("no-such-template"));
// Bad input is refused before anything is sent.
await attempt("validation", () => pl.track.score({ requestId: 1, score: 140 }));
// Nothing listening: a connection error, at once (no retries).
const closedPort = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  });
});
await attempt("unreachable", () => new PromptLayer({ baseURL: `http://127.0.0.1:${closedPort}` }).templates.get("x"));

// Narrow with instanceof (also PromptLayerAuthenticationError, PromptLayerRateLimitError,
// PromptLayerConnectionError, PromptLayerTimeoutError, PromptLayerValidationError, …).
try {
  await pl.run({ promptName: "no-such-template" });
} catch (error) {
  if (!(error instanceof PromptLayerNotFoundError)) throw error;
  console.log("instanceof        → PromptLayerNotFoundError, body:", JSON.stringify(error.body));
}

// throwOnError: false — a neutral value (null, false, []) and a warning instead of an error, sent
// to this client's own logger.
const warnings: string[] = [];
const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) };
const lenient = new PromptLayer({ throwOnError: false, logger });
console.log("throwOnError:false→ templates.get:", await lenient.templates.get("no-such-template"), "| track.score:", await lenient.track.score({ requestId: 1, score: 140 }), "| templates.all:", await lenient.templates.all({ perPage: 0 }));
for (const w of warnings) console.log("client logger     →", w);
// run() and runWorkflow() have no neutral answer: they throw regardless.
await attempt("lenient run()", () => lenient.run({ promptName: "no-such-template" }));

// Clients without a `logger` use the package logger: redirect it with setLogger() (or silence it
// with createConsoleLogger("none") / PROMPTLAYER_LOG_LEVEL=none).
setLogger({ ...createConsoleLogger("none"), warn: (m) => console.log("package logger    →", m) });
await new PromptLayer({ throwOnError: false }).templates.get("no-such-template");
setLogger(createConsoleLogger("none"));
await new PromptLayer({ throwOnError: false }).templates.get("no-such-template"); // silent
console.log("silenced          → (nothing logged)");
