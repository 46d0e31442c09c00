/**
 * Gemini (Generative Language API), the simple subset: `POST /v1beta/models/{model}:generateContent`,
 * `:streamGenerateContent` (`?alt=sse` → `data: <GenerateContentResponse>` events; without it, one
 * JSON array of the same chunks) and `:countTokens`. Function calling via
 * `tools[].functionDeclarations` returns a `functionCall` part.
 */
import {
  countTokens,
  DEFAULT_STREAM_CHUNKS,
  hashChars,
  jsonForSchema,
  padForChunks,
  planTurn,
  splitText,
  toolText,
  truncateToTokens,
  type ToolSpec,
} from "./content.js";
import { asArray, asNumber, asObject, asString, bearerToken, headerValue, isObject, MockHttpError, sendJson, type Dialect, type Json, type MockContext } from "./http.js";
import { writeSse } from "./sse.js";

/**
 * `/v1beta/models/{model}:{method}` (the v1 surface has the same shape), and Vertex AI's
 * `/v1/projects/{p}/locations/{l}/publishers/google/models/{model}:{method}`.
 */
export const GEMINI_PATH = /^\/(v1beta|v1)\/(?:projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/)?models\/([^/:]+):([A-Za-z]+)$/;

function grpcStatus(status: number): string {
  const names: Record<number, string> = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    413: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
  };
  return names[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
}

export const geminiDialect: Dialect = {
  // Gemini reads the key from x-goog-api-key or ?key=; OAuth callers send a bearer token.
  authorized: (req, url) => headerValue(req, "x-goog-api-key") !== undefined || !!url.searchParams.get("key") || bearerToken(req) !== undefined,
  errorBody: (status, message) => ({ error: { code: status, message, status: grpcStatus(status) } }),
  requestId: (seed) => hashChars(seed, "request-id", 23),
};

function partText(part: Json): string {
  if (typeof part.text === "string") return part.text;
  if (isObject(part.functionCall)) return `${String(part.functionCall.name ?? "")} ${JSON.stringify(part.functionCall.args ?? {})}`;
  if (isObject(part.functionResponse)) return JSON.stringify(part.functionResponse.response ?? {});
  return "";
}

const partsOf = (content: unknown): Json[] => asArray(asObject(content).parts).filter(isObject);
const contentText = (content: unknown) => partsOf(content).map(partText).filter(Boolean).join("\n");

function geminiTools(tools: unknown): ToolSpec[] {
  return asArray(tools)
    .flatMap((t) => asArray(asObject(t).functionDeclarations))
    .filter(isObject)
    .map((d) => ({ name: String(d.name ?? ""), description: asString(d.description), schema: d.parametersJsonSchema ?? d.parameters ?? {} }));
}

function geminiToolChoice(toolConfig: unknown): string | undefined {
  const config = asObject(asObject(toolConfig).functionCallingConfig);
  if (config.mode === "NONE") return "none";
  return asString(asArray(config.allowedFunctionNames)[0]);
}

export async function handleGemini(ctx: MockContext, model: string, method: string): Promise<void> {
  const { body, seed, faults } = ctx;
  if (method !== "generateContent" && method !== "streamGenerateContent" && method !== "countTokens") {
    throw new MockHttpError(404, `Method ${method} is not found for model ${model} (supported: generateContent, streamGenerateContent, countTokens).`);
  }
  const contents = asArray(body.contents).filter(isObject);
  if (contents.length === 0) throw new MockHttpError(400, "* GenerateContentRequest.contents: contents is not specified");
  const tools = geminiTools(body.tools);
  const promptTokenCount = countTokens([contentText(body.systemInstruction), ...contents.map(contentText), ...tools.map(toolText)].filter(Boolean).join("\n"));
  if (method === "countTokens") return sendJson(ctx, 200, { totalTokens: promptTokenCount });

  const last = contents.at(-1)!;
  const responses = partsOf(last).filter((p) => isObject(p.functionResponse));
  const lastUser = [...contents].reverse().find((c) => (c.role ?? "user") === "user" && partsOf(c).some((p) => typeof p.text === "string"));
  const turn = planTurn({
    lastUserText: lastUser ? partsOf(lastUser).map((p) => (typeof p.text === "string" ? p.text : "")).join("") : "",
    toolResult: responses.length > 0 ? responses.map(partText).join("\n") : undefined,
    endsWithUser: (last.role ?? "user") === "user",
    tools,
    toolChoice: geminiToolChoice(body.toolConfig),
  });

  const config = asObject(body.generationConfig);
  const schema = config.responseJsonSchema ?? config.responseSchema;
  let parts: Json[];
  let finishReason = "STOP";
  if (turn.kind === "tool") {
    parts = [{ functionCall: { name: turn.name, args: turn.args } }];
  } else {
    const full = config.responseMimeType === "application/json" && schema !== undefined ? jsonForSchema(schema) : padForChunks(turn.text, faults.chunks);
    const cut = truncateToTokens(full, asNumber(config.maxOutputTokens));
    if (cut.truncated) finishReason = "MAX_TOKENS";
    parts = [{ text: cut.text }];
  }
  const candidatesTokenCount = countTokens(parts.map(partText).join(""));
  const usageMetadata = { promptTokenCount, candidatesTokenCount, totalTokenCount: promptTokenCount + candidatesTokenCount };
  const envelope = { modelVersion: model, responseId: hashChars(seed, "response-id", 23) };

  if (method === "generateContent") {
    return sendJson(ctx, 200, { candidates: [{ content: { role: "model", parts }, finishReason, index: 0 }], usageMetadata, ...envelope });
  }
  // Streams: text arrives in pieces; the last chunk carries finishReason and the full usage.
  const pieces = typeof parts[0]?.text === "string" ? splitText(parts[0].text, faults.chunks ?? DEFAULT_STREAM_CHUNKS).map((text) => [{ text }]) : [parts];
  const chunks = pieces.map((chunkParts, i) => {
    const final = i === pieces.length - 1;
    return {
      candidates: [{ content: { role: "model", parts: chunkParts }, ...(final && { finishReason }), index: 0 }],
      usageMetadata: final ? usageMetadata : { promptTokenCount, totalTokenCount: promptTokenCount },
      ...envelope,
    };
  });
  if (ctx.url.searchParams.get("alt") === "sse") return writeSse(ctx, chunks.map((data) => ({ data })));
  return sendJson(ctx, 200, chunks);
}
