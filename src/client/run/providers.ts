/**
 * Calls the provider a plan names, with the caller's own credentials: `OPENAI_*`, `AZURE_*`,
 * `ANTHROPIC_*` and Gemini keys come from the config module (or the template's custom provider)
 * and go to the provider only. The SDK clients are the app's own `openai` / `@anthropic-ai/sdk`,
 * so our instrumentations (or anyone's) trace the call as usual.
 */
import type { ProviderEnvironment } from "../../config.js";
import type { JsonObject } from "../types.js";
import { callGemini } from "./gemini.js";
import type { ProviderPlan } from "./plan.js";
import { loadAnthropic, loadOpenAI } from "./sdk.js";

type Create = (body: JsonObject) => Promise<unknown>;

async function openAICreate(plan: ProviderPlan, env: ProviderEnvironment): Promise<Create> {
  const { OpenAI, AzureOpenAI } = await loadOpenAI();
  const client =
    plan.family === "azure"
      ? new AzureOpenAI({
          // CONTRACT §1: the Azure environment wins over the template's settings.
          ...(env.azure.endpoint || !plan.connection.baseURL ? { endpoint: env.azure.endpoint } : { baseURL: plan.connection.baseURL }),
          apiVersion: env.azure.apiVersion,
          apiKey: env.azure.apiKey ?? plan.connection.apiKey,
        })
      : new OpenAI({ apiKey: plan.connection.apiKey ?? env.openai.apiKey, baseURL: plan.connection.baseURL ?? env.openai.baseURL });
  // Casts: `kwargs` are the template's, shaped by the service for exactly this API.
  switch (plan.api) {
    case "openai.chat":
      return (body) => client.chat.completions.create(body as never);
    case "openai.completions":
      return (body) => client.completions.create(body as never);
    case "openai.responses":
      return (body) => client.responses.create(body as never);
    default:
      return (body) => client.images.generate(body as never);
  }
}

async function anthropicCreate(plan: ProviderPlan, env: ProviderEnvironment): Promise<Create> {
  const { Anthropic } = await loadAnthropic();
  const client = new Anthropic({ apiKey: plan.connection.apiKey ?? env.anthropic.apiKey, baseURL: plan.connection.baseURL ?? env.anthropic.baseURL });
  if (plan.api === "anthropic.completions") {
    const legacy = (client as unknown as { completions?: { create?: (b: unknown) => Promise<unknown> } }).completions;
    if (typeof legacy?.create !== "function") throw new TypeError("This @anthropic-ai/sdk version has no completions API; use a chat template");
    return (body) => legacy.create!(body);
  }
  return (body) => client.messages.create(body as never);
}

/**
 * The provider's answer: a response object, or an async iterable of chunks when streaming.
 * Connection settings go into the SDK constructor; `plan.kwargs` is sent as is.
 */
export async function callProvider(plan: ProviderPlan, env: ProviderEnvironment, fetchImpl?: typeof fetch): Promise<unknown> {
  if (plan.family === "google") return callGemini(plan.kwargs, plan.stream, { ...env.google, ...(plan.connection.apiKey ? { apiKey: plan.connection.apiKey } : {}), ...(plan.connection.baseURL ? { baseURL: plan.connection.baseURL } : {}) }, fetchImpl);
  const create = plan.family === "anthropic" ? await anthropicCreate(plan, env) : await openAICreate(plan, env);
  return create(plan.kwargs);
}
