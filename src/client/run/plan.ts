/**
 * From a fetched template to the provider call `run()` makes (CONTRACT §4.4–4.6): which API,
 * with which arguments, under which `function_name` it is logged, and where the custom
 * connection settings go (the SDK constructor — never the logged kwargs).
 */
import { PromptLayerValidationError } from "../../errors.js";
import type { JsonObject, PromptTemplate } from "../types.js";
import { isPlainObject } from "../validate.js";

export type ProviderFamily = "openai" | "azure" | "anthropic" | "google";

/** The provider API that is called; also selects the stream accumulator. */
export type ProviderApi =
  | "openai.chat"
  | "openai.completions"
  | "openai.responses"
  | "openai.images"
  | "anthropic.messages"
  | "anthropic.completions"
  | "google.generate";

export interface ProviderPlan {
  family: ProviderFamily;
  api: ProviderApi;
  /** `provider_type` for track-request, e.g. `openai`, `openai.azure`. */
  providerType: string;
  /** `api_type` as the template says (chat-completions when it says nothing). */
  apiType: string | undefined;
  templateType: "chat" | "completion";
  functionName: string;
  model: string | undefined;
  /** Exactly what is sent to the provider, and what is logged as `kwargs`. */
  kwargs: JsonObject;
  /** From the template's custom provider / provider base URL; for the SDK constructor only. */
  connection: { baseURL?: string | undefined; apiKey?: string | undefined };
  stream: boolean;
}

/** Connection settings never travel as request arguments (CONTRACT §9.4). */
const CONNECTION_KEYS = ["api_key", "apiKey", "base_url", "baseURL", "baseUrl"];

function withoutConnectionKeys(kwargs: JsonObject): JsonObject {
  const out = { ...kwargs };
  for (const k of CONNECTION_KEYS) delete out[k];
  return out;
}

function familyOf(provider: string, model: string | undefined): ProviderFamily {
  const m = (model ?? "").toLowerCase();
  switch (provider) {
    case "openai":
      return "openai";
    case "openai.azure":
      return "azure";
    case "anthropic":
      return "anthropic";
    case "google":
      return "google";
    case "vertexai":
      // Vertex serves both; the model family decides (CONTRACT §4.5).
      if (m.startsWith("gemini")) return "google";
      break;
  }
  throw new PromptLayerValidationError(
    "provider",
    `run() cannot call provider "${provider}"${model ? ` (model ${model})` : ""}; supported: openai, openai.azure, anthropic, google, and vertexai Gemini models (Gemini API key or Vertex AI credentials)`,
  );
}

function openAIApi(apiType: string | undefined, templateType: "chat" | "completion"): ProviderApi {
  switch (apiType) {
    case "responses":
      return "openai.responses";
    case "images":
      return "openai.images";
    case undefined:
    case null:
    case "":
    case "chat-completions":
      // No api_type means chat completions (CONTRACT §9.3), the legacy endpoint for completion templates.
      return templateType === "chat" ? "openai.chat" : "openai.completions";
    default:
      throw new PromptLayerValidationError("api_type", `unsupported OpenAI api_type "${apiType}"`);
  }
}

const FUNCTION_NAMES: Record<ProviderApi, string> = {
  "openai.chat": "openai.chat.completions.create",
  "openai.completions": "openai.completions.create",
  "openai.responses": "openai.responses.create",
  "openai.images": "openai.images.generate",
  "anthropic.messages": "anthropic.messages.create",
  "anthropic.completions": "anthropic.completions.create",
  "google.generate": "google.model.generate_content",
};

function functionName(family: ProviderFamily, api: ProviderApi, templateType: "chat" | "completion"): string {
  if (family === "azure") return FUNCTION_NAMES[api].replace(/^openai\./, "openai.AzureOpenAI.");
  if (family === "google" && templateType === "chat") return "google.convo.send_message";
  return FUNCTION_NAMES[api];
}

/** Validates the template (CONTRACT §4.3) and plans the call. */
export function planProviderCall(template: PromptTemplate, stream: boolean): ProviderPlan {
  const model = template.metadata?.model;
  if (!isPlainObject(model) || typeof model.provider !== "string") {
    throw new PromptLayerValidationError("template", `"${template.prompt_name}" has no model in its metadata; set one in the registry`);
  }
  if (!isPlainObject(template.llm_kwargs)) {
    throw new PromptLayerValidationError("template", `"${template.prompt_name}" came without llm_kwargs for provider "${model.provider}"`);
  }
  const providerType = template.custom_provider?.client ?? model.provider;
  const modelName = typeof template.llm_kwargs.model === "string" ? template.llm_kwargs.model : model.name;
  const family = familyOf(providerType, modelName);
  const templateType = template.prompt_template.type === "completion" ? "completion" : "chat";
  const apiType = model.api_type ?? undefined;

  let api: ProviderApi;
  if (family === "openai" || family === "azure") api = openAIApi(apiType, templateType);
  else if (family === "anthropic") api = templateType === "chat" ? "anthropic.messages" : "anthropic.completions";
  else api = "google.generate";

  const kwargs = withoutConnectionKeys(template.llm_kwargs);
  // Images take `stream` only on models that stream partial images: send it only when asked.
  if (api !== "openai.images" || stream) kwargs.stream = stream;
  if (stream && api === "openai.chat") {
    const existing = isPlainObject(kwargs.stream_options) ? kwargs.stream_options : {};
    kwargs.stream_options = { ...existing, include_usage: true };
  }

  const custom = template.custom_provider;
  return {
    family,
    api,
    providerType,
    apiType: apiType ?? (family === "openai" || family === "azure" ? "chat-completions" : undefined),
    templateType,
    functionName: functionName(family, api, templateType),
    model: modelName,
    kwargs,
    connection: {
      baseURL: custom?.base_url ?? template.provider_base_url?.url ?? undefined,
      apiKey: custom?.api_key ?? undefined,
    },
    stream,
  };
}
