/**
 * The GenAI span of a Gemini call made by `run()`. Gemini goes through its REST API with no SDK
 * (so no instrumentation sees it); this records the same conventions span the OpenAI and
 * Anthropic instrumentations do — operation `generate_content`, provider `gcp.gemini` or
 * `gcp.vertex_ai`, request parameters, response id/model/finish reasons, usage, content under
 * the capture switch — inside `run()`'s context, so it carries the registry prompt.
 */
import { context } from "@opentelemetry/api";
import { isObject, list, num, put, str, type Params } from "../../../instrumentations/genai/attributes.js";
import { ModelCall } from "../../../instrumentations/genai/call.js";
import type { InputMessage, MessagePart, OutputMessage } from "../../../instrumentations/genai/content.js";
import { integrationSettings } from "../../integrations/genai-settings.js";
import {
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER,
} from "../../semconv.js";
import { getTracer } from "../../tracing/tracer.js";

export interface GeminiCall {
  model: string;
  vertex: boolean;
  url: string;
  /** The REST request body (camelCase). */
  body: Params;
  stream: boolean;
}

const ROLE: Record<string, string> = { model: "assistant", user: "user", function: "tool" };
/** Gemini's finish reasons in the conventions' vocabulary. */
const FINISH: Record<string, string> = { STOP: "stop", MAX_TOKENS: "length", SAFETY: "content_filter", RECITATION: "content_filter", BLOCKLIST: "content_filter", PROHIBITED_CONTENT: "content_filter", SPII: "content_filter" };

function parts(content: unknown): MessagePart[] {
  const out: MessagePart[] = [];
  for (const p of list(isObject(content) ? content.parts : undefined)) {
    if (!isObject(p)) continue;
    if (typeof p.text === "string") out.push({ type: p.thought === true ? "reasoning" : "text", content: p.text });
    else if (isObject(p.functionCall)) out.push({ type: "tool_call", name: str(p.functionCall.name) ?? "", arguments: p.functionCall.args });
    else if (isObject(p.functionResponse)) out.push({ type: "tool_call_response", response: p.functionResponse.response });
    else if (isObject(p.inlineData)) out.push({ type: "blob", modality: "image", mime_type: str(p.inlineData.mimeType), content: str(p.inlineData.data) ?? "" });
  }
  return out;
}

function requestAttributes(call: GeminiCall): Params {
  const attrs: Record<string, string | number | boolean | string[]> = { [ATTR_GEN_AI_REQUEST_STREAM]: call.stream };
  const config = isObject(call.body.generationConfig) ? call.body.generationConfig : {};
  put(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, num(config.temperature));
  put(attrs, ATTR_GEN_AI_REQUEST_TOP_P, num(config.topP));
  put(attrs, ATTR_GEN_AI_REQUEST_TOP_K, num(config.topK));
  put(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, num(config.maxOutputTokens));
  put(attrs, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, config.stopSequences);
  return attrs;
}

function serverOf(url: string): { address: string; port: number } | undefined {
  try {
    const u = new URL(url);
    return { address: u.hostname, port: u.port ? Number(u.port) : u.protocol === "http:" ? 80 : 443 };
  } catch {
    return undefined;
  }
}

function startCall(call: GeminiCall): ModelCall {
  const model = call.model.replace(/^models\//, "");
  const modelCall = ModelCall.start(getTracer(), integrationSettings({}), undefined, {
    operation: GEN_AI_OPERATION.generateContent,
    provider: call.vertex ? GEN_AI_PROVIDER.gcpVertexAI : GEN_AI_PROVIDER.gcpGemini,
    model,
    server: serverOf(call.url),
    attributes: requestAttributes(call) as Record<string, string | number | boolean | string[]>,
  });
  if (modelCall.capturesContent) {
    const inputMessages: InputMessage[] = list(call.body.contents).map((c) => ({ role: ROLE[str(isObject(c) ? c.role : undefined) ?? "user"] ?? "user", parts: parts(c) }));
    const system = parts(call.body.systemInstruction);
    modelCall.content({ inputMessages, ...(system.length ? { systemInstructions: system } : {}) });
  }
  return modelCall;
}

/** Records what one response (or the last streamed chunk seen so far) says. */
function recordResponse(call: ModelCall, response: unknown, output: OutputMessage[] | undefined): void {
  if (!isObject(response)) return;
  const candidates = list(response.candidates).filter(isObject);
  const reasons = candidates.map((c) => str(c.finishReason)).filter((r): r is string => r !== undefined);
  call.response({ id: str(response.responseId), model: str(response.modelVersion), finishReasons: reasons.length ? reasons.map((r) => FINISH[r] ?? r.toLowerCase()) : undefined });
  const usage = isObject(response.usageMetadata) ? response.usageMetadata : undefined;
  if (usage) {
    call.setUsage({
      input: num(usage.promptTokenCount),
      output: num(usage.candidatesTokenCount) !== undefined || num(usage.thoughtsTokenCount) !== undefined ? (num(usage.candidatesTokenCount) ?? 0) + (num(usage.thoughtsTokenCount) ?? 0) : undefined,
      cacheRead: num(usage.cachedContentTokenCount),
      reasoning: num(usage.thoughtsTokenCount),
    });
  }
  if (output && call.capturesContent) call.content({ outputMessages: output });
}

function outputOf(candidates: unknown[]): OutputMessage[] {
  return candidates.filter(isObject).map((c) => ({ role: "assistant", parts: parts(c.content), finish_reason: FINISH[str(c.finishReason) ?? ""] ?? "stop" }));
}

/** Runs the HTTP call in the span's context; a stream is handed back wrapped so the span covers it. */
export async function traceGeminiCall(call: GeminiCall, invoke: () => Promise<unknown>): Promise<unknown> {
  let modelCall: ModelCall | undefined;
  try {
    modelCall = startCall(call);
  } catch {
    return invoke(); // tracing must never stop the call
  }
  const active = modelCall;
  let result: unknown;
  try {
    result = await context.with(active.context, invoke);
  } catch (error) {
    active.fail(error);
    throw error;
  }
  if (!call.stream) {
    try {
      recordResponse(active, result, isObject(result) ? outputOf(list(result.candidates)) : undefined);
    } catch {
      // An answer we cannot read for telemetry is still the caller's answer.
    } finally {
      active.end();
    }
    return result;
  }
  return observeStream(result as AsyncGenerator<unknown>, active);
}

/** Streamed chunks each carry their own delta; the text is joined per candidate for the output message. */
async function* observeStream(events: AsyncGenerator<unknown>, call: ModelCall): AsyncGenerator<unknown> {
  let last: unknown;
  const texts: string[] = [];
  let finished = false;
  try {
    for await (const event of events) {
      call.chunk();
      last = event;
      if (isObject(event)) {
        const first = list(event.candidates).find(isObject);
        for (const p of parts(first?.content)) if (p.type === "text") texts.push(String(p.content));
        if (first?.finishReason) finished = true;
      }
      yield event;
    }
    try {
      const candidate = isObject(last) ? list(last.candidates).find(isObject) : undefined;
      const output: OutputMessage[] = [{ role: "assistant", parts: [{ type: "text", content: texts.join("") }], finish_reason: FINISH[str(candidate?.finishReason) ?? ""] ?? "stop" }];
      recordResponse(call, last, output);
      if (!finished) call.response({ finishReasons: ["error"] });
    } catch {
      // Telemetry only: the stream itself completed.
    }
    call.end();
  } catch (error) {
    call.fail(error);
    throw error;
  } finally {
    // Left early (break / return): the answer is incomplete.
    if (!call.isEnded) {
      call.response({ finishReasons: ["error"] });
      call.end();
    }
  }
}
