/**
 * `instrumentOpenAIAgents` with the real `@openai/agents` (installed in the examples/frameworks
 * workspace, which carries its zod 4 peer) running agents against the local mock endpoints.
 */
import { createRequire } from "node:module";
import { SpanStatusCode } from "@opentelemetry/api";
import * as openaiModule from "openai";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OpenAIInstrumentation } from "../../instrumentations/openai/instrumentation.js";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { instrumentOpenAIAgents, type OpenAIAgentsInstrumentation } from "../../src/integrations/openai-agents/index.js";
import { traceable } from "../../src/tracing/traceable.js";
import { ROOT } from "../helpers/child.js";
import { parentOf, useMemoryTracing } from "../helpers/memory-tracing.js";

type Agents = typeof import("../../examples/frameworks/node_modules/@openai/agents/dist/index.js");
const agents = createRequire(`${ROOT}/examples/frameworks/package.json`)("@openai/agents") as Agents;
const { Agent, run, tool } = agents;

const tracing = useMemoryTracing();
const instrumentation = new OpenAIInstrumentation({ enabled: false, captureMessageContent: true });
let mock: MockModelServer;
let installed: OpenAIAgentsInstrumentation | undefined;

/** A processor of the framework's own, standing for its default OpenAI exporter. */
function recorder() {
  const seen: string[] = [];
  const noop = async () => {};
  return { seen, processor: { onTraceStart: noop, onTraceEnd: noop, onSpanStart: noop, onSpanEnd: async (s: { spanData: { type: string } }) => void seen.push(s.spanData.type), shutdown: noop, forceFlush: noop } };
}

beforeAll(async () => {
  mock = await startMockModelServer();
  instrumentation.manuallyInstrument(openaiModule);
  instrumentation.enable();
  // agents-core switches its tracing off when NODE_ENV is "test", as it is under vitest.
  agents.setTracingDisabled(false);
  agents.setDefaultOpenAIClient(new OpenAI({ apiKey: "sk-local", baseURL: `${mock.url}/v1` }) as never);
});
afterEach(() => {
  installed?.uninstrument();
  installed = undefined;
});
afterAll(async () => {
  instrumentation.disable();
  await mock.close();
});

const schema = { type: "object" as const, properties: { city: { type: "string" as const } }, required: ["city"], additionalProperties: false as const };
const weatherTool = (execute: (city: string) => Promise<string>) =>
  tool({ name: "get_weather", description: "Weather", parameters: schema, strict: true, execute: async (input) => execute((input as { city: string }).city) });

describe("instrumentOpenAIAgents", () => {
  it("keeps the framework's own processors by default, and replaces them when asked", async () => {
    const own = recorder();
    agents.setTraceProcessors([own.processor as never]);
    installed = instrumentOpenAIAgents(agents);
    await run(new Agent({ name: "A", model: "gpt-4o-mini" }), "hi");
    expect(own.seen).toContain("agent");
    expect(tracing.spans().map((s) => s.name)).toContain("invoke_agent A");
    installed.uninstrument();

    const replaced = recorder();
    agents.setTraceProcessors([replaced.processor as never]);
    installed = instrumentOpenAIAgents(agents, { frameworkExporter: "replace" });
    await run(new Agent({ name: "B", model: "gpt-4o-mini" }), "hi");
    expect(replaced.seen).toEqual([]);
    expect(tracing.spans().map((s) => s.name)).toContain("invoke_agent B");
  });

  it("stops mirroring after uninstrument()", async () => {
    installed = instrumentOpenAIAgents(agents, { frameworkExporter: "replace" });
    installed.uninstrument();
    await run(new Agent({ name: "Quiet", model: "gpt-4o-mini" }), "hi");
    expect(tracing.spans().filter((s) => s.name.startsWith("invoke_agent"))).toEqual([]);
    // Only the instrumentation's own span of the HTTP call remains, at the root again.
    const chats = tracing.spans().filter((s) => s.name === "chat gpt-4o-mini");
    expect(chats).toHaveLength(1);
    expect(chats[0]!.attributes["promptlayer.request_log.managed"]).toBeUndefined();
  });

  it("nests under the caller's traceable span and records a tool's failure on its span", async () => {
    installed = instrumentOpenAIAgents(agents, { frameworkExporter: "replace", captureMessageContent: true });
    const failing = weatherTool(async () => {
      throw new Error("weather service down");
    });
    const outer = traceable(async () => run(new Agent({ name: "Flaky", model: "gpt-4o-mini", tools: [failing] }), "Weather in Oslo?"), { name: "outer" });
    const result = await outer();
    // The SDK turns the tool's error into a message for the model and the run goes on.
    expect(String(result.finalOutput)).toContain("Mock reply using the tool result");
    const root = tracing.byName("outer");
    const workflow = tracing.byName("invoke_workflow Agent workflow");
    expect(parentOf(workflow)).toBe(root.spanContext().spanId);
    const toolSpan = tracing.byName("execute_tool get_weather");
    expect(toolSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(toolSpan.attributes["error.type"]).toBe("OpenAIAgentsSpanError");
    expect(String(toolSpan.attributes["gen_ai.tool.call.arguments"])).toContain("city");
    expect(new Set(tracing.spans().map((s) => s.spanContext().traceId))).toEqual(new Set([root.spanContext().traceId]));
  });

  it("maps Chat Completions models (generation spans) with the chat mappers, the SDK's own call marked managed", async () => {
    installed = instrumentOpenAIAgents(agents, { frameworkExporter: "replace", captureMessageContent: true });
    const client = new OpenAI({ apiKey: "sk-local", baseURL: `${mock.url}/v1` });
    const agent = new Agent({ name: "Chatty", instructions: "Be brief.", model: new agents.OpenAIChatCompletionsModel(client as never, "gpt-4o-mini"), tools: [weatherTool(async (c) => `sunny in ${c}`)] });
    const result = await run(agent, "Weather in Paris?");
    expect(String(result.finalOutput)).toContain("sunny in Paris");
    const generations = tracing.spans().filter((s) => s.attributes["openai_agents.span.type"] === "generation");
    expect(generations).toHaveLength(2);
    for (const g of generations) {
      expect(g.name).toBe("chat gpt-4o-mini");
      expect(g.attributes).toMatchObject({ "gen_ai.request.model": "gpt-4o-mini", "gen_ai.response.model": "gpt-4o-mini", "openai.api.type": "chat_completions" });
      expect(String(g.attributes["gen_ai.response.id"])).toMatch(/^chatcmpl-/);
      expect(g.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
      const input = JSON.parse(String(g.attributes["gen_ai.input.messages"])) as Array<{ role: string }>;
      expect(input[0]!.role).toBe("system");
    }
    expect(generations[0]!.attributes["gen_ai.response.finish_reasons"]).toEqual(["tool_calls"]);
    const output = JSON.parse(String(generations[1]!.attributes["gen_ai.output.messages"])) as Array<{ parts: Array<{ content?: string }> }>;
    expect(output[0]!.parts[0]!.content).toContain("sunny in Paris");
    const inner = tracing.spans().filter((s) => s.name === "chat gpt-4o-mini" && s.attributes["openai_agents.span.type"] === undefined);
    expect(inner).toHaveLength(2);
    for (const s of inner) expect(generations.map((g) => g.spanContext().spanId)).toContain(parentOf(s));
  });

  it("records no messages, arguments or results with content capture off", async () => {
    installed = instrumentOpenAIAgents(agents, { frameworkExporter: "replace", captureMessageContent: false });
    await run(new Agent({ name: "Private", instructions: "secret instructions", model: "gpt-4o-mini", tools: [weatherTool(async (c) => `sunny in ${c}`)] }), "my secret question");
    const framework = tracing.spans().filter((s) => s.attributes["openai_agents.span.type"] === "response");
    expect(framework).toHaveLength(2);
    for (const s of framework) {
      expect(s.attributes["gen_ai.input.messages"]).toBeUndefined();
      expect(s.attributes["gen_ai.output.messages"]).toBeUndefined();
      expect(s.attributes["gen_ai.system_instructions"]).toBeUndefined();
      expect(s.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
    }
    const toolSpan = tracing.byName("execute_tool get_weather");
    expect(toolSpan.attributes["gen_ai.tool.call.arguments"]).toBeUndefined();
    expect(toolSpan.attributes["gen_ai.tool.call.result"]).toBeUndefined();
  });

  it("ends every span when the model call fails, with the error on the model span", async () => {
    installed = instrumentOpenAIAgents(agents, { frameworkExporter: "replace" });
    const failingClient = new OpenAI({ apiKey: "sk-local", baseURL: `${mock.url}/v1`, maxRetries: 0, defaultHeaders: { "x-mock-status": "500" } });
    const agent = new Agent({ name: "Broken", model: new agents.OpenAIResponsesModel(failingClient as never, "gpt-4o-mini") });
    await expect(run(agent, "hi")).rejects.toThrow();
    const names = tracing.spans().map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["invoke_workflow Agent workflow", "invoke_agent Broken"]));
    const framework = tracing.spans().filter((s) => s.attributes["openai_agents.span.type"] === "response");
    expect(framework).toHaveLength(1);
    expect(framework[0]!.status.code).toBe(SpanStatusCode.ERROR);
    // Nothing left open: every mirrored span was exported (ended).
    expect(installed.processor["spans"].size).toBe(0);
    expect(installed.processor["traces"].size).toBe(0);
  });

  it("rejects something that is not the agents module with a clear error", () => {
    expect(() => instrumentOpenAIAgents({} as never)).toThrow(/expected the @openai\/agents module.*addTraceProcessor/);
    expect(() => instrumentOpenAIAgents(agents, { frameworkExporter: "drop" as never })).toThrow(/frameworkExporter must be "keep" or "replace"/);
  });
});
