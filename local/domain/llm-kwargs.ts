/**
 * `llm_kwargs`: a rendered prompt template as the request body of the provider's own SDK call
 * (CONTRACT §3): OpenAI chat `{model, messages, …params}`, OpenAI Responses `{model, input,
 * instructions?}`, Anthropic `{model, max_tokens, messages, system?}`, Google `{model,
 * history|contents, generation_config}`, Bedrock Converse, legacy completions `{model, prompt}`.
 * The shape is provider-native and may change, as the service warns.
 */
import { asArray, asObject, asString, isObject, type Json } from "./json.js";

export interface ModelSettings {
  provider: string;
  name: string | undefined;
  parameters: Json;
  apiType: string | undefined;
}

export type KwargsDialect = "openai-chat" | "openai-responses" | "openai-completions" | "anthropic" | "google" | "bedrock";

export function dialectFor(model: ModelSettings, templateType: unknown): KwargsDialect {
  const provider = model.provider.toLowerCase();
  const name = (model.name ?? "").toLowerCase();
  if (provider === "anthropic" || provider === "anthropic.bedrock" || (provider === "vertexai" && name.startsWith("claude"))) return "anthropic";
  if (provider === "google" || provider === "vertexai") return "google";
  if (provider === "amazon.bedrock") return "bedrock";
  if (templateType === "completion") return "openai-completions";
  if ((provider === "openai" || provider === "openai.azure") && model.apiType === "responses") return "openai-responses";
  return "openai-chat";
}

const texts = (content: unknown): string[] => asArray(content).flatMap((b) => (isObject(b) && b.type === "text" && typeof b.text === "string" ? [b.text] : []));
const joined = (content: unknown): string => texts(content).join("\n");

function parseArguments(raw: unknown): unknown {
  if (typeof raw !== "string") return raw ?? {};
  try {
    return JSON.parse(raw);
  } catch {
    return {};
  }
}

function functionTools(tools: unknown): Json[] {
  return asArray(tools).flatMap((t) => (isObject(t) && t.type === "function" && isObject(t.function) ? [t.function] : []));
}

// ---- parameter names ----

const camelToSnake = (key: string): string => key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());

/** The provider's name for the output-token limit, which each API spells differently. */
const MAX_TOKENS_NAME: Record<KwargsDialect, string> = {
  "openai-chat": "max_completion_tokens",
  "openai-responses": "max_output_tokens",
  "openai-completions": "max_tokens",
  anthropic: "max_tokens",
  google: "max_output_tokens",
  bedrock: "maxTokens",
};
const MAX_TOKENS_ALIASES = ["max_tokens", "max_output_tokens", "max_completion_tokens"];

/**
 * Applies `model_parameter_overrides` over the stored parameters, translating names to this
 * provider's (camelCase → snake_case; any output-token limit → the provider's own name).
 */
export function applyOverrides(parameters: Json, overrides: Json, dialect: KwargsDialect): Json {
  const out = { ...parameters };
  for (const [rawKey, value] of Object.entries(overrides)) {
    let key = camelToSnake(rawKey);
    if (MAX_TOKENS_ALIASES.includes(key)) {
      key = MAX_TOKENS_NAME[dialect];
      for (const alias of MAX_TOKENS_ALIASES) if (alias !== key) delete out[alias];
    }
    out[key] = value;
  }
  return out;
}

/** Stored parameters minus the keys the kwargs builder owns. */
function paramsWithout(parameters: Json, ...owned: string[]): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(parameters)) if (!owned.includes(k)) out[k] = v;
  return out;
}

function renameMaxTokens(params: Json, dialect: KwargsDialect): Json {
  const target = MAX_TOKENS_NAME[dialect];
  if (dialect === "openai-chat") return params; // chat accepts both max_tokens and max_completion_tokens
  for (const alias of MAX_TOKENS_ALIASES) {
    if (alias !== target && params[alias] !== undefined) {
      params[target] ??= params[alias];
      delete params[alias];
    }
  }
  return params;
}

// ---- per dialect ----

function openAIChat(template: Json, model: string | undefined, params: Json): Json {
  const messages = asArray(template.messages).filter(isObject).map((m): Json => {
    const role = String(m.role);
    if (role === "system" || role === "developer") return { role, content: joined(m.content) };
    if (role === "assistant") {
      const out: Json = { role, content: texts(m.content).length ? joined(m.content) : null };
      const calls = asArray(m.tool_calls).filter(isObject);
      if (calls.length) out.tool_calls = calls.map((c) => ({ id: c.id, type: "function", function: { name: asObject(c.function).name, arguments: asObject(c.function).arguments ?? "{}" } }));
      if (isObject(m.function_call)) out.function_call = m.function_call;
      return out;
    }
    if (role === "tool") return { role, content: joined(m.content), tool_call_id: m.tool_call_id };
    if (role === "function") return { role, name: m.name, content: joined(m.content) };
    const content = asArray(m.content).flatMap((b): Json[] => {
      if (!isObject(b)) return [];
      if (b.type === "text") return [{ type: "text", text: b.text }];
      if (b.type === "image_url" && isObject(b.image_url)) return [{ type: "image_url", image_url: b.image_url }];
      return [];
    });
    return m.name ? { role, content, name: m.name } : { role, content };
  });
  const out: Json = { ...params, model, messages };
  if (model === undefined) delete out.model;
  const tools = asArray(template.tools).filter((t) => isObject(t) && t.type === "function");
  if (tools.length) out.tools = tools;
  if (tools.length && template.tool_choice !== null && template.tool_choice !== undefined) out.tool_choice = template.tool_choice;
  const functions = asArray(template.functions);
  if (functions.length) {
    out.functions = functions;
    if (template.function_call !== null && template.function_call !== undefined) out.function_call = template.function_call;
  }
  return out;
}

function openAIResponses(template: Json, model: string | undefined, params: Json): Json {
  const instructions: string[] = [];
  const input: Json[] = [];
  for (const m of asArray(template.messages).filter(isObject)) {
    const role = String(m.role);
    if (role === "system" || role === "developer") instructions.push(joined(m.content));
    else if (role === "assistant") {
      if (texts(m.content).length) input.push({ role, content: texts(m.content).map((text) => ({ type: "output_text", text })) });
      for (const c of asArray(m.tool_calls).filter(isObject)) {
        const fn = asObject(c.function);
        input.push({ type: "function_call", call_id: c.id, name: fn.name, arguments: fn.arguments ?? "{}" });
      }
    } else if (role === "tool") input.push({ type: "function_call_output", call_id: m.tool_call_id, output: joined(m.content) });
    else {
      const content = asArray(m.content).flatMap((b): Json[] => {
        if (!isObject(b)) return [];
        if (b.type === "text") return [{ type: "input_text", text: b.text }];
        if (b.type === "image_url" && isObject(b.image_url)) return [{ type: "input_image", image_url: b.image_url.url, detail: b.image_url.detail ?? "auto" }];
        return [];
      });
      input.push({ role: "user", content });
    }
  }
  const out: Json = { ...renameMaxTokens(params, "openai-responses"), model, input };
  if (model === undefined) delete out.model;
  if (instructions.length) out.instructions = instructions.join("\n\n");
  const tools = functionTools(template.tools).map((f) => ({ type: "function", name: f.name, description: f.description, parameters: f.parameters, ...(f.strict !== undefined ? { strict: f.strict } : {}) }));
  if (tools.length) out.tools = tools;
  return out;
}

function anthropicBlock(b: Json): Json | undefined {
  if (b.type === "text") return { type: "text", text: b.text };
  if (b.type === "thinking") return { type: "thinking", thinking: b.thinking, signature: b.signature ?? "" };
  if (b.type === "image_url" && isObject(b.image_url)) {
    const url = String(b.image_url.url ?? "");
    const data = /^data:([^;]+);base64,(.*)$/s.exec(url);
    return data ? { type: "image", source: { type: "base64", media_type: data[1], data: data[2] } } : { type: "image", source: { type: "url", url } };
  }
  return undefined;
}

function anthropicToolChoice(choice: unknown): Json | undefined {
  if (choice === "auto") return { type: "auto" };
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any" };
  if (isObject(choice) && isObject(choice.function)) return { type: "tool", name: choice.function.name };
  return undefined;
}

function anthropic(template: Json, model: string | undefined, params: Json): Json {
  const system: string[] = [];
  const messages: Json[] = [];
  const chat = template.type === "completion" ? [{ role: "user", content: template.content }] : asArray(template.messages).filter(isObject);
  for (const m of chat) {
    const role = String(m.role);
    if (role === "system" || role === "developer") {
      system.push(joined(m.content));
      continue;
    }
    if (role === "tool") {
      messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: m.tool_call_id, content: joined(m.content) }] });
      continue;
    }
    const content = asArray(m.content).filter(isObject).flatMap((b) => anthropicBlock(b) ?? []);
    for (const c of asArray((m as Json).tool_calls).filter(isObject)) {
      const fn = asObject(c.function);
      content.push({ type: "tool_use", id: c.id, name: fn.name, input: parseArguments(fn.arguments) });
    }
    messages.push({ role: role === "assistant" ? "assistant" : "user", content });
  }
  const rest = renameMaxTokens(params, "anthropic");
  const out: Json = { ...rest, model, max_tokens: rest.max_tokens ?? 1024, messages };
  if (model === undefined) delete out.model;
  if (system.length) out.system = system.join("\n\n");
  const tools = functionTools(template.tools).map((f) => ({ name: f.name, description: f.description, input_schema: f.parameters ?? { type: "object", properties: {} } }));
  if (tools.length) {
    out.tools = tools;
    const choice = anthropicToolChoice(template.tool_choice);
    if (choice) out.tool_choice = choice;
  }
  return out;
}

function google(template: Json, model: string | undefined, params: Json): Json {
  const generationConfig: Json = renameMaxTokens({ ...params }, "google");
  const parts = (content: unknown) => texts(content).map((text) => ({ text }));
  if (template.type === "completion") {
    const out: Json = { model, contents: [{ role: "user", parts: parts(template.content) }], generation_config: generationConfig };
    if (model === undefined) delete out.model;
    return out;
  }
  const system: string[] = [];
  const history: Json[] = [];
  for (const m of asArray(template.messages).filter(isObject)) {
    if (m.role === "system" || m.role === "developer") system.push(joined(m.content));
    else history.push({ role: m.role === "assistant" ? "model" : "user", parts: parts(m.content) });
  }
  if (system.length) generationConfig.system_instruction = system.join("\n\n");
  const out: Json = { model, history, generation_config: generationConfig };
  if (model === undefined) delete out.model;
  const tools = functionTools(template.tools);
  if (tools.length) out.generation_config = { ...generationConfig, tools: [{ function_declarations: tools }] };
  return out;
}

function bedrock(template: Json, model: string | undefined, params: Json): Json {
  const system: Json[] = [];
  const messages: Json[] = [];
  for (const m of asArray(template.messages).filter(isObject)) {
    if (m.role === "system" || m.role === "developer") system.push({ text: joined(m.content) });
    else messages.push({ role: m.role === "assistant" ? "assistant" : "user", content: texts(m.content).map((text) => ({ text })) });
  }
  const inferenceConfig: Json = {};
  if (params.max_tokens !== undefined) inferenceConfig.maxTokens = params.max_tokens;
  if (params.temperature !== undefined) inferenceConfig.temperature = params.temperature;
  if (params.top_p !== undefined) inferenceConfig.topP = params.top_p;
  return { modelId: model, messages, ...(system.length ? { system } : {}), inferenceConfig };
}

function completions(template: Json, model: string | undefined, params: Json): Json {
  const out: Json = { ...params, model, prompt: joined(template.content) };
  if (model === undefined) delete out.model;
  return out;
}

/**
 * Builds `llm_kwargs` for a (rendered) template. The model comes from `parameters.model`, else the
 * model's name; `overrides` are `model_parameter_overrides`.
 */
export function buildLlmKwargs(template: Json, model: ModelSettings, overrides: Json = {}): Json {
  const dialect = dialectFor(model, template.type);
  const params = applyOverrides(paramsWithout(model.parameters, "messages", "model", "input", "prompt", "system"), overrides, dialect);
  const name = asString(model.parameters.model) ?? model.name;
  switch (dialect) {
    case "openai-chat":
      return openAIChat(template, name, params);
    case "openai-responses":
      return openAIResponses(template, name, params);
    case "openai-completions":
      return completions(template, name, params);
    case "anthropic":
      return anthropic(template, name, params);
    case "google":
      return google(template, name, params);
    case "bedrock":
      return bedrock(template, name, params);
  }
}
