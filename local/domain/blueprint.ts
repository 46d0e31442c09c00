/**
 * Prompt blueprints as the service returns them for logged requests: the request's input as
 * template messages with the model's reply appended (CONTRACT §2.5, cassettes).
 */
import type { Json } from "./json.js";

export function blueprintMessage(role: string, content: unknown[], extra: Json = {}): Json {
  const message: Json = { input_variables: [], template_format: "f-string", content, raw_request_display_role: role, dataset_examples: [], role, name: null };
  if (role === "assistant") Object.assign(message, { function_call: null, tool_calls: null });
  return Object.assign(message, extra);
}

export function chatTemplate(messages: Json[], tools: Json[] = []): Json {
  return { messages, functions: [], tools, function_call: null, tool_choice: null, type: "chat", input_variables: [], dataset_examples: [] };
}

export interface BlueprintModel {
  provider: string;
  name: string | null;
  parameters: Json;
  apiType?: string | undefined;
}

/** The parameters as the service displays them: numbers and objects as text, booleans as is. */
function displayParams(parameters: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(parameters)) out[k] = typeof v === "boolean" || v === null ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  return out;
}

export function blueprint(promptTemplate: Json, model: BlueprintModel): Json {
  const m: Json = {
    provider: model.provider,
    model_config_display_name: null,
    base_model: null,
    name: model.name,
    parameters: model.parameters,
    display_params: displayParams(model.parameters),
    api_type: model.apiType ?? null,
  };
  return { prompt_template: promptTemplate, commit_message: null, metadata: { model: m }, provider_base_url_name: null, report_id: null, inference_client_name: null, provider_id: null };
}

/** Joins an input and an output template (log-request): chat messages concatenated, completion content concatenated. */
export function appendOutput(input: Json, output: Json): Json {
  if (input.type === "completion" || output.type === "completion") {
    const content = [...(Array.isArray(input.content) ? input.content : []), ...(Array.isArray(output.content) ? output.content : [])];
    return { ...input, content };
  }
  const messages = [...(Array.isArray(input.messages) ? input.messages : []), ...(Array.isArray(output.messages) ? output.messages : [])];
  return { ...input, messages };
}

/** The text of the last message (or the completion content) of a template: the log's `response_string`. */
export function lastText(template: Json): string {
  const blocks = template.type === "completion" ? template.content : Array.isArray(template.messages) ? (template.messages.at(-1) as Json | undefined)?.content : undefined;
  if (!Array.isArray(blocks)) return "";
  return blocks
    .flatMap((b) => (typeof b === "object" && b !== null && (b as Json).type === "text" ? [String((b as Json).text ?? "")] : []))
    .join("");
}
