/**
 * `traceClaudeAgentQuery` with the real Claude Agent SDK (and the Claude Code CLI it runs, from
 * the examples/frameworks workspace) pointed at the local mock Anthropic endpoint.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SpanStatusCode } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { traceClaudeAgentQuery } from "../../src/integrations/claude-agents/index.js";
import { traceable } from "../../src/tracing/traceable.js";
import { ROOT } from "../helpers/child.js";
import { parentOf, useMemoryTracing } from "../helpers/memory-tracing.js";

type Sdk = typeof import("../../examples/frameworks/node_modules/@anthropic-ai/claude-agent-sdk/sdk.js");
type Zod = typeof import("../../examples/frameworks/node_modules/zod/index.js");
const workspace = `${ROOT}/examples/frameworks/node_modules`;
let sdk: Sdk;
let z: Zod;

const tracing = useMemoryTracing();
let mock: MockModelServer;
const configDir = mkdtempSync(join(tmpdir(), "claude-agents-test-"));

beforeAll(async () => {
  sdk = (await import(pathToFileURL(`${workspace}/@anthropic-ai/claude-agent-sdk/sdk.mjs`).href)) as Sdk;
  z = (await import(pathToFileURL(`${workspace}/zod/index.js`).href)) as Zod;
  mock = await startMockModelServer();
});
afterAll(() => mock.close());

const weatherServer = (handler: (city: string) => Promise<string>) =>
  sdk.createSdkMcpServer({ name: "weather", version: "1.0.0", tools: [sdk.tool("get_weather", "Weather for a city", { city: z.string() }, async ({ city }) => ({ content: [{ type: "text" as const, text: await handler(city) }] }))] });

function options(extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  return {
    model: "claude-sonnet-4-5",
    tools: [],
    allowedTools: ["mcp__weather__get_weather"],
    settingSources: [],
    persistSession: false,
    maxTurns: 4,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ANTHROPIC_BASE_URL: mock.url, ANTHROPIC_API_KEY: "sk-ant-local", CLAUDE_CONFIG_DIR: configDir, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", ...env },
    ...extra,
  };
}

async function drain(q: AsyncIterable<{ type: string; subtype?: string; result?: string }>): Promise<string | undefined> {
  let result: string | undefined;
  for await (const m of q) if (m.type === "result") result = m.result;
  return result;
}

const spansNamed = (name: string) => tracing.spans().filter((s) => s.name === name);

describe("traceClaudeAgentQuery", () => {
  it("traces the session, its turn, each model call and the tool use, and hands the CLI the trace context", async () => {
    const spawned: Array<Record<string, string | undefined>> = [];
    const appHookCalls: string[] = [];
    const lookup = traceable(async (city: string) => `Sunny in ${city}`, { name: "lookup" });
    const query = traceClaudeAgentQuery(sdk.query, { agentName: "weather-desk", captureMessageContent: true });
    const outer = traceable(
      () =>
        drain(
          query({
            prompt: "What's the weather in Paris?",
            options: options({
              mcpServers: { weather: weatherServer(lookup) },
              hooks: { PreToolUse: [{ hooks: [async (input: { tool_name?: string }) => (appHookCalls.push(String(input.tool_name)), {})] }] },
              spawnClaudeCodeProcess: (o: { command: string; args: string[]; cwd?: string; env: Record<string, string | undefined>; signal: AbortSignal }) => {
                spawned.push(o.env);
                return spawn(o.command, o.args, { cwd: o.cwd, env: o.env as NodeJS.ProcessEnv, signal: o.signal, stdio: ["pipe", "pipe", "ignore"] });
              },
            }),
          }),
        ),
      { name: "outer" },
    );
    const result = await outer();
    expect(result).toContain("Sunny in Paris");
    // The app's own hook still runs.
    expect(appHookCalls).toEqual(["mcp__weather__get_weather"]);

    const root = tracing.byName("outer");
    const session = tracing.byName("invoke_agent weather-desk");
    const turn = tracing.byName("turn 1");
    expect(parentOf(session)).toBe(root.spanContext().spanId);
    expect(parentOf(turn)).toBe(session.spanContext().spanId);
    expect(session.attributes).toMatchObject({ "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "weather-desk", "gen_ai.request.model": "claude-sonnet-4-5" });
    expect(String(session.attributes["gen_ai.conversation.id"])).toMatch(/^[0-9a-f-]{36}$/);
    expect(session.attributes["claude_agent.total_cost_usd"]).toBeGreaterThan(0);
    expect(session.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
    expect(String(session.attributes["gen_ai.input.messages"])).toContain("What's the weather in Paris?");
    expect(turn.attributes["claude_agent.num_turns"]).toBe(2);

    const calls = spansNamed("chat claude-sonnet-4-5");
    expect(calls).toHaveLength(2);
    for (const c of calls) {
      expect(parentOf(c)).toBe(turn.spanContext().spanId);
      expect(c.attributes).toMatchObject({ "gen_ai.provider.name": "anthropic", "gen_ai.response.model": "claude-sonnet-4-5" });
      expect(String(c.attributes["gen_ai.response.id"])).toMatch(/^msg_/);
      // input_tokens includes the cache tokens, which are also reported on their own.
      expect(c.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
      expect(c.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThanOrEqual(Number(c.attributes["gen_ai.usage.cache_creation.input_tokens"] ?? 0));
    }
    const [first, second] = [...calls].sort((a, b) => (a.startTime[0] - b.startTime[0]) * 1e9 + (a.startTime[1] - b.startTime[1]));
    expect(first!.attributes["gen_ai.response.finish_reasons"]).toEqual(["tool_use"]);
    expect(String(first!.attributes["gen_ai.output.messages"])).toContain("mcp__weather__get_weather");
    expect(String(second!.attributes["gen_ai.output.messages"])).toContain("Sunny in Paris");

    const tool = tracing.byName("execute_tool mcp__weather__get_weather");
    expect(parentOf(tool)).toBe(turn.spanContext().spanId);
    expect(tool.attributes).toMatchObject({ "gen_ai.tool.name": "mcp__weather__get_weather", "gen_ai.tool.call.arguments": '{"city":"Paris"}', "claude_agent.mcp_server": "weather" });
    expect(String(tool.attributes["gen_ai.tool.call.id"])).toMatch(/^toolu_/);
    expect(String(tool.attributes["gen_ai.tool.call.result"])).toContain("Sunny in Paris");
    // The in-process tool handler's own span nests under the tool use.
    expect(parentOf(tracing.byName("lookup"))).toBe(tool.spanContext().spanId);
    // Tools run between the two calls.
    const ns = (t: [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
    expect(ns(tool.startTime) >= ns(first!.startTime)).toBe(true);

    // The CLI process got the session span as its W3C parent.
    expect(spawned).toHaveLength(1);
    expect(spawned[0]!.TRACEPARENT).toBe(`00-${session.spanContext().traceId}-${session.spanContext().spanId}-01`);
    expect(new Set(tracing.spans().map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it("puts a subagent under the Agent tool use that started it, with its own model calls and tools", async () => {
    const query = traceClaudeAgentQuery(sdk.query, { captureMessageContent: true });
    const result = await drain(
      query({
        prompt: "Research the weather in Paris.",
        options: options(
          {
            tools: ["Agent"],
            allowedTools: ["Agent", "mcp__weather__get_weather"],
            mcpServers: { weather: weatherServer(traceable(async (c: string) => `Sunny in ${c}`, { name: "sub-lookup" })) },
            // The mock calls the first tool it is offered: a subagent with only the weather tool cannot recurse.
            agents: { "general-purpose": { description: "Researches weather", prompt: "You research weather.", tools: ["mcp__weather__get_weather"] } },
          },
          { CLAUDE_CODE_DISABLE_BACKGROUND_TASKS: "1" },
        ),
      }),
    );
    expect(result).toContain("Mock reply using the tool result");
    const turn = tracing.byName("turn 1");
    const agentTool = tracing.byName("execute_tool Agent");
    expect(parentOf(agentTool)).toBe(turn.spanContext().spanId);
    const sub = tracing.byName("invoke_agent general-purpose");
    expect(parentOf(sub)).toBe(agentTool.spanContext().spanId);
    expect(String(sub.attributes["gen_ai.agent.id"])).not.toBe("");
    const weatherTool = tracing.byName("execute_tool mcp__weather__get_weather");
    expect(parentOf(weatherTool)).toBe(sub.spanContext().spanId);
    expect(weatherTool.attributes["gen_ai.agent.id"]).toBe(sub.attributes["gen_ai.agent.id"]);
    // The Agent tool is still open while the weather tool runs: the handler's span still finds its tool.
    expect(parentOf(tracing.byName("sub-lookup"))).toBe(weatherTool.spanContext().spanId);
    const calls = spansNamed("chat claude-sonnet-4-5");
    const subCalls = calls.filter((c) => parentOf(c) === sub.spanContext().spanId);
    expect(subCalls.length).toBeGreaterThanOrEqual(1);
    for (const c of subCalls) expect(c.attributes["claude_agent.parent_tool_use_id"]).toBe(agentTool.attributes["gen_ai.tool.call.id"]);
    expect(calls.filter((c) => parentOf(c) === turn.spanContext().spanId)).toHaveLength(2);
  });

  it("marks a failing tool's span and lets the agent go on", async () => {
    const query = traceClaudeAgentQuery(sdk.query, { captureMessageContent: true });
    const result = await drain(query({ prompt: "Weather in Oslo?", options: options({ mcpServers: { weather: weatherServer(async () => Promise.reject(new Error("weather service down"))) } }) }));
    expect(result).toContain("weather service down");
    const tool = tracing.byName("execute_tool mcp__weather__get_weather");
    expect(tool.status.code).toBe(SpanStatusCode.ERROR);
    expect(tool.attributes["error.type"]).toBe("ClaudeToolError");
    expect(tool.status.message).toContain("weather service down");
    expect(tracing.byName("invoke_agent claude-agent").status.code).toBe(SpanStatusCode.UNSET);
  });

  it("records a failed API call and the failed query, and the SDK still throws as it does untraced", async () => {
    const query = traceClaudeAgentQuery(sdk.query);
    await expect(drain(query({ prompt: "hi", options: options({ mcpServers: { weather: weatherServer(async (c) => c) } }, { ANTHROPIC_CUSTOM_HEADERS: "x-mock-status: 400" }) }))).rejects.toThrow(/400/);
    const call = tracing.byName("chat claude-sonnet-4-5");
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
    expect(call.attributes).toMatchObject({ "error.type": "ClaudeApiError", "http.response.status_code": 400 });
    const turn = tracing.byName("turn 1");
    expect(turn.status.code).toBe(SpanStatusCode.ERROR);
    expect(turn.attributes["error.type"]).toBe("api_error");
    expect(tracing.byName("invoke_agent claude-agent").status.code).toBe(SpanStatusCode.ERROR);
  });

  it("ends every span when the caller stops reading early", async () => {
    const query = traceClaudeAgentQuery(sdk.query);
    const q = query({ prompt: "Weather in Rome?", options: options({ mcpServers: { weather: weatherServer(async (c) => c) } }) });
    for await (const m of q) if (m.type === "assistant") break;
    const session = tracing.byName("invoke_agent claude-agent");
    expect(session.attributes["claude_agent.incomplete"]).toBe(true);
    expect(tracing.byName("turn 1").attributes["claude_agent.incomplete"]).toBe(true);
    expect(spansNamed("chat claude-sonnet-4-5")).toHaveLength(1);
  });

  it("records no prompt, reply, tool input or output with content capture off", async () => {
    const query = traceClaudeAgentQuery(sdk.query, { captureMessageContent: false });
    await drain(query({ prompt: "my secret question", options: options({ mcpServers: { weather: weatherServer(async () => "secret forecast") } }) }));
    expect(tracing.spans().length).toBeGreaterThanOrEqual(5);
    for (const s of tracing.spans()) {
      const text = JSON.stringify(s.attributes);
      expect(text, s.name).not.toContain("secret");
      expect(text, s.name).not.toContain("Paris");
    }
  });

  it("refuses something that is not the SDK's query function", () => {
    expect(() => traceClaudeAgentQuery(undefined as never)).toThrow(/expected the SDK's query function/);
  });
});
