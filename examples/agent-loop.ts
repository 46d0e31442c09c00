/**
 * A tool-using agent loop on both providers: the model asks for a tool, the tool runs, the result
 * goes back, the model answers. Every span carries the user and session.
 *
 *   node examples/agent-loop.ts
 *
 * Without OPENAI_BASE_URL / ANTHROPIC_BASE_URL it starts the local mock model endpoints; without
 * PROMPTLAYER_OTLP_TRACES_ENDPOINT it starts a local OTLP receiver and prints the trace it received.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { init, shutdown, traceable, traceTool, withRequestContext } from "promptlayer-otel";
import { formatSpanTree, startMockModelServer, startOtlpReceiver } from "promptlayer-otel/local";
import * as openaiModule from "openai";
import * as anthropicModule from "@anthropic-ai/sdk";
import { AnthropicInstrumentation, OpenAIInstrumentation } from "promptlayer-otel/instrumentations";

const mock = process.env.OPENAI_BASE_URL ? undefined : await startMockModelServer();
const receiver = process.env.PROMPTLAYER_OTLP_TRACES_ENDPOINT ? undefined : await startOtlpReceiver();
init({ endpoint: receiver?.url, serviceName: "agent-loop-example", handleExit: false, instrumentations: false });
// This file imports the SDKs itself (no --import preload), so instrument the modules it holds.
new OpenAIInstrumentation({ captureMessageContent: true }).manuallyInstrument(openaiModule);
new AnthropicInstrumentation({ captureMessageContent: true }).manuallyInstrument(anthropicModule);

const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? "sk-local", baseURL: process.env.OPENAI_BASE_URL ?? `${mock!.url}/v1` });
const anthropic = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY ?? "sk-ant-local", baseURL: process.env.ANTHROPIC_BASE_URL ?? mock!.url });

const getWeather = traceTool("get_weather", async ({ city }: { city: string; id?: string }) => `It is 18°C and sunny in ${city}.`, {
  description: "Current weather for a city",
  toolCallId: (call) => call.id,
});

const schema = { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] };

const openaiAgent = traceable(
  async (question: string) => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: question }];
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [{ type: "function", function: { name: "get_weather", parameters: schema } }];
    for (;;) {
      const res = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, tools });
      const msg = res.choices[0]!.message;
      if (!msg.tool_calls?.length) return msg.content;
      messages.push(msg);
      for (const call of msg.tool_calls) {
        if (call.type !== "function") continue;
        const result = await getWeather({ ...JSON.parse(call.function.arguments), id: call.id });
        messages.push({ role: "tool", tool_call_id: call.id, content: result });
      }
    }
  },
  { kind: "agent", name: "weather-agent-openai" },
);

const anthropicAgent = traceable(
  async (question: string) => {
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: question }];
    for (;;) {
      const res = await anthropic.messages.create({ model: "claude-sonnet-5-5", max_tokens: 512, messages, tools: [{ name: "get_weather", input_schema: schema }] });
      const uses = res.content.filter((b): b is Anthropic.ToolUseBlock => b.type === "tool_use");
      if (!uses.length) return res.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      messages.push({ role: "assistant", content: res.content });
      const results: Anthropic.ToolResultBlockParam[] = [];
      for (const use of uses) {
        results.push({ type: "tool_result", tool_use_id: use.id, content: await getWeather({ ...(use.input as { city: string }), id: use.id }) });
      }
      messages.push({ role: "user", content: results });
    }
  },
  { kind: "agent", name: "weather-agent-anthropic" },
);

await withRequestContext({ userId: "user-42", sessionId: "session-7" }, async () => {
  console.log("OpenAI:   ", await openaiAgent("What's the weather in Paris?"));
  console.log("Anthropic:", await anthropicAgent("What's the weather in Oslo?"));
});

await shutdown();
if (receiver) {
  const spans = await receiver.waitForSpans(1);
  console.log("\n" + formatSpanTree(spans, (s) => `user=${s.attributes["user.id"]} session=${s.attributes["session.id"]}`));
  await receiver.close();
}
await mock?.close();
