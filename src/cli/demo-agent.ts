/**
 * The demo's agent, run by `promptlayer-otel demo` in a child process under
 * `--import promptlayer-otel/register` — so nothing here sets up tracing: the preload did.
 * It answers a customer with a registry prompt (`run()`), a tool-using OpenAI loop (streamed),
 * an Anthropic stream, and a workflow, all inside one traced agent with the user on every span.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { PromptLayer } from "../client/index.js";
import { withRequestContext } from "../tracing/request-context.js";
import { traceable, traceTool } from "../tracing/traceable.js";

const pl = new PromptLayer();
const openai = new OpenAI();
const anthropic = new Anthropic();

const lookupOrder = traceTool("lookup_order", async ({ order_id }: { order_id: string }) => ({ order_id, status: "shipped", eta_days: 2 }), {
  description: "Look up an order's shipping status",
});

/** A streamed, tool-using OpenAI loop: the model asks for a tool, gets the result, answers. */
const checkOrder = traceable(
  async (question: string) => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: question }];
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      { type: "function", function: { name: "lookup_order", parameters: { type: "object", properties: { order_id: { type: "string" } }, required: ["order_id"] } } },
    ];
    for (;;) {
      const runner = openai.chat.completions.stream({ model: "gpt-4o-mini", messages, tools, stream_options: { include_usage: true } });
      const message = (await runner.finalChatCompletion()).choices[0]!.message;
      if (!message.tool_calls?.length) return message.content ?? "";
      messages.push(message);
      for (const call of message.tool_calls) {
        if (call.type !== "function") continue;
        messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(await lookupOrder(JSON.parse(call.function.arguments))) });
      }
    }
  },
  { kind: "agent", name: "order-checker" },
);

const summarise = traceable(async (parts: string[]) => {
  const stream = anthropic.messages.stream({ model: "claude-haiku-4-5", max_tokens: 200, messages: [{ role: "user", content: `Summarise for the customer:\n${parts.join("\n")}` }] });
  return (await stream.finalMessage()).content.map((b) => (b.type === "text" ? b.text : "")).join("");
}, { name: "summarise" });

export const supportAgent = traceable(
  async (question: string) => {
    const reply = await pl.run({ promptName: "support-reply", promptReleaseLabel: "prod", inputVariables: { question }, tags: ["demo"] });
    const order = await checkOrder(`Where is order A-1001? ${question}`);
    const triage = await pl.runWorkflow({ workflowName: "support-triage", inputVariables: { question: "Can I get a refund?" }, timeout: 30_000 });
    const draft = String((reply.raw_response as OpenAI.Chat.Completions.ChatCompletion).choices[0]?.message.content ?? "");
    return summarise([draft, order, String(triage)]);
  },
  { kind: "agent", name: "support-agent" },
);

const answer = await withRequestContext({ userId: "customer-42", sessionId: "demo-session" }, () => supportAgent("My parcel is late. What can I do?"));
console.log(`Agent answered: ${answer}`);
