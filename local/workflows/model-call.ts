/**
 * Calls a model with `llm_kwargs` — for workflow prompt nodes — over HTTP like any client would,
 * and reads the reply text back: on the real provider when the backend has an account for the
 * template's provider (see providers.ts), otherwise on the backend's own mock model endpoints.
 */
import { scrubCredentials } from "../../src/client/redact.js";
import { asArray, asObject, isObject, type Json } from "../domain/json.js";
import { dialectFor, type ModelSettings } from "../domain/llm-kwargs.js";
import { MOCK_KEY, type ProviderName, type ResolvedProviders } from "./providers.js";

export interface ModelCallResult {
  functionName: string;
  /** Which endpoint answered: a real provider's, or the backend's mock. */
  endpoint: ProviderName | "mock";
  /** What was sent (the provider's own request body). */
  kwargs: Json;
  response: Json;
  text: string;
}

export class ModelCallError extends Error {
  constructor(
    message: string,
    readonly raw: string,
  ) {
    super(message);
  }
}

interface Endpoint {
  /** The API family, whose base URL `path` is relative to (OpenAI's base includes `/v1`). */
  api: ProviderName;
  path: string;
  functionName: string;
  /** The credential headers for `key`. */
  headers: (key: string) => Record<string, string>;
  body: Json;
  text: (response: Json) => string;
}

/** Where the backend's mock serves each API family, relative to the backend's URL. */
const MOCK_BASE: Record<ProviderName, string> = { openai: "/v1", anthropic: "", google: "" };

/**
 * The account to call, if any: only templates whose provider is the account's own provider use it
 * (`openai.azure`, `anthropic.bedrock`, `vertexai`, … are other services with other credentials).
 */
function accountProvider(model: ModelSettings, api: ProviderName): ProviderName | undefined {
  return model.provider.toLowerCase() === api ? api : undefined;
}

const joinText = (parts: unknown[]) => parts.filter((p): p is string => typeof p === "string").join("");

function endpointFor(model: ModelSettings, kwargs: Json, templateType: unknown): Endpoint {
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  switch (dialectFor(model, templateType)) {
    case "openai-chat":
      return {
        api: "openai",
        path: "/chat/completions",
        functionName: "openai.chat.completions.create",
        headers: bearer,
        body: kwargs,
        text: (r) => joinText([asObject(asObject(asArray(r.choices)[0]).message).content]),
      };
    case "openai-responses":
      return {
        api: "openai",
        path: "/responses",
        functionName: "openai.responses.create",
        headers: bearer,
        body: kwargs,
        text: (r) =>
          joinText(asArray(r.output).filter(isObject).filter((o) => o.type === "message").flatMap((o) => asArray(o.content).filter(isObject).map((c) => c.text))),
      };
    case "openai-completions":
      return { api: "openai", path: "/completions", functionName: "openai.completions.create", headers: bearer, body: kwargs, text: (r) => joinText([asObject(asArray(r.choices)[0]).text]) };
    case "anthropic":
      return {
        api: "anthropic",
        path: "/v1/messages",
        functionName: "anthropic.messages.create",
        headers: (key) => ({ "x-api-key": key, "anthropic-version": "2023-06-01" }),
        body: kwargs,
        text: (r) => joinText(asArray(r.content).filter(isObject).filter((b) => b.type === "text").map((b) => b.text)),
      };
    case "google": {
      const config = { ...asObject(kwargs.generation_config) };
      const system = config.system_instruction;
      delete config.system_instruction;
      const body: Json = { contents: kwargs.contents ?? kwargs.history, generationConfig: config };
      if (typeof system === "string") body.systemInstruction = { parts: [{ text: system }] };
      return {
        api: "google",
        path: `/v1beta/models/${encodeURIComponent(String(kwargs.model ?? model.name ?? "gemini"))}:generateContent`,
        functionName: "google.model.generate_content",
        headers: (key) => ({ "x-goog-api-key": key }),
        body,
        text: (r) => joinText(asArray(asObject(asObject(asArray(r.candidates)[0]).content).parts).filter(isObject).map((p) => p.text)),
      };
    }
    case "bedrock":
      throw new ModelCallError("The local backend has no Bedrock endpoint", "provider amazon.bedrock is not mocked");
  }
}

export interface ModelEndpoints {
  /** The backend's own URL, whose mock endpoints answer every call no account covers. */
  mockBaseUrl: string;
  providers: ResolvedProviders;
}

export async function callModel(endpoints: ModelEndpoints, model: ModelSettings, kwargs: Json, templateType: unknown, extraHeaders: Record<string, string> = {}): Promise<ModelCallResult> {
  const endpoint = endpointFor(model, kwargs, templateType);
  const provider = accountProvider(model, endpoint.api);
  const account = provider ? endpoints.providers[provider] : undefined;
  const base = account ? account.baseURL : endpoints.mockBaseUrl + MOCK_BASE[endpoint.api];
  const key = account ? account.apiKey : MOCK_KEY;
  // A provider's error text can quote the key (OpenAI's 401 does); it is stored in the node's result.
  const scrub = (text: string) => (account ? scrubCredentials(text, [key]) : text);
  let res: Response;
  try {
    res = await fetch(base + endpoint.path, {
      method: "POST",
      headers: { ...extraHeaders, "content-type": "application/json", ...endpoint.headers(key) },
      body: JSON.stringify(endpoint.body),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new ModelCallError(scrub(`Model call to ${base} failed: ${reason}`), scrub(String(error)));
  }
  const raw = await res.text();
  let response: Json = {};
  try {
    response = asObject(JSON.parse(raw));
  } catch {
    // reported below with the raw text
  }
  if (!res.ok) {
    const message = asObject(response.error).message;
    throw new ModelCallError(scrub(`Model call failed with HTTP ${res.status}: ${typeof message === "string" ? message : raw.slice(0, 200)}`), scrub(raw));
  }
  return { functionName: endpoint.functionName, endpoint: account ? provider! : "mock", kwargs: endpoint.body, response, text: endpoint.text(response) };
}
