/**
 * Gemini through its REST API (`generateContent`, `streamGenerateContent?alt=sse`) with `fetch`,
 * so `run()` needs no Google SDK. `llm_kwargs` arrive in the Python SDK's snake_case shape
 * (`history` or `contents`, `generation_config` holding `system_instruction`, tools…); the REST
 * body is camelCase with those settings at the top level.
 */
import { PromptLayerConfigError } from "../../errors.js";
import type { ProviderEnvironment } from "../../config.js";
import type { JsonObject } from "../types.js";
import { isPlainObject } from "../validate.js";
import { traceGeminiCall } from "./gemini-span.js";
import { vertexAccessToken } from "./google-auth.js";

/** A non-2xx answer from Gemini. `status` drives the logged `error_type`. */
export class GeminiAPIError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, message: string, body: unknown) {
    super(`Gemini API ${status}: ${message}`);
    this.name = "GeminiAPIError";
    this.status = status;
    this.body = body;
  }
}

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Keys to camelCase, except user-named keys: JSON-schema `properties` and function declarations' contents. */
export function camelCaseKeys(value: unknown, preserveChildren = false): unknown {
  if (Array.isArray(value)) return value.map((v) => camelCaseKeys(v, preserveChildren));
  if (!isPlainObject(value)) return value;
  if (preserveChildren) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const keep = k === "properties" || k === "function_declarations" || k === "functionDeclarations" || k === "response_schema" || k === "parameters";
    out[camel(k)] = keep ? v : camelCaseKeys(v);
  }
  return out;
}

function asContent(v: unknown): unknown {
  if (typeof v === "string") return { parts: [{ text: v }] };
  if (Array.isArray(v)) return { parts: v };
  return v;
}

/** Top-level request fields that the Python SDK keeps inside its config object. */
const TOP_LEVEL = ["systemInstruction", "tools", "toolConfig", "safetySettings", "cachedContent", "labels"];

export function geminiRequestBody(kwargs: JsonObject): JsonObject {
  const k = camelCaseKeys(kwargs) as JsonObject;
  let contents = k.contents ?? k.history;
  if (typeof contents === "string") contents = [{ role: "user", parts: [{ text: contents }] }];
  const config: JsonObject = { ...(isPlainObject(k.generationConfig) ? k.generationConfig : {}), ...(isPlainObject(k.config) ? k.config : {}) };
  const body: JsonObject = { contents };
  for (const key of TOP_LEVEL) {
    const v = k[key] ?? config[key];
    delete config[key];
    if (v !== undefined && v !== null) body[key] = key === "systemInstruction" ? asContent(v) : v;
  }
  if (Object.keys(config).length) body.generationConfig = config;
  return body;
}

function modelPath(model: string): string {
  return encodeURIComponent(model.replace(/^models\//, ""));
}

async function errorFrom(res: Response): Promise<GeminiAPIError> {
  const text = await res.text().catch(() => "");
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const message = (isPlainObject(body) && isPlainObject(body.error) && typeof body.error.message === "string" ? body.error.message : text) || res.statusText;
  return new GeminiAPIError(res.status, message, body);
}

/** `data: {…}` events of an SSE body. */
async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.search(/\r?\n\r?\n/)) !== -1) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, "");
        const data = event
          .split(/\r?\n/)
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trimStart())
          .join("\n");
        if (data) yield JSON.parse(data);
      }
    }
    if (buffer.trim().startsWith("data:")) yield JSON.parse(buffer.trim().slice(5));
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Where the call goes and how it authenticates: the Gemini API with a key, or Vertex AI. */
async function endpoint(model: string, stream: boolean, env: ProviderEnvironment["google"], fetchImpl: typeof fetch): Promise<{ url: string; headers: Record<string, string> }> {
  const method = stream ? "streamGenerateContent?alt=sse" : "generateContent";
  if (env.apiKey) return { url: `${env.baseURL}/v1beta/models/${modelPath(model)}:${method}`, headers: { "x-goog-api-key": env.apiKey } };
  const { project, location = "us-central1", credentials, baseURL } = env.vertex;
  if (!project || !credentials) {
    throw new PromptLayerConfigError(
      "GOOGLE_API_KEY",
      undefined,
      "a Gemini API key (GOOGLE_API_KEY or GEMINI_API_KEY), or Vertex AI settings: a project (VERTEX_AI_PROJECT_ID / GOOGLE_CLOUD_PROJECT) and GOOGLE_APPLICATION_CREDENTIALS",
    );
  }
  const host = baseURL ?? (location === "global" ? "https://aiplatform.googleapis.com" : `https://${location}-aiplatform.googleapis.com`);
  const token = await vertexAccessToken(credentials, fetchImpl);
  return {
    url: `${host}/v1/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}/publishers/google/models/${modelPath(model)}:${method}`,
    headers: { authorization: `Bearer ${token}` },
  };
}

export async function callGemini(kwargs: JsonObject, stream: boolean, env: ProviderEnvironment["google"], fetchImpl: typeof fetch = fetch): Promise<unknown> {
  const model = typeof kwargs.model === "string" ? kwargs.model : undefined;
  if (!model) throw new PromptLayerConfigError("llm_kwargs.model", kwargs.model, "a Gemini model name");
  const { url, headers } = await endpoint(model, stream, env, fetchImpl);
  const body = geminiRequestBody(kwargs);
  return traceGeminiCall({ model, vertex: !env.apiKey, url, body, stream }, async () => {
    const res = await fetchImpl(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    if (!res.ok) throw await errorFrom(res);
    if (!stream) return res.json();
    if (!res.body) throw new GeminiAPIError(res.status, "streaming answer without a body", null);
    return sseEvents(res.body);
  });
}
