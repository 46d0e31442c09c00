/** The real `openai` SDK, instrumented with `manuallyInstrument`, against the local mock server. */
import * as openaiModule from "openai";
import OpenAI from "openai";
import { afterAll, beforeAll } from "vitest";
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from "../../instrumentations/openai/instrumentation.js";
import { startMockModelServer } from "../../local/mock/index.js";
import { useMemoryTracing, type MemoryTracing } from "./memory-tracing.js";

export interface OpenAIHarness {
  tracing: MemoryTracing;
  instrumentation: OpenAIInstrumentation;
  /** A client for the mock server (no retries, so error tests are quick and exact). */
  client(options?: Partial<ConstructorParameters<typeof OpenAI>[0]>): OpenAI;
  /** Replace the instrumentation config for the following calls. */
  configure(config: OpenAIInstrumentationConfig): void;
  mockUrl(): string;
}

export function useInstrumentedOpenAI(): OpenAIHarness {
  const tracing = useMemoryTracing();
  const instrumentation = new OpenAIInstrumentation({ enabled: false });
  let server: Awaited<ReturnType<typeof startMockModelServer>>;
  beforeAll(async () => {
    server = await startMockModelServer();
    instrumentation.manuallyInstrument(openaiModule);
  });
  afterAll(async () => {
    await server.close();
  });
  return {
    tracing,
    instrumentation,
    client: (options = {}) => new OpenAI({ apiKey: "sk-test-not-a-real-key", baseURL: `${server.url}/v1`, maxRetries: 0, ...options }),
    configure: (config) => instrumentation.setConfig(config),
    mockUrl: () => server.url,
  };
}

/** The single span of a test, failing loudly if there are more or fewer. */
export function onlySpan(tracing: MemoryTracing) {
  const spans = tracing.spans();
  if (spans.length !== 1) throw new Error(`expected exactly one span, got ${spans.length}: ${spans.map((s) => s.name).join(", ")}`);
  return spans[0]!;
}

export function json(value: unknown): unknown {
  return JSON.parse(String(value));
}
