/**
 * `POST /v1/chat/completions`: a ChatCompletion, or with `stream: true` the chunk sequence OpenAI
 * sends (role delta, content or tool-call deltas, a finish chunk with an empty delta, the usage
 * chunk when `stream_options.include_usage`, then `[DONE]`).
 */
import {
  countTokens,
  createdAt,
  DEFAULT_STREAM_CHUNKS,
  hashChars,
  isReasoningModel,
  jsonForSchema,
  padForChunks,
  planTurn,
  splitText,
  textOf,
  thinkingAbout,
  toolText,
  truncateToTokens,
  type ToolSpec,
} from "./content.js";
import { asArray, asNumber, asObject, asString, isObject, MockHttpError, requireString, sendJson, type Json, type MockContext } from "./http.js";
import { chatUsage, systemFingerprint, toolCallId } from "./openai-shared.js";
import { writeSse, type SseEvent } from "./sse.js";

interface ChoicePlan {
  index: number;
  content: string | null;
  toolCall?: { id: string; name: string; arguments: string };
  finishReason: "stop" | "length" | "tool_calls";
  outputTokens: number;
}

function chatTools(tools: unknown): ToolSpec[] {
  return asArray(tools)
    .filter((t) => isObject(t) && (t.type === undefined || t.type === "function") && isObject(t.function))
    .map((t) => {
      const fn = asObject((t as Json).function);
      return { name: String(fn.name ?? ""), description: asString(fn.description), schema: fn.parameters ?? {} };
    });
}

/** "none", a forced function name, or undefined for auto/required. */
function chatToolChoice(choice: unknown): string | undefined {
  if (choice === "none") return "none";
  if (isObject(choice) && isObject(choice.function)) return asString(choice.function.name);
  return undefined;
}

function inputText(messages: unknown[], tools: ToolSpec[]): string {
  const parts = messages.map((m) => {
    const msg = asObject(m);
    const calls = asArray(msg.tool_calls).map((c) => String(asObject(asObject(c).function).arguments ?? ""));
    return [textOf(msg.content), ...calls].join("\n");
  });
  return [...parts, ...tools.map(toolText)].join("\n");
}

export async function handleChatCompletions(ctx: MockContext): Promise<void> {
  const { body, seed, faults } = ctx;
  const model = requireString(body, "model");
  const messages = asArray(body.messages);
  if (messages.length === 0) throw new MockHttpError(400, "messages: expected a non-empty array");
  const tools = chatTools(body.tools);
  const toolChoice = chatToolChoice(body.tool_choice);
  const last = asObject(messages.at(-1));
  const lastUser = asObject([...messages].reverse().find((m) => asObject(m).role === "user"));
  const turn = planTurn({
    lastUserText: textOf(lastUser.content),
    toolResult: last.role === "tool" || last.role === "function" ? textOf(last.content) : undefined,
    endsWithUser: last.role === "user",
    tools,
    toolChoice,
  });

  const format = asObject(body.response_format);
  const maxTokens = asNumber(body.max_completion_tokens) ?? asNumber(body.max_tokens);
  const n = Math.min(Math.max(Math.floor(asNumber(body.n) ?? 1), 1), 128);
  const reasoningTokens = isReasoningModel(model) ? countTokens(thinkingAbout(textOf(lastUser.content))) : 0;

  const choices: ChoicePlan[] = [];
  for (let index = 0; index < n; index++) {
    if (turn.kind === "tool") {
      const args = JSON.stringify(turn.args);
      // A named tool_choice makes OpenAI report "stop", not "tool_calls" (a known API quirk).
      const finishReason = toolChoice === turn.name ? "stop" : "tool_calls";
      choices.push({ index, content: null, toolCall: { id: toolCallId(seed, `call-${index}`), name: turn.name, arguments: args }, finishReason, outputTokens: countTokens(turn.name + args) });
      continue;
    }
    let text: string;
    if (format.type === "json_schema") text = jsonForSchema(asObject(format.json_schema).schema);
    else if (format.type === "json_object") text = JSON.stringify({ reply: turn.text });
    else text = padForChunks(turn.text, faults.chunks);
    const cut = truncateToTokens(text, maxTokens);
    choices.push({ index, content: cut.text, finishReason: cut.truncated ? "length" : "stop", outputTokens: countTokens(cut.text) });
  }

  const usage = chatUsage({
    promptTokens: countTokens(inputText(messages, tools)),
    completionTokens: choices.reduce((sum, c) => sum + c.outputTokens + reasoningTokens, 0),
    reasoningTokens: reasoningTokens * n,
    cachedTokens: faults.cachedTokens,
  });
  const envelope = {
    id: `chatcmpl-${hashChars(seed, "chatcmpl", 29)}`,
    created: createdAt(seed),
    model,
    service_tier: body.service_tier === "flex" || body.service_tier === "priority" ? body.service_tier : "default",
    system_fingerprint: systemFingerprint(model),
  };

  if (body.stream === true) {
    const includeUsage = asObject(body.stream_options).include_usage === true;
    await writeSse(ctx, streamEvents(envelope, choices, includeUsage ? usage : undefined, faults.chunks ?? DEFAULT_STREAM_CHUNKS));
    return;
  }
  await sendJson(ctx, 200, {
    id: envelope.id,
    object: "chat.completion",
    created: envelope.created,
    model,
    choices: choices.map((c) => ({
      index: c.index,
      message: {
        role: "assistant",
        content: c.content,
        refusal: null,
        annotations: [],
        ...(c.toolCall && { tool_calls: [{ id: c.toolCall.id, type: "function", function: { name: c.toolCall.name, arguments: c.toolCall.arguments } }] }),
      },
      logprobs: null,
      finish_reason: c.finishReason,
    })),
    usage,
    service_tier: envelope.service_tier,
    system_fingerprint: envelope.system_fingerprint,
  });
}

function streamEvents(
  envelope: { id: string; created: number; model: string; service_tier: unknown; system_fingerprint: string },
  choices: ChoicePlan[],
  usage: ReturnType<typeof chatUsage> | undefined,
  chunks: number,
): SseEvent[] {
  // With include_usage, OpenAI puts `usage: null` on every chunk and the totals on a last, choice-less one.
  const chunk = (choiceList: unknown[], extra: Json = usage ? { usage: null } : {}): SseEvent => ({
    data: { id: envelope.id, object: "chat.completion.chunk", created: envelope.created, model: envelope.model, service_tier: envelope.service_tier, system_fingerprint: envelope.system_fingerprint, choices: choiceList, ...extra },
  });
  const delta = (index: number, d: Json, finishReason: string | null = null) => chunk([{ index, delta: d, logprobs: null, finish_reason: finishReason }]);

  const events: SseEvent[] = [];
  for (const c of choices) {
    if (c.toolCall) {
      // The first delta names the call (index, id, type, name, empty arguments); argument fragments follow.
      const header = { index: 0, id: c.toolCall.id, type: "function", function: { name: c.toolCall.name, arguments: "" } };
      events.push(delta(c.index, { role: "assistant", content: null, tool_calls: [header], refusal: null }));
      for (const piece of splitText(c.toolCall.arguments, chunks)) events.push(delta(c.index, { tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    } else {
      events.push(delta(c.index, { role: "assistant", content: "", refusal: null }));
      for (const piece of splitText(c.content ?? "", chunks)) if (piece !== "") events.push(delta(c.index, { content: piece }));
    }
    events.push(delta(c.index, {}, c.finishReason));
  }
  if (usage) events.push(chunk([], { usage }));
  events.push({ data: "[DONE]" });
  return events;
}
