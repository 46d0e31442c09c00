/**
 * Reads a provider call as the SDKs report it to `/track-request` — the exact kwargs sent and the
 * (aggregated) response — into blueprint messages, usage and parameters. Handles OpenAI chat,
 * Responses and legacy completions, Anthropic messages and Gemini, including the flattened
 * stream aggregates the Python SDK sends (`choices: [{role, content}]`).
 */
import { blueprintMessage, chatTemplate } from "./blueprint.js";
import { asArray, asCount, asObject, asString, isObject, type Json } from "./json.js";

export type ProviderApi = "openai-chat" | "openai-responses" | "openai-completions" | "anthropic" | "google";

export function apiOf(providerType: string | undefined, functionName: string, kwargs: Json): ProviderApi {
  const fn = functionName.toLowerCase();
  const provider = (providerType ?? "").toLowerCase();
  if (provider.startsWith("anthropic") || fn.startsWith("anthropic")) return "anthropic";
  if (provider === "google" || provider === "vertexai" || fn.startsWith("google")) return "google";
  if (fn.includes("responses")) return "openai-responses";
  if (fn.includes("completions") && !fn.includes("chat")) return "openai-completions";
  if (kwargs.messages === undefined && kwargs.input !== undefined) return "openai-responses";
  return "openai-chat";
}

// Newer service versions add `id` and `annotations` to text blocks (cassettes); older readers ignore them.
const text = (t: unknown): Json => ({ type: "text", text: typeof t === "string" ? t : JSON.stringify(t), id: null, annotations: null });

/** Content given as a string or as provider blocks → blueprint content blocks. */
function contentBlocks(content: unknown): unknown[] {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return [text(content)];
  return asArray(content).flatMap((b): unknown[] => {
    if (typeof b === "string") return [text(b)];
    if (!isObject(b)) return [];
    switch (b.type) {
      case "text":
      case "input_text":
      case "output_text":
        return [text(b.text)];
      case "image_url":
        return [{ type: "image_url", image_url: isObject(b.image_url) ? b.image_url : { url: String(b.image_url ?? "") } }];
      case "input_image":
        return [{ type: "image_url", image_url: { url: String(b.image_url ?? "") } }];
      case "image": {
        const src = asObject(b.source);
        const url = src.type === "base64" ? `data:${String(src.media_type)};base64,${String(src.data)}` : String(src.url ?? "");
        return [{ type: "image_url", image_url: { url } }];
      }
      case "thinking":
        return [{ type: "thinking", thinking: b.thinking, signature: b.signature ?? null }];
      default:
        return [];
    }
  });
}

const toolCall = (id: unknown, name: unknown, args: unknown): Json => ({
  id: id ?? null,
  type: "function",
  function: { name, arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}) },
});

function openAIChatMessages(messages: unknown): Json[] {
  return asArray(messages).filter(isObject).map((m) => {
    const role = String(m.role ?? "user");
    if (role === "assistant") {
      const calls = asArray(m.tool_calls).filter(isObject).map((c) => toolCall(c.id, asObject(c.function).name, asObject(c.function).arguments));
      return blueprintMessage(role, contentBlocks(m.content), { tool_calls: calls.length ? calls : null, function_call: m.function_call ?? null });
    }
    if (role === "tool") return blueprintMessage(role, contentBlocks(m.content), { tool_call_id: m.tool_call_id ?? null });
    return blueprintMessage(role, contentBlocks(m.content), m.name ? { name: m.name } : {});
  });
}

function openAIChatReply(response: Json): Json[] {
  return asArray(response.choices).filter(isObject).slice(0, 1).map((choice) => {
    const m = isObject(choice.message) ? choice.message : isObject(choice.delta) ? choice.delta : choice;
    const calls = asArray(m.tool_calls).filter(isObject).map((c) => toolCall(c.id, asObject(c.function).name, asObject(c.function).arguments));
    return blueprintMessage("assistant", contentBlocks(m.content), { tool_calls: calls.length ? calls : null, function_call: m.function_call ?? null });
  });
}

function responsesInput(kwargs: Json): Json[] {
  const out: Json[] = [];
  if (typeof kwargs.instructions === "string") out.push(blueprintMessage("system", [text(kwargs.instructions)]));
  if (typeof kwargs.input === "string") return [...out, blueprintMessage("user", [text(kwargs.input)])];
  for (const item of asArray(kwargs.input).filter(isObject)) {
    if (item.type === "function_call") out.push(blueprintMessage("assistant", [], { tool_calls: [toolCall(item.call_id, item.name, item.arguments)] }));
    else if (item.type === "function_call_output") out.push(blueprintMessage("tool", contentBlocks(item.output), { tool_call_id: item.call_id ?? null }));
    else if (typeof item.role === "string") out.push(blueprintMessage(item.role, contentBlocks(item.content)));
  }
  return out;
}

function responsesReply(response: Json): Json[] {
  const content: unknown[] = [];
  const calls: Json[] = [];
  for (const item of asArray(response.output).filter(isObject)) {
    if (item.type === "message") content.push(...contentBlocks(item.content));
    else if (item.type === "function_call") calls.push(toolCall(item.call_id, item.name, item.arguments));
    else if (item.type === "reasoning") {
      const summary = asArray(item.summary).filter(isObject).map((s) => String(s.text ?? "")).join("\n");
      if (summary) content.unshift({ type: "thinking", thinking: summary, signature: null });
    }
  }
  if (!content.length && typeof response.output_text === "string") content.push(text(response.output_text));
  return content.length || calls.length ? [blueprintMessage("assistant", content, { tool_calls: calls.length ? calls : null })] : [];
}

function anthropicMessages(kwargs: Json): Json[] {
  const out: Json[] = [];
  if (kwargs.system !== undefined) out.push(blueprintMessage("system", contentBlocks(kwargs.system)));
  for (const m of asArray(kwargs.messages).filter(isObject)) {
    const role = String(m.role ?? "user");
    const blocks = typeof m.content === "string" ? [] : asArray(m.content).filter(isObject);
    for (const r of blocks.filter((b) => b.type === "tool_result")) out.push(blueprintMessage("tool", contentBlocks(r.content), { tool_call_id: r.tool_use_id ?? null }));
    const calls = blocks.filter((b) => b.type === "tool_use").map((b) => toolCall(b.id, b.name, b.input));
    const content = contentBlocks(m.content);
    if (content.length || calls.length || !blocks.some((b) => b.type === "tool_result")) {
      out.push(blueprintMessage(role, content, role === "assistant" ? { tool_calls: calls.length ? calls : null } : {}));
    }
  }
  return out;
}

function anthropicReply(response: Json): Json[] {
  const blocks = asArray(response.content).filter(isObject);
  if (!blocks.length) return [];
  const calls = blocks.filter((b) => b.type === "tool_use").map((b) => toolCall(b.id, b.name, b.input));
  return [blueprintMessage("assistant", contentBlocks(blocks), { tool_calls: calls.length ? calls : null })];
}

const geminiParts = (parts: unknown): unknown[] => asArray(parts).filter(isObject).flatMap((p) => (typeof p.text === "string" ? [text(p.text)] : []));

function googleMessages(kwargs: Json): Json[] {
  const out: Json[] = [];
  const config = asObject(kwargs.generation_config ?? kwargs.generationConfig ?? kwargs.config);
  const system = kwargs.system_instruction ?? kwargs.systemInstruction ?? config.system_instruction ?? config.systemInstruction;
  if (typeof system === "string") out.push(blueprintMessage("system", [text(system)]));
  else if (isObject(system)) out.push(blueprintMessage("system", geminiParts(system.parts)));
  const turns = typeof kwargs.contents === "string" ? [{ role: "user", parts: [{ text: kwargs.contents }] }] : asArray(kwargs.contents ?? kwargs.history);
  for (const c of turns.filter(isObject)) out.push(blueprintMessage(c.role === "model" ? "assistant" : "user", geminiParts(c.parts)));
  return out;
}

function googleReply(response: Json): Json[] {
  const candidate = asArray(response.candidates).filter(isObject)[0];
  if (!candidate) return [];
  return [blueprintMessage("assistant", geminiParts(asObject(candidate.content).parts))];
}

function completionsMessages(kwargs: Json, response: Json): { input: Json[]; output: Json[] } {
  const prompt = Array.isArray(kwargs.prompt) ? kwargs.prompt.join("\n") : String(kwargs.prompt ?? "");
  const choice = asArray(response.choices).filter(isObject)[0];
  return { input: [blueprintMessage("user", [text(prompt)])], output: choice ? [blueprintMessage("assistant", [text(choice.text ?? "")])] : [] };
}

function blueprintTools(tools: unknown): Json[] {
  return asArray(tools).filter(isObject).flatMap((t): Json[] => {
    if (t.type === "function" && isObject(t.function)) return [t];
    if (t.type === "function" && typeof t.name === "string") return [{ type: "function", function: { name: t.name, description: t.description ?? "", parameters: t.parameters ?? {} } }];
    if (typeof t.name === "string" && t.input_schema !== undefined) return [{ type: "function", function: { name: t.name, description: t.description ?? "", parameters: t.input_schema } }];
    return [];
  });
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export function usageOf(response: Json): Usage {
  const u = asObject(response.usage);
  const g = asObject(response.usageMetadata ?? response.usage_metadata);
  return {
    // Counts as the provider reported them; a value that is no count (negative, fractional, past 2^53) is not stored.
    inputTokens: asCount(u.prompt_tokens) ?? asCount(u.input_tokens) ?? asCount(g.promptTokenCount) ?? asCount(g.prompt_token_count) ?? 0,
    outputTokens: asCount(u.completion_tokens) ?? asCount(u.output_tokens) ?? asCount(g.candidatesTokenCount) ?? asCount(g.candidates_token_count) ?? 0,
  };
}

/** Request keys that are content, not model parameters. */
const CONTENT_KEYS = ["messages", "input", "instructions", "system", "contents", "history", "prompt", "model", "modelId", "tools", "tool_choice", "functions", "function_call", "system_instruction", "systemInstruction"];

/** The `api_type` the service records for a call (OpenAI only). */
export function apiTypeOf(api: ProviderApi): string | undefined {
  return api === "openai-chat" ? "chat-completions" : api === "openai-responses" ? "responses" : undefined;
}

export interface ProviderCall {
  api: ProviderApi;
  model: string | null;
  /** The rendered input followed by the reply. */
  promptTemplate: Json;
  /** Only the reply messages. */
  reply: Json[];
  parameters: Json;
  usage: Usage;
}

export function readProviderCall(providerType: string | undefined, functionName: string, kwargs: Json, response: Json): ProviderCall {
  const api = apiOf(providerType, functionName, kwargs);
  let input: Json[];
  let reply: Json[];
  switch (api) {
    case "openai-chat":
      [input, reply] = [openAIChatMessages(kwargs.messages), openAIChatReply(response)];
      break;
    case "openai-responses":
      [input, reply] = [responsesInput(kwargs), responsesReply(response)];
      break;
    case "openai-completions": {
      const c = completionsMessages(kwargs, response);
      [input, reply] = [c.input, c.output];
      break;
    }
    case "anthropic":
      [input, reply] = [anthropicMessages(kwargs), anthropicReply(response)];
      break;
    case "google":
      [input, reply] = [googleMessages(kwargs), googleReply(response)];
      break;
  }
  const parameters: Json = {};
  for (const [k, v] of Object.entries(kwargs)) if (!CONTENT_KEYS.includes(k)) parameters[k] = v;
  return {
    api,
    model: asString(kwargs.model) ?? asString(kwargs.modelId) ?? asString(response.model) ?? asString(response.modelVersion) ?? null,
    promptTemplate: chatTemplate([...input, ...reply], blueprintTools(kwargs.tools)),
    reply,
    parameters,
    usage: usageOf(response),
  };
}
