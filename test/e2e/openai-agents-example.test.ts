/**
 * examples/frameworks/openai-agents.ts with the real `@openai/agents` against the local backend
 * (its mock model endpoints and its OTLP receiver): the span tree, and one request log per model
 * call although both the framework and the OpenAI instrumentation see each call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReceivedSpan } from "../../local/otlp/decode.js";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { ROOT, runNode } from "../helpers/child.js";

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", seed: false });
});
afterAll(() => backend.close());

describe("examples/frameworks/openai-agents.ts", () => {
  it("puts runs, agents, turns, model calls, tools and the handoff in the app's trace, logging each model call once", async () => {
    const result = await runNode(
      [`${ROOT}/examples/frameworks/openai-agents.ts`],
      { PROMPTLAYER_OTLP_TRACES_ENDPOINT: `${backend.url}/v1/traces`, PROMPTLAYER_API_KEY: backend.apiKey, OPENAI_BASE_URL: `${backend.url}/v1`, OPENAI_API_KEY: "sk-local" },
      60_000,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      direct: "Mock reply using the tool result: It is 18°C and sunny in Paris.",
      handedOff: 'Mock reply using the tool result: {"assistant":"Weather agent"}',
      streamed: "Mock reply using the tool result: It is 18°C and sunny in Paris.",
    });

    const [summary] = backend.store.spans.traces(10);
    expect(summary).toBeDefined();
    const spans = backend.store.spans.spansOf(summary!.traceId);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentName = (s: ReceivedSpan) => (s.parentSpanId ? byId.get(s.parentSpanId)?.name : undefined);
    const named = (name: string) => spans.filter((s) => s.name === name);

    // One trace: the traceable workflow holds the three agent runs.
    const root = named("invoke_workflow support-desk");
    expect(root).toHaveLength(1);
    const runs = named("invoke_workflow Agent workflow");
    expect(runs).toHaveLength(3);
    for (const r of runs) {
      expect(r.parentSpanId).toBe(root[0]!.spanId);
      expect(r.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
      expect(String(r.attributes["openai_agents.trace_id"])).toMatch(/^trace_/);
    }
    expect(named("invoke_agent Weather agent")).toHaveLength(3);
    expect(named("invoke_agent Triage agent")).toHaveLength(1);

    // Model calls: the framework's span is the logged one; the instrumentation's nests inside it, marked managed.
    const chats = named("chat gpt-4o-mini");
    const framework = chats.filter((s) => s.attributes["openai_agents.span.type"] === "response");
    const sdk = chats.filter((s) => s.attributes["openai_agents.span.type"] === undefined);
    expect(framework).toHaveLength(6);
    expect(sdk).toHaveLength(6);
    for (const f of framework) {
      expect(parentName(f)).toMatch(/^turn \d+ (Weather|Triage) agent$/);
      expect(f.attributes).toMatchObject({ "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini", "gen_ai.response.model": "gpt-4o-mini" });
      expect(f.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
      expect(f.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
      expect(String(f.attributes["gen_ai.response.id"])).toMatch(/^resp_/);
    }
    for (const s of sdk) {
      const parent = byId.get(s.parentSpanId!)!;
      expect(parent.attributes["openai_agents.span.type"]).toBe("response");
      expect(s.attributes).toMatchObject({ "promptlayer.request_log.managed": true, "promptlayer.request_log.span_id": parent.spanId });
    }
    expect(backend.store.requests.byTrace(summary!.traceId)).toHaveLength(6);

    // Tools run inside the turn that asked for them; a traceable helper inside a tool nests under it.
    const tools = named("execute_tool get_weather");
    expect(tools).toHaveLength(2);
    for (const t of tools) {
      expect(parentName(t)).toBe("turn 1 Weather agent");
      expect(t.attributes).toMatchObject({ "gen_ai.tool.name": "get_weather", "gen_ai.tool.call.arguments": '{"city":"Paris"}', "gen_ai.tool.call.result": "It is 18°C and sunny in Paris." });
    }
    for (const f of named("forecast-lookup")) expect(parentName(f)).toBe("execute_tool get_weather");
    expect(named("forecast-lookup")).toHaveLength(2);

    const [handoff] = named("handoff Triage agent -> Weather agent");
    expect(handoff?.attributes).toMatchObject({ "openai_agents.handoff.from_agent": "Triage agent", "openai_agents.handoff.to_agent": "Weather agent" });
    expect(parentName(handoff!)).toBe("turn 1 Triage agent");

    // The request context reaches the framework's spans too.
    for (const s of spans) expect(s.attributes["user.id"], s.name).toBe("user-42");
  }, 90_000);
});
