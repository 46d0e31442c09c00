/**
 * Blueprints built on the client: the rendered template with the model's reply appended — what
 * the service returns from track-request. Used for the accumulated blueprint of each streamed
 * item, and when logging failed and there is no server blueprint to return.
 */
import type { BlueprintMessage, BlueprintToolCall, ContentBlock, JsonObject, PromptBlueprint, PromptTemplate } from "../types.js";
import { isPlainObject } from "../validate.js";
import type { ProviderApi } from "./plan.js";

const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);
const text = (t: string): ContentBlock => ({ type: "text", text: t });
const toolCall = (id: unknown, name: unknown, args: unknown): BlueprintToolCall => ({
  id: String(id ?? ""),
  type: "function",
  function: { name: String(name ?? ""), arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}) },
});

export interface AssistantReply {
  content: ContentBlock[];
  tool_calls: BlueprintToolCall[];
}

function openAIChat(r: JsonObject): AssistantReply {
  const message = list(r.choices)[0]?.message;
  const m = isPlainObject(message) ? message : {};
  return {
    content: typeof m.content === "string" && m.content ? [text(m.content)] : [],
    tool_calls: list(m.tool_calls).map((tc) => {
      const fn = isPlainObject(tc.function) ? tc.function : {};
      return toolCall(tc.id, fn.name, fn.arguments);
    }),
  };
}

function openAIResponses(r: JsonObject): AssistantReply {
  const reply: AssistantReply = { content: [], tool_calls: [] };
  for (const item of list(r.output)) {
    if (item.type === "message") {
      for (const part of list(item.content)) if (part.type === "output_text" && typeof part.text === "string") reply.content.push(text(part.text));
    } else if (item.type === "function_call") reply.tool_calls.push(toolCall(item.call_id ?? item.id, item.name, item.arguments));
    else if (item.type === "reasoning") {
      const summary = list(item.summary).map((s) => String(s.text ?? "")).join("\n");
      if (summary) reply.content.push({ type: "thinking", thinking: summary, id: item.id as string | undefined });
    }
  }
  return reply;
}

function anthropic(r: JsonObject): AssistantReply {
  const reply: AssistantReply = { content: [], tool_calls: [] };
  for (const b of list(r.content)) {
    if (b.type === "text" && typeof b.text === "string") reply.content.push(text(b.text));
    else if (b.type === "thinking") reply.content.push({ type: "thinking", thinking: String(b.thinking ?? ""), signature: b.signature });
    else if (b.type === "tool_use") reply.tool_calls.push(toolCall(b.id, b.name, b.input));
  }
  return reply;
}

function gemini(r: JsonObject): AssistantReply {
  const reply: AssistantReply = { content: [], tool_calls: [] };
  const content = list(r.candidates)[0]?.content;
  for (const p of list(isPlainObject(content) ? content.parts : undefined)) {
    if (typeof p.text === "string") reply.content.push(p.thought ? { type: "thinking", thinking: p.text } : text(p.text));
    else if (isPlainObject(p.functionCall)) reply.tool_calls.push(toolCall(p.functionCall.id ?? p.functionCall.name, p.functionCall.name, p.functionCall.args));
  }
  return reply;
}

function openAICompletions(r: JsonObject): AssistantReply {
  const t = list(r.choices)[0]?.text;
  return { content: typeof t === "string" ? [text(t)] : [], tool_calls: [] };
}

function openAIImages(r: JsonObject): AssistantReply {
  return {
    content: list(r.data).map((d) => ({
      type: "output_media",
      url: typeof d.url === "string" ? d.url : `data:image/png;base64,${String(d.b64_json ?? "")}`,
      mime_type: "image/png",
      media_type: "image",
    })),
    tool_calls: [],
  };
}

/** The assistant's reply in a provider response, as blueprint content. */
export function assistantReply(api: ProviderApi, response: unknown): AssistantReply {
  const r = isPlainObject(response) ? response : {};
  switch (api) {
    case "openai.chat":
      return openAIChat(r);
    case "openai.completions":
      return openAICompletions(r);
    case "anthropic.completions":
      return { content: typeof r.completion === "string" ? [text(r.completion)] : [], tool_calls: [] };
    case "openai.responses":
      return openAIResponses(r);
    case "openai.images":
      return openAIImages(r);
    case "anthropic.messages":
      return anthropic(r);
    case "google.generate":
      return gemini(r);
  }
}

/** The template (as rendered for this run) plus the reply, with the run's model parameters. */
export function buildBlueprint(template: PromptTemplate, reply: AssistantReply, stream: boolean): PromptBlueprint {
  const pt = template.prompt_template;
  let promptTemplate: PromptBlueprint["prompt_template"];
  if (pt.type === "chat") {
    const assistant: BlueprintMessage = { role: "assistant", content: reply.content, input_variables: [], template_format: "f-string" };
    if (reply.tool_calls.length) assistant.tool_calls = reply.tool_calls;
    promptTemplate = { ...pt, messages: [...pt.messages, assistant] };
  } else {
    promptTemplate = { ...pt, content: [...(pt.content ?? []), ...reply.content] };
  }
  // The template's own metadata (never the caller's run metadata: CONTRACT §9.1).
  const model = template.metadata?.model;
  const metadata = model ? { ...template.metadata, model: { ...model, parameters: { ...model.parameters, stream } } } : (template.metadata ?? null);
  return {
    prompt_template: promptTemplate,
    commit_message: template.commit_message ?? null,
    metadata,
    provider_base_url_name: template.provider_base_url?.name ?? null,
    provider_id: template.provider_id ?? null,
  };
}
