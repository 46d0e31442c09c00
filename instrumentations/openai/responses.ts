/** `responses.create` (and `responses.parse`, `responses.stream()`). The Responses API maps to `chat`. */
import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_REASONING_LEVEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
  ATTR_OPENAI_API_TYPE,
  ATTR_OPENAI_REQUEST_SERVICE_TIER,
  ATTR_OPENAI_RESPONSE_SERVICE_TIER,
  GEN_AI_OPERATION,
} from "../../src/semconv.js";
import { isObject, list, put, str, type Params } from "../genai/attributes.js";
import type { ModelCall } from "../genai/call.js";
import { mediaPart, parseArguments, toolNamesOnly, type InputMessage, type MessagePart } from "../genai/content.js";
import type { ApiSurface, StreamAccumulator } from "../genai/traced-call.js";
import { openAIUsage, outputType } from "./chat.js";
import { toolDefinitions } from "./messages.js";

function inputParts(content: unknown): MessagePart[] {
  if (typeof content === "string") return [{ type: "text", content }];
  const parts: MessagePart[] = [];
  for (const p of list(content)) {
    if (!isObject(p)) continue;
    if (p.type === "input_text" || p.type === "output_text") parts.push({ type: "text", content: String(p.text ?? "") });
    else if (p.type === "refusal") parts.push({ type: "refusal", content: String(p.refusal ?? "") });
    else if (p.type === "input_image" && str(p.image_url)) parts.push(mediaPart(String(p.image_url), "image"));
    else if ((p.type === "input_image" || p.type === "input_file") && str(p.file_id)) {
      parts.push({ type: "file", modality: p.type === "input_image" ? "image" : "document", file_id: String(p.file_id) });
    } else if (p.type === "input_file" && str(p.file_data)) parts.push(mediaPart(String(p.file_data), "document"));
    else if (p.type === "input_file" && str(p.file_url)) parts.push(mediaPart(String(p.file_url), "document"));
    else parts.push({ type: String(p.type ?? "unknown") });
  }
  return parts;
}

function reasoningText(item: Params): string {
  return list(item.summary)
    .map((s) => (isObject(s) && typeof s.text === "string" ? s.text : ""))
    .join("\n");
}

/** One input or output item as message parts with the role it belongs to. */
function itemMessage(item: Params): InputMessage {
  switch (item.type) {
    case "function_call":
      return { role: "assistant", parts: [{ type: "tool_call", id: str(item.call_id), name: String(item.name ?? ""), arguments: parseArguments(item.arguments) }] };
    case "function_call_output":
      return { role: "tool", parts: [{ type: "tool_call_response", id: str(item.call_id), response: item.output }] };
    case "reasoning":
      return { role: "assistant", parts: [{ type: "reasoning", content: reasoningText(item) }] };
    case undefined:
    case "message":
      return { role: String(item.role ?? "user"), parts: inputParts(item.content) };
    default:
      return { role: "assistant", parts: [{ type: "server_tool_call", id: str(item.id), name: String(item.type), server_tool_call: { type: item.type } }] };
  }
}

function outputParts(output: unknown): MessagePart[] {
  return list(output)
    .filter(isObject)
    .flatMap((item) => itemMessage(item).parts);
}

function finishReason(r: Params): string {
  const incomplete = isObject(r.incomplete_details) ? r.incomplete_details.reason : undefined;
  if (incomplete === "max_output_tokens") return "length";
  if (typeof incomplete === "string") return incomplete;
  if (r.status === "failed") return "error";
  if (list(r.output).some((o) => isObject(o) && o.type === "function_call")) return "tool_call";
  return "stop";
}

function recordResponse(call: ModelCall, r: Params): void {
  const reason = finishReason(r);
  call.response({ id: str(r.id), model: str(r.model), finishReasons: [reason] });
  const usage = openAIUsage(r.usage);
  if (usage) call.setUsage(usage);
  if (str(r.service_tier)) call.span.setAttribute(ATTR_OPENAI_RESPONSE_SERVICE_TIER, String(r.service_tier));
  if (call.capturesContent) call.content({ outputMessages: [{ role: "assistant", parts: outputParts(r.output), finish_reason: reason }] });
}

export const responses: ApiSurface<Params, Params, Params> = {
  describe(p, settings) {
    const attributes: Attributes = { [ATTR_OPENAI_API_TYPE]: "responses" };
    put(attributes, ATTR_GEN_AI_REQUEST_MAX_TOKENS, p.max_output_tokens);
    put(attributes, ATTR_GEN_AI_REQUEST_TEMPERATURE, p.temperature);
    put(attributes, ATTR_GEN_AI_REQUEST_TOP_P, p.top_p);
    if (p.stream === true) attributes[ATTR_GEN_AI_REQUEST_STREAM] = true;
    put(attributes, ATTR_GEN_AI_OUTPUT_TYPE, outputType(isObject(p.text) ? p.text.format : undefined));
    if (str(p.service_tier) && p.service_tier !== "auto") attributes[ATTR_OPENAI_REQUEST_SERVICE_TIER] = String(p.service_tier);
    if (settings.latest && isObject(p.reasoning)) put(attributes, ATTR_GEN_AI_REQUEST_REASONING_LEVEL, p.reasoning.effort);
    if (!settings.captureContent && Array.isArray(p.tools) && p.tools.length) {
      attributes[ATTR_GEN_AI_TOOL_DEFINITIONS] = toolNamesOnly(toolDefinitions(p.tools));
    }
    return { operation: GEN_AI_OPERATION.chat, model: str(p.model), attributes };
  },

  inputContent(p) {
    const input = typeof p.input === "string" ? [{ role: "user", parts: [{ type: "text", content: p.input }] }] : list(p.input).filter(isObject).map(itemMessage);
    return {
      systemInstructions: typeof p.instructions === "string" ? [{ type: "text", content: p.instructions }] : undefined,
      inputMessages: input,
      toolDefinitions: toolDefinitions(p.tools),
    };
  },

  recordResult: (call, r) => recordResponse(call, r),

  accumulate: (call) => new ResponseStreamAccumulator(call),
};

/** Streamed events end with the whole Response (completed, incomplete or failed): record from it. */
class ResponseStreamAccumulator implements StreamAccumulator<Params> {
  private final: Params | undefined;
  private id: string | undefined;
  private model: string | undefined;

  constructor(private readonly call: ModelCall) {}

  onChunk(event: Params): void {
    if (!isObject(event.response)) return;
    if (event.type === "response.completed" || event.type === "response.incomplete" || event.type === "response.failed") {
      this.final = event.response;
    } else {
      this.id ??= str(event.response.id);
      this.model ??= str(event.response.model);
    }
  }

  finish(): void {
    if (this.final) recordResponse(this.call, this.final);
    // No final Response: the stream was cut short, also when the SDK ends it quietly on an abort.
    else this.call.response({ id: this.id, model: this.model, finishReasons: ["error"] });
  }
}
