/**
 * The OpenAI Agents SDK in the app's trace: a tool-using agent, a handoff and a streamed run,
 * inside a `traceable` workflow, with the user on every span.
 *
 *   npm install && npm run build && node examples/frameworks/openai-agents.ts
 *
 * Without OPENAI_BASE_URL it starts the local mock model endpoints; without
 * PROMPTLAYER_OTLP_TRACES_ENDPOINT it starts a local OTLP receiver and prints the trace it received.
 */
import * as agents from "@openai/agents";
import { Agent, run, setDefaultOpenAIClient, tool } from "@openai/agents";
import OpenAI from "openai";
import * as openaiModule from "openai";
import { z } from "zod";
import { init, shutdown, traceable, withRequestContext } from "promptlayer-otel";
import { OpenAIInstrumentation } from "promptlayer-otel/instrumentations";
import { formatSpanTree, startMockModelServer, startOtlpReceiver } from "promptlayer-otel/local";
import { instrumentOpenAIAgents } from "promptlayer-otel/openai-agents";

const mock = process.env.OPENAI_BASE_URL ? undefined : await startMockModelServer();
const receiver = process.env.PROMPTLAYER_OTLP_TRACES_ENDPOINT ? undefined : await startOtlpReceiver();
init({ endpoint: receiver?.url, serviceName: "openai-agents-example", handleExit: false, instrumentations: false });
// This file imports `openai` itself (no --import preload), so instrument the module it holds.
new OpenAIInstrumentation({ captureMessageContent: true }).manuallyInstrument(openaiModule);
// "replace": agent traces go only where the app's spans go, not also to OpenAI's traces dashboard.
instrumentOpenAIAgents(agents, { frameworkExporter: "replace" });

setDefaultOpenAIClient(new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? "sk-local", baseURL: process.env.OPENAI_BASE_URL ?? `${mock!.url}/v1` }));

// A plain traced helper called from inside a tool nests under that tool's span.
const forecast = traceable(async (city: string) => `It is 18°C and sunny in ${city}.`, { name: "forecast-lookup" });

const getWeather = tool({
  name: "get_weather",
  description: "Current weather for a city",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => forecast(city),
});

const weatherAgent = new Agent({ name: "Weather agent", instructions: "Answer weather questions with the get_weather tool.", model: "gpt-4o-mini", tools: [getWeather] });
const triageAgent = new Agent({ name: "Triage agent", instructions: "Hand weather questions to the weather agent.", model: "gpt-4o-mini", handoffs: [weatherAgent] });

const supportDesk = traceable(
  async (question: string) => {
    const direct = await run(weatherAgent, question);
    const handedOff = await run(triageAgent, question);
    const streamed = await run(weatherAgent, question, { stream: true });
    for await (const _event of streamed) {
      // Consume the stream; the run's spans end when it does.
    }
    await streamed.completed;
    return { direct: direct.finalOutput, handedOff: handedOff.finalOutput, streamed: streamed.finalOutput };
  },
  { kind: "workflow", name: "support-desk" },
);

const answers = await withRequestContext({ userId: "user-42" }, () => supportDesk("What's the weather in Paris?"));
console.log(JSON.stringify(answers, null, 2));

await shutdown();
if (receiver) {
  const spans = await receiver.waitForSpans(1);
  console.log("\n" + formatSpanTree(spans, (s) => `user=${s.attributes["user.id"]}`));
  await receiver.close();
}
await mock?.close();
