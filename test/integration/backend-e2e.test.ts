/**
 * The whole local loop: the real `openai` SDK, instrumented, calls the backend's mock model
 * endpoint; the span goes through PromptLayerSpanProcessor over OTLP/HTTP to the same backend,
 * which stores it and turns it into a request log.
 */
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import * as openaiModule from "openai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIInstrumentation } from "../../instrumentations/openai/instrumentation.js";
import { PromptLayerSpanProcessor } from "../../src/tracing/processor.js";
import { KEY, startBackend, type Client } from "./backend-helpers.js";

let client: Client;
let provider: TracerProvider;
const instrumentation = new OpenAIInstrumentation({ enabled: false, captureMessageContent: true });

beforeAll(async () => {
  client = await startBackend({ seed: true });
  provider = new TracerProvider({ spanProcessors: [new PromptLayerSpanProcessor({ endpoint: `${client.url}/v1/traces`, apiKey: KEY })] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  instrumentation.manuallyInstrument(openaiModule);
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  await client.backend.close();
});

describe("an instrumented app pointed at the local backend", () => {
  it("renders the seeded template, calls the mock model and lands in the request log", async () => {
    const template = await client.call("POST", "/prompt-templates/support-reply", { input_variables: { question: "Where is my order?" } });
    const openai = new OpenAI({ apiKey: "sk-local", baseURL: `${client.url}/v1`, maxRetries: 0 });
    const completion = await openai.chat.completions.create(template.body.llm_kwargs);
    const reply = completion.choices[0]!.message.content!;
    expect(reply.length).toBeGreaterThan(0);
    await provider.forceFlush();

    const logs = (await client.call("GET", "/api/local/requests?limit=5")).body.items as Array<Record<string, any>>;
    const log = logs.find((l) => l.source === "otlp")!;
    expect(log).toMatchObject({ provider_type: "openai", engine: completion.model, function_name: "openai.chat.completions.create", response_string: reply, input_tokens: completion.usage!.prompt_tokens, output_tokens: completion.usage!.completion_tokens });
    expect(log.prompt_version.prompt_template.messages.map((m: { role: string }) => m.role)).toEqual(["system", "user", "assistant"]);
    expect(log.prompt_version.prompt_template.messages[1].content[0].text).toBe("Where is my order?");
    const detail = await client.call("GET", `/api/local/traces/${log.trace_id}`);
    expect(detail.body.spans[0].name).toBe("chat gpt-4o-mini");
  });
});
