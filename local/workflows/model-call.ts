/**
 * Calls a model with `llm_kwargs` — for workflow prompt nodes — on the backend's own mock model
 * endpoints, over HTTP like any client would, and reads the reply text back.
 */
import { asArray, asObject, isObject, type Json } from "../domain/json.js";
import { dialectFor, type ModelSettings } from "../domain/llm-kwargs.js";

export interface ModelCallResult {
  functionName: string;
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
  path: string;
  functionName: string;
  headers: Record<string, string>;
  body: Json;
  text: (response: Json) => string;
}

const joinText = (parts: unknown[]) => parts.filter((p): p is string => typeof p === "string").join("");

function endpointFor(model: ModelSettings, kwargs: Json, templateType: unknown): Endpoint {
  const bearer = { authorization: "Bearer promptlayer-local" };
  switch (dialectFor(model, templateType)) {
    case "openai-chat":
      return {
        path: "/v1/chat/completions",
        functionName: "openai.chat.completions.create",
        headers: bearer,
        body: kwargs,
        text: (r) => joinText([asObject(asObject(asArray(r.choices)[0]).message).content]),
      };
    case "openai-responses":
      return {
        path: "/v1/responses",
        functionName: "openai.responses.create",
        headers: bearer,
        body: kwargs,
        text: (r) =>
          joinText(asArray(r.output).filter(isObject).filter((o) => o.type === "message").flatMap((o) => asArray(o.content).filter(isObject).map((c) => c.text))),
      };
    case "openai-completions":
      return { path: "/v1/completions", functionName: "openai.completions.create", headers: bearer, body: kwargs, text: (r) => joinText([asObject(asArray(r.choices)[0]).text]) };
    case "anthropic":
      return {
        path: "/v1/messages",
        functionName: "anthropic.messages.create",
        headers: { "x-api-key": "promptlayer-local", "anthropic-version": "2023-06-01" },
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
        path: `/v1beta/models/${encodeURIComponent(String(kwargs.model ?? model.name ?? "gemini"))}:generateContent`,
        functionName: "google.model.generate_content",
        headers: { "x-goog-api-key": "promptlayer-local" },
        body,
        text: (r) => joinText(asArray(asObject(asObject(asArray(r.candidates)[0]).content).parts).filter(isObject).map((p) => p.text)),
      };
    }
    case "bedrock":
      throw new ModelCallError("The local backend has no Bedrock endpoint", "provider amazon.bedrock is not mocked");
  }
}

export async function callModel(baseUrl: string, model: ModelSettings, kwargs: Json, templateType: unknown, extraHeaders: Record<string, string> = {}): Promise<ModelCallResult> {
  const endpoint = endpointFor(model, kwargs, templateType);
  const res = await fetch(baseUrl + endpoint.path, {
    method: "POST",
    headers: { ...extraHeaders, "content-type": "application/json", ...endpoint.headers },
    body: JSON.stringify(endpoint.body),
    signal: AbortSignal.timeout(60_000),
  });
  const raw = await res.text();
  let response: Json = {};
  try {
    response = asObject(JSON.parse(raw));
  } catch {
    // reported below with the raw text
  }
  if (!res.ok) {
    const message = asObject(response.error).message;
    throw new ModelCallError(`Model call failed with HTTP ${res.status}: ${typeof message === "string" ? message : raw.slice(0, 200)}`, raw);
  }
  return { functionName: endpoint.functionName, kwargs: endpoint.body, response, text: endpoint.text(response) };
}
