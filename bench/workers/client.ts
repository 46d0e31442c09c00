/**
 * Worker: the PromptLayer client against the local backend.
 *   - `templates.get` from a warm cache vs from the backend (cache off), per call;
 *   - `run()` of the seeded OpenAI template vs the same chat call made directly with the SDK
 *     (same model and messages, same mock endpoint), per call.
 * Typed loosely on purpose: the client's API is still moving, and this worker must degrade to a
 * reason, not a crash, when something it needs is missing.
 */
import { sendResult } from "../lib/child.js";
import { distEntry } from "../lib/paths.js";

export interface ClientSpec {
  backendUrl: string;
  apiKey: string;
  calls: number;
}

export interface Timing {
  cpuUs: number;
  wallUs: number;
}

export interface ClientResult {
  skipped?: string;
  templateWarm?: Timing;
  templateBackend?: Timing;
  run?: Timing;
  direct?: Timing;
}

interface Client {
  templates: { get(name: string, params?: Record<string, unknown>): Promise<unknown> };
  run(params: Record<string, unknown>): Promise<unknown>;
}
type ClientClass = new (options: Record<string, unknown>) => Client;

const TEMPLATE = "support-reply";
const QUESTION = { question: "Where is my order 48213?" };

async function time(n: number, fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < Math.min(200, n); i++) await fn(); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / n, wallUs: (wall * 1000) / n };
}

async function main(spec: ClientSpec): Promise<ClientResult> {
  const mod = (await import(distEntry("index"))) as { PromptLayer?: ClientClass };
  if (typeof mod.PromptLayer !== "function") return { skipped: "promptlayer-otel does not export a PromptLayer class yet" };
  const base = { apiKey: spec.apiKey, baseURL: spec.backendUrl };
  const cached = new mod.PromptLayer({ ...base, cacheTtlSeconds: 3600 });
  const uncached = new mod.PromptLayer({ ...base, cacheTtlSeconds: 0 });
  if (typeof cached.templates?.get !== "function" || typeof cached.run !== "function") return { skipped: "PromptLayer has no templates.get() or run() yet" };

  const result: ClientResult = {};
  const get = (c: Client) => () => c.templates.get(TEMPLATE, { inputVariables: QUESTION });
  result.templateWarm = await time(spec.calls, get(cached));
  result.templateBackend = await time(Math.ceil(spec.calls / 4), get(uncached));

  // run() reads the provider key and base URL from the environment, as in an app.
  process.env.OPENAI_API_KEY = "bench-key";
  process.env.OPENAI_BASE_URL = `${spec.backendUrl}/v1`;
  const { default: OpenAI } = await import("openai");
  const openai = new OpenAI({ apiKey: "bench-key", baseURL: `${spec.backendUrl}/v1`, maxRetries: 0 });
  // The seeded template's messages and parameters, sent directly.
  const messages = [
    { role: "system" as const, content: "You are a friendly support agent for Acme. Answer in two sentences or fewer." },
    { role: "user" as const, content: QUESTION.question },
  ];
  result.run = await time(Math.ceil(spec.calls / 4), () => cached.run({ promptName: TEMPLATE, inputVariables: QUESTION }));
  result.direct = await time(Math.ceil(spec.calls / 4), () =>
    openai.chat.completions.create({ model: "gpt-4o-mini", messages, temperature: 0.3, max_tokens: 256 }),
  );
  return result;
}

try {
  sendResult(await main(JSON.parse(process.argv[2]!) as ClientSpec));
} catch (error) {
  sendResult({ skipped: `client benchmark failed: ${(error as Error).message}` } satisfies ClientResult);
}
