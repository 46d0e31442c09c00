/**
 * The Claude Agent SDK in the app's trace: a query whose agent calls an in-process MCP tool,
 * inside a `traceable` workflow, with the user on every span.
 *
 *   npm install && npm run build && node examples/frameworks/claude-agent.ts
 *
 * Without ANTHROPIC_BASE_URL it starts the local mock model endpoints (Claude Code talks to them
 * like to the real API); without PROMPTLAYER_OTLP_TRACES_ENDPOINT it starts a local OTLP receiver
 * and prints the trace it received.
 */
import { createSdkMcpServer, query, tool } from "@anthropic-ai/claude-agent-sdk";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { init, shutdown, traceable, withRequestContext } from "promptlayer-otel";
import { traceClaudeAgentQuery } from "promptlayer-otel/claude-agents";
import { formatSpanTree, startMockModelServer, startOtlpReceiver } from "promptlayer-otel/local";

const mock = process.env.ANTHROPIC_BASE_URL ? undefined : await startMockModelServer();
const receiver = process.env.PROMPTLAYER_OTLP_TRACES_ENDPOINT ? undefined : await startOtlpReceiver();
init({ endpoint: receiver?.url, serviceName: "claude-agent-example", handleExit: false, instrumentations: false, captureContent: true });

const tracedQuery = traceClaudeAgentQuery(query, { agentName: "weather-desk" });

// A plain traced helper called from the tool's handler nests under that tool's span.
const forecast = traceable(async (city: string) => `It is 18°C and sunny in ${city}.`, { name: "forecast-lookup" });
const weather = createSdkMcpServer({
  name: "weather",
  version: "1.0.0",
  tools: [tool("get_weather", "Current weather for a city", { city: z.string() }, async ({ city }) => ({ content: [{ type: "text", text: await forecast(city) }] }))],
});

const ask = traceable(
  async (question: string) => {
    let answer = "";
    for await (const message of tracedQuery({
      prompt: question,
      options: {
        model: "claude-sonnet-4-5",
        tools: [], // no built-in tools: only the weather server's
        mcpServers: { weather },
        allowedTools: ["mcp__weather__get_weather"],
        settingSources: [],
        persistSession: false,
        maxTurns: 4,
        env: {
          ...process.env,
          ANTHROPIC_BASE_URL: process.env.ANTHROPIC_BASE_URL ?? mock!.url,
          ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "sk-ant-local",
          // Keep Claude Code's state out of the user's home and its traffic off the network.
          CLAUDE_CONFIG_DIR: process.env.CLAUDE_CONFIG_DIR ?? mkdtempSync(join(tmpdir(), "claude-agent-example-")),
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        },
      },
    })) {
      if (message.type === "result" && message.subtype === "success") answer = message.result ?? "";
    }
    return answer;
  },
  { kind: "workflow", name: "ask-weather" },
);

const answer = await withRequestContext({ userId: "user-42" }, () => ask("What's the weather in Paris?"));
console.log(JSON.stringify({ answer }));

await shutdown();
if (receiver) {
  const spans = await receiver.waitForSpans(1);
  console.log("\n" + formatSpanTree(spans, (s) => `user=${s.attributes["user.id"]}`));
  await receiver.close();
}
await mock?.close();
