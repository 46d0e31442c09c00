/** `messages.create` / `beta.messages.create`, and every helper that calls them. */
import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
  ATTR_ANTHROPIC_REQUEST_THINKING_BUDGET_TOKENS,
  ATTR_ANTHROPIC_REQUEST_THINKING_TYPE,
  ATTR_GEN_AI_REQUEST_REASONING_LEVEL,
  GEN_AI_OPERATION,
} from "../../src/semconv.js";
import { isObject, num, put, stopSequences, str, type Params } from "../genai/attributes.js";
import type { ModelCall, Usage } from "../genai/call.js";
import { toolNamesOnly, type MessagePart } from "../genai/content.js";
import type { ApiSurface, StreamAccumulator } from "../genai/traced-call.js";
import { blockParts, inputMessages, outputFinishReason, systemParts, toolDefinitions } from "./content.js";

/** Anthropic reports cache tokens beside input tokens; the conventions count them inside. */
export function anthropicUsage(u: unknown): Usage | undefined {
  if (!isObject(u)) return undefined;
  const uncached = num(u.input_tokens);
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheCreation = num(u.cache_creation_input_tokens);
  const input = uncached === undefined && cacheRead === undefined && cacheCreation === undefined ? undefined : (uncached ?? 0) + (cacheRead ?? 0) + (cacheCreation ?? 0);
  // Newer API versions break out thinking tokens (already inside output_tokens, as the conventions want).
  const details = isObject(u.output_tokens_details) ? u.output_tokens_details : undefined;
  return { input, output: num(u.output_tokens), cacheRead, cacheCreation, reasoning: details ? num(details.thinking_tokens) : undefined };
}

function outputType(p: Params): string | undefined {
  const format = isObject(p.output_config) ? p.output_config.format : isObject(p.output_format) ? p.output_format : undefined;
  return isObject(format) && format.type === "json_schema" ? "json" : undefined;
}

function recordMessage(call: ModelCall, m: Params): void {
  call.response({ id: str(m.id), model: str(m.model), finishReasons: m.stop_reason ? [String(m.stop_reason)] : undefined });
  const usage = anthropicUsage(m.usage);
  if (usage) call.setUsage(usage);
  if (call.capturesContent) {
    call.content({ outputMessages: [{ role: String(m.role ?? "assistant"), parts: blockParts(m.content), finish_reason: outputFinishReason(m.stop_reason) }] });
  }
}

export const messages: ApiSurface<Params, Params, Params> = {
  describe(p, settings) {
    const attributes: Attributes = {};
    put(attributes, ATTR_GEN_AI_REQUEST_MAX_TOKENS, p.max_tokens);
    put(attributes, ATTR_GEN_AI_REQUEST_TEMPERATURE, p.temperature);
    put(attributes, ATTR_GEN_AI_REQUEST_TOP_P, p.top_p);
    put(attributes, ATTR_GEN_AI_REQUEST_TOP_K, p.top_k);
    put(attributes, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, stopSequences(p.stop_sequences));
    if (p.stream === true) attributes[ATTR_GEN_AI_REQUEST_STREAM] = true;
    put(attributes, ATTR_GEN_AI_OUTPUT_TYPE, outputType(p));
    if (isObject(p.thinking)) {
      put(attributes, ATTR_ANTHROPIC_REQUEST_THINKING_TYPE, p.thinking.type);
      put(attributes, ATTR_ANTHROPIC_REQUEST_THINKING_BUDGET_TOKENS, p.thinking.budget_tokens);
    }
    // Latest conventions: the requested effort, as OpenAI's reasoning effort is.
    if (settings.latest && isObject(p.output_config)) put(attributes, ATTR_GEN_AI_REQUEST_REASONING_LEVEL, p.output_config.effort);
    if (!settings.captureContent && Array.isArray(p.tools) && p.tools.length) {
      attributes[ATTR_GEN_AI_TOOL_DEFINITIONS] = toolNamesOnly(toolDefinitions(p.tools));
    }
    return { operation: GEN_AI_OPERATION.chat, model: str(p.model), attributes };
  },

  inputContent(p) {
    return { systemInstructions: systemParts(p.system), inputMessages: inputMessages(p.messages), toolDefinitions: toolDefinitions(p.tools) };
  },

  recordResult: (call, m) => recordMessage(call, m),

  accumulate: (call) => new MessageStreamAccumulator(call),
};

interface Block {
  type: string;
  text: string[];
  id?: string;
  name?: string;
  json: string[];
}

/** Rebuilds the message from raw stream events (`message_start` … `message_stop`). */
class MessageStreamAccumulator implements StreamAccumulator<Params> {
  private message: Params = {};
  private usage: Params = {};
  private stopReason: unknown;
  private stopped = false;
  private readonly blocks = new Map<number, Block>();
  private readonly capture: boolean;

  constructor(private readonly call: ModelCall) {
    this.capture = call.capturesContent;
  }

  onChunk(event: Params): void {
    switch (event.type) {
      case "message_start":
        if (isObject(event.message)) {
          this.message = event.message;
          if (isObject(event.message.usage)) this.usage = { ...event.message.usage };
        }
        break;
      case "message_delta":
        if (isObject(event.delta) && event.delta.stop_reason) this.stopReason = event.delta.stop_reason;
        // message_delta usage is cumulative; it may restate input and cache counts.
        if (isObject(event.usage)) for (const [k, v] of Object.entries(event.usage)) if (v !== null && v !== undefined) this.usage[k] = v;
        break;
      case "message_stop":
        this.stopped = true;
        break;
      case "content_block_start":
        if (this.capture && isObject(event.content_block)) {
          const b = event.content_block;
          this.blocks.set(num(event.index) ?? this.blocks.size, { type: String(b.type), text: typeof b.text === "string" && b.text ? [b.text] : [], id: str(b.id), name: str(b.name), json: [] });
        }
        break;
      case "content_block_delta":
        if (this.capture && isObject(event.delta)) this.delta(this.blocks.get(num(event.index) ?? 0), event.delta);
        break;
    }
  }

  private delta(block: Block | undefined, d: Params): void {
    if (!block) return;
    if (d.type === "text_delta" && typeof d.text === "string") block.text.push(d.text);
    else if (d.type === "thinking_delta" && typeof d.thinking === "string") block.text.push(d.thinking);
    else if (d.type === "input_json_delta" && typeof d.partial_json === "string") block.json.push(d.partial_json);
  }

  finish(incomplete: boolean): void {
    // No message_stop: the stream was cut short, also when the SDK ends it quietly on an abort.
    const reason = this.stopReason ?? (incomplete || !this.stopped ? "error" : undefined);
    this.call.response({ id: str(this.message.id), model: str(this.message.model), finishReasons: reason ? [String(reason)] : undefined });
    const usage = anthropicUsage(this.usage);
    if (usage) this.call.setUsage(usage);
    if (!this.capture) return;
    const parts = [...this.blocks.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, b]): MessagePart => {
        if (b.type === "tool_use" || b.type === "server_tool_use") {
          const raw = b.json.join("");
          let input: unknown = raw;
          try {
            input = raw ? JSON.parse(raw) : {};
          } catch {
            // Keep the partial JSON as text.
          }
          return b.type === "tool_use"
            ? { type: "tool_call", id: b.id, name: b.name ?? "", arguments: input }
            : { type: "server_tool_call", id: b.id, name: b.name ?? "", server_tool_call: { input } };
        }
        if (b.type === "thinking") return { type: "reasoning", content: b.text.join("") };
        if (b.type === "text") return { type: "text", content: b.text.join("") };
        return { type: b.type };
      });
    this.call.content({ outputMessages: [{ role: "assistant", parts, finish_reason: outputFinishReason(reason) }] });
  }
}

