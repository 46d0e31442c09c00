/**
 * The Vercel AI SDK's telemetry spans through `AISDKSpanProcessor`: generateText with a tool call,
 * streamText, with both of `@ai-sdk/otel`'s integrations, against the local mock endpoints.
 */
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { createOpenAI } from "@ai-sdk/openai";
import { LegacyOpenTelemetry, OpenTelemetry } from "@ai-sdk/otel";
import { generateText, stepCountIs, streamText, tool } from "ai";
import * as openaiModule from "openai";
import OpenAI from "openai";
import { z } from "zod";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OpenAIInstrumentation } from "../../instrumentations/openai/instrumentation.js";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { AISDKSpanProcessor } from "../../src/integrations/ai-sdk.js";

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new AISDKSpanProcessor(), new SimpleSpanProcessor({ exporter })] });
let mock: MockModelServer;
const instrumentation = new OpenAIInstrumentation({ enabled: false });

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  mock = await startMockModelServer();
  instrumentation.manuallyInstrument(openaiModule);
});
afterEach(() => exporter.reset());
afterAll(async () => {
  instrumentation.disable();
  await mock.close();
  trace.disable();
  context.disable();
});

const model = () => createOpenAI({ apiKey: "sk-local", baseURL: `${mock.url}/v1` }).chat("gpt-4o-mini");
const weather = tool({ description: "Weather for a city", inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => `sunny in ${city}` });
const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

describe.each([
  ["OpenTelemetry (GenAI conventions)", () => new OpenTelemetry()],
  ["LegacyOpenTelemetry (ai.* spans)", () => new LegacyOpenTelemetry()],
])("AI SDK with @ai-sdk/otel %s", (_label, integration) => {
  it("shows generateText with a tool call as model calls and a tool call, tokens and messages included", async () => {
    const result = await generateText({ model: model(), prompt: "Weather in Paris?", tools: { get_weather: weather }, stopWhen: stepCountIs(3), telemetry: { integrations: [integration()] } });
    expect(result.text).toContain("sunny in Paris");
    const spans = exporter.getFinishedSpans();
    const chats = byName(spans, "chat gpt-4o-mini");
    expect(chats).toHaveLength(2);
    for (const c of chats) {
      expect(c.attributes).toMatchObject({ "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", node_type: "LLM_CALL" });
      expect(c.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
      expect(c.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
      expect(typeof c.attributes["gen_ai.input.messages"]).toBe("string");
    }
    const input = JSON.parse(String(chats[0]!.attributes["gen_ai.input.messages"])) as Array<{ role: string; parts: Array<{ content?: string }> }>;
    expect(input.at(-1)!.parts[0]!.content).toContain("Weather in Paris?");
    const tools = byName(spans, "execute_tool get_weather");
    expect(tools).toHaveLength(1);
    expect(tools[0]!.attributes).toMatchObject({ "gen_ai.tool.name": "get_weather", node_type: "CODE_EXECUTION" });
    // Exactly two spans count as model calls: the run span is a session.
    const modelCalls = spans.filter((s) => s.attributes.node_type === "LLM_CALL");
    expect(modelCalls).toHaveLength(2);
    expect(spans.some((s) => s.attributes.node_type === "LLM_SESSION")).toBe(true);
  });

  it("shows streamText as one streamed model call", async () => {
    const stream = streamText({ model: model(), prompt: "Stream please", telemetry: { integrations: [integration()] } });
    let text = "";
    for await (const chunk of stream.textStream) text += chunk;
    expect(text.length).toBeGreaterThan(0);
    const chats = byName(exporter.getFinishedSpans(), "chat gpt-4o-mini");
    expect(chats).toHaveLength(1);
    expect(chats[0]!.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
  });
});

describe("AI SDK model span over the openai SDK", () => {
  it("marks our provider span as already logged, so the request is counted once", async () => {
    // An AI SDK model-call span with our instrumented OpenAI call underneath (as a custom AI SDK
    // provider built on the openai package would produce).
    const tracer = trace.getTracer("gen_ai");
    const client = new OpenAI({ apiKey: "sk-local", baseURL: `${mock.url}/v1`, maxRetries: 0 });
    await tracer.startActiveSpan("chat gpt-4o-mini", { attributes: { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai" } }, async (span) => {
      await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
      span.end();
    });
    const ours = exporter.getFinishedSpans().find((s) => s.instrumentationScope.name === "promptlayer-otel/openai")!;
    const theirs = exporter.getFinishedSpans().find((s) => s.instrumentationScope.name === "gen_ai")!;
    expect(ours.attributes["promptlayer.request_log.managed"]).toBe(true);
    expect(ours.attributes["promptlayer.request_log.span_id"]).toBe(theirs.spanContext().spanId);
    expect(theirs.attributes.node_type).toBe("LLM_CALL");
  });
});
