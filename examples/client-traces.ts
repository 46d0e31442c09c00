/**
 * `run()` in traces: a `traceable` agent that runs two registry prompts makes ONE trace — the agent
 * span, a `promptlayer.run` span per run (with the prompt's name, id, version and label), and the
 * provider's model span under each, marked as already logged. Each logged request carries the
 * span id of its run, so the service links the request log to the trace and logs each call once.
 *
 *   npx promptlayer-otel dev            # in another terminal; prints the exports below
 *   PROMPTLAYER_BASE_URL=http://127.0.0.1:8787 PROMPTLAYER_API_KEY=… \
 *   OPENAI_BASE_URL=http://127.0.0.1:8787/v1 OPENAI_API_KEY=sk-local \
 *   ANTHROPIC_BASE_URL=http://127.0.0.1:8787 ANTHROPIC_API_KEY=sk-ant-local node examples/client-traces.ts
 *
 * The spans go to an OTLP receiver started here, which prints the tree; in an app, `init()` sends
 * them to PromptLayer (or to the local backend's /v1/traces).
 */
import * as anthropicModule from "@anthropic-ai/sdk";
import * as openaiModule from "openai";
import { init, PromptLayer, shutdown, traceable } from "promptlayer-otel";
import { AnthropicInstrumentation, OpenAIInstrumentation } from "promptlayer-otel/instrumentations";
import { formatSpanTree, startOtlpReceiver } from "promptlayer-otel/local";

const receiver = await startOtlpReceiver();
init({ endpoint: receiver.url, serviceName: "client-traces-example", handleExit: false, instrumentations: false });
// No --import preload here: instrument the SDK modules run() will load.
new OpenAIInstrumentation().manuallyInstrument(openaiModule);
new AnthropicInstrumentation().manuallyInstrument(anthropicModule);

const pl = new PromptLayer();
const chat = (text: string) => ({
  type: "chat" as const,
  input_variables: ["topic"],
  messages: [{ role: "user", input_variables: ["topic"], template_format: "f-string" as const, content: [{ type: "text", text }] }],
});
await pl.templates.publish({ promptName: "traces-outline", promptTemplate: chat("Outline a short note about {topic}."), metadata: { model: { provider: "openai", name: "gpt-4o-mini" } }, releaseLabels: ["prod"] });
await pl.templates.publish({ promptName: "traces-polish", promptTemplate: chat("Polish this note about {topic}."), metadata: { model: { provider: "anthropic", name: "claude-haiku-4-5" } }, releaseLabels: ["prod"] });

const writer = traceable(
  async (topic: string) => {
    const outline = await pl.run({ promptName: "traces-outline", promptReleaseLabel: "prod", inputVariables: { topic } });
    const polished = await pl.run({ promptName: "traces-polish", promptReleaseLabel: "prod", inputVariables: { topic } });
    return [outline.request_id, polished.request_id];
  },
  { kind: "agent", name: "note-writer" },
);

const requestIds = await writer("tide pools");
console.log("logged requests:", requestIds.join(", "));

await shutdown();
const spans = await receiver.waitForSpans(7); // agent + 2 × (run, template fetch, model call)
const describe = (s: (typeof spans)[number]) =>
  [
    s.attributes["promptlayer.prompt.name"] !== undefined ? `prompt=${s.attributes["promptlayer.prompt.name"]}@${s.attributes["promptlayer.prompt.label"]} v${s.attributes["promptlayer.prompt.version"]}` : "",
    s.attributes["promptlayer.request_log.managed"] === true ? "logged-by-run" : "",
  ]
    .filter(Boolean)
    .join(" ");
console.log(formatSpanTree(spans, describe));
console.log("traces:", new Set(spans.map((s) => s.traceId)).size);
await receiver.close();
