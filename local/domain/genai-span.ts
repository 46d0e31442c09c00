/**
 * GenAI spans → request logs, the way the service maps them (CONTRACT §2.8): model, provider,
 * input/output from `gen_ai.input.messages` / `gen_ai.output.messages` (JSON strings or structured
 * values), tokens, prompt linkage from `promptlayer.prompt.*`, metadata from
 * `promptlayer.metadata.<k>`, `user.id`/`enduser.id`, `session.id` and `gen_ai.conversation.id`.
 */
import type { AttributeMap, ReceivedSpan } from "../otlp/decode.js";
import { blueprintMessage, chatTemplate } from "./blueprint.js";
import { asArray, asCount, asString, isObject, maybeParse, type Json } from "./json.js";

/** Operations that are model calls worth a request log (embeddings, tools and agents are not). */
export const LOGGED_OPERATIONS = ["chat", "text_completion", "generate_content"];

const PROVIDERS: Record<string, string> = {
  openai: "openai",
  "azure.ai.openai": "openai.azure",
  "az.ai.openai": "openai.azure",
  anthropic: "anthropic",
  "aws.bedrock": "amazon.bedrock",
  "gcp.gemini": "google",
  "gcp.gen_ai": "google",
  "gcp.vertex_ai": "vertexai",
  mistral_ai: "mistral",
  openrouter: "openrouter",
};

export function providerOf(attrs: AttributeMap): string | undefined {
  const raw = asString(attrs["gen_ai.provider.name"]) ?? asString(attrs["gen_ai.system"]);
  return raw === undefined ? undefined : (PROVIDERS[raw] ?? raw);
}

/** A model call that should become a request log (managed or not). */
export function isGenAiCall(span: ReceivedSpan): boolean {
  const op = asString(span.attributes["gen_ai.operation.name"]);
  return op !== undefined && LOGGED_OPERATIONS.includes(op) && providerOf(span.attributes) !== undefined;
}

/** `promptlayer.request_log.managed=true`: `run()` already logged this call through track-request. */
export function isManaged(span: ReceivedSpan): boolean {
  const v = span.attributes["promptlayer.request_log.managed"];
  return v === true || v === "true";
}

export function managedSpanId(span: ReceivedSpan): string | undefined {
  return asString(span.attributes["promptlayer.request_log.span_id"])?.toLowerCase();
}

function partsToContent(parts: unknown): { content: unknown[]; toolCalls: Json[]; toolResponses: Json[] } {
  const content: unknown[] = [];
  const toolCalls: Json[] = [];
  const toolResponses: Json[] = [];
  for (const p of asArray(parts).filter(isObject)) {
    switch (p.type) {
      case "text":
        content.push({ type: "text", text: String(p.content ?? ""), id: null, annotations: null });
        break;
      case "reasoning":
        content.push({ type: "thinking", thinking: String(p.content ?? ""), signature: null });
        break;
      case "tool_call":
        toolCalls.push({ id: p.id ?? null, type: "function", function: { name: p.name, arguments: typeof p.arguments === "string" ? p.arguments : JSON.stringify(p.arguments ?? {}) } });
        break;
      case "tool_call_response":
        toolResponses.push({ id: p.id ?? null, response: p.response ?? p.result });
        break;
      case "uri":
        if (p.modality === "image") content.push({ type: "image_url", image_url: { url: String(p.uri) } });
        break;
      case "blob":
        if (p.modality === "image") content.push({ type: "image_url", image_url: { url: `data:${String(p.mime_type ?? "image/png")};base64,${String(p.content)}` } });
        break;
    }
  }
  return { content, toolCalls, toolResponses };
}

function toMessages(raw: unknown, defaultRole: string): Json[] {
  return asArray(maybeParse(raw)).filter(isObject).flatMap((m): Json[] => {
    const role = asString(m.role) ?? defaultRole;
    const { content, toolCalls, toolResponses } = partsToContent(m.parts);
    if (toolResponses.length) {
      return toolResponses.map((r) => blueprintMessage("tool", [{ type: "text", text: typeof r.response === "string" ? r.response : JSON.stringify(r.response ?? null) }], { tool_call_id: r.id }));
    }
    if (role === "assistant") return [blueprintMessage(role, content, { tool_calls: toolCalls.length ? toolCalls : null })];
    return [blueprintMessage(role, content)];
  });
}

const REQUEST_PARAMETERS: Record<string, string> = {
  "gen_ai.request.temperature": "temperature",
  "gen_ai.request.max_tokens": "max_tokens",
  "gen_ai.request.top_p": "top_p",
  "gen_ai.request.top_k": "top_k",
  "gen_ai.request.frequency_penalty": "frequency_penalty",
  "gen_ai.request.presence_penalty": "presence_penalty",
  "gen_ai.request.stop_sequences": "stop",
  "gen_ai.request.seed": "seed",
  "gen_ai.request.choice.count": "n",
  "gen_ai.request.stream": "stream",
};

function functionNameOf(provider: string, op: string, apiType: string | undefined): string {
  if (provider.startsWith("anthropic")) return op === "text_completion" ? "anthropic.completions.create" : "anthropic.messages.create";
  if (provider === "google" || provider === "vertexai") return "google.model.generate_content";
  if (provider.startsWith("openai")) {
    if (apiType === "responses") return "openai.responses.create";
    return op === "text_completion" ? "openai.completions.create" : "openai.chat.completions.create";
  }
  return `${provider}.${op}`;
}

/** Nanoseconds since the epoch as ISO 8601. The decoder admits only uint64 values (until 2554), all within `Date`'s range. */
const nanosToIso = (nanos: string): string => new Date(Number(BigInt(nanos) / 1_000_000n)).toISOString();

export interface SpanRequestLog {
  providerType: string;
  engine: string | null;
  functionName: string;
  functionKwargs: Json;
  requestResponse: Json;
  promptTemplate: Json;
  parameters: Json;
  requestStartTime: string;
  requestEndTime: string;
  inputTokens: number;
  outputTokens: number;
  promptName: string | undefined;
  promptId: number | undefined;
  promptVersion: number | undefined;
  tags: string[];
  metadata: Record<string, string>;
  status: "SUCCESS" | "ERROR";
  errorType: string | null;
  errorMessage: string | null;
}

/** The request log a GenAI span describes. Call only for spans where `isGenAiCall` holds. */
export function requestLogFromSpan(span: ReceivedSpan): SpanRequestLog {
  const a = span.attributes;
  const provider = providerOf(a) ?? "unknown";
  const op = asString(a["gen_ai.operation.name"]) ?? "chat";
  const input: Json[] = [];
  const system = maybeParse(a["gen_ai.system_instructions"]);
  if (Array.isArray(system)) {
    const { content } = partsToContent(system);
    if (content.length) input.push(blueprintMessage("system", content));
  }
  input.push(...toMessages(a["gen_ai.input.messages"], "user"));
  const output = toMessages(a["gen_ai.output.messages"], "assistant");
  const parameters: Json = {};
  for (const [attr, key] of Object.entries(REQUEST_PARAMETERS)) if (a[attr] !== undefined && a[attr] !== null) parameters[key] = a[attr];

  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) {
    if (k.startsWith("promptlayer.metadata.") && v !== null) metadata[k.slice("promptlayer.metadata.".length)] = typeof v === "string" ? v : JSON.stringify(v);
  }
  for (const key of ["user.id", "enduser.id", "session.id", "gen_ai.conversation.id"]) {
    const v = a[key];
    if (v !== undefined && v !== null) metadata[key] = String(v);
  }
  const version = positiveCount(a["promptlayer.prompt.version"]);
  const failed = span.status.code === 2;
  const model = asString(a["gen_ai.response.model"]) ?? asString(a["gen_ai.request.model"]) ?? null;
  return {
    providerType: provider,
    engine: model,
    functionName: functionNameOf(provider, op, asString(a["openai.api.type"])),
    functionKwargs: { model: asString(a["gen_ai.request.model"]) ?? model, messages: input, ...parameters },
    requestResponse: { id: a["gen_ai.response.id"] ?? null, model, output, finish_reasons: a["gen_ai.response.finish_reasons"] ?? null },
    promptTemplate: chatTemplate([...input, ...output]),
    parameters,
    requestStartTime: nanosToIso(span.startTimeUnixNano),
    requestEndTime: nanosToIso(span.endTimeUnixNano),
    inputTokens: asCount(a["gen_ai.usage.input_tokens"]) ?? 0,
    outputTokens: asCount(a["gen_ai.usage.output_tokens"]) ?? 0,
    promptName: asString(a["promptlayer.prompt.name"]),
    promptId: positiveCount(a["promptlayer.prompt.id"]),
    promptVersion: version,
    tags: asArray(a["promptlayer.tags"]).map(String),
    metadata,
    status: failed ? "ERROR" : "SUCCESS",
    errorType: failed ? "UNKNOWN_ERROR" : null,
    errorMessage: failed ? (span.status.message ?? asString(a["error.type"]) ?? "error").slice(0, 1024) : null,
  };
}

/** A version or id: a positive count, also when sent as a numeric string (ids are strings in spans). */
function positiveCount(v: unknown): number | undefined {
  return asCount(typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v, 1);
}
