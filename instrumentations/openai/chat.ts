/** `chat.completions.create` (and every helper that calls it). */
import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_REASONING_LEVEL,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
  ATTR_OPENAI_API_TYPE,
  ATTR_OPENAI_REQUEST_SERVICE_TIER,
  ATTR_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT,
  GEN_AI_OPERATION,
} from "../../src/semconv.js";
import { isObject, list, num, put, stopSequences, str, type Params } from "../genai/attributes.js";
import type { ModelCall, Usage } from "../genai/call.js";
import { parseArguments, toolNamesOnly, type MessagePart, type OutputMessage } from "../genai/content.js";
import type { ApiSurface, StreamAccumulator } from "../genai/traced-call.js";
import { assistantParts, chatInputMessages, outputFinishReason, toolDefinitions } from "./messages.js";

export function outputType(format: unknown): string | undefined {
  const type = isObject(format) ? format.type : undefined;
  if (type === "json_object" || type === "json_schema") return "json";
  if (type === "text") return "text";
  return undefined;
}

/** OpenAI usage (chat: prompt/completion; responses: input/output) → conventions' usage. */
export function openAIUsage(u: unknown): Usage | undefined {
  if (!isObject(u)) return undefined;
  const inDetails = isObject(u.prompt_tokens_details) ? u.prompt_tokens_details : isObject(u.input_tokens_details) ? u.input_tokens_details : {};
  const outDetails = isObject(u.completion_tokens_details) ? u.completion_tokens_details : isObject(u.output_tokens_details) ? u.output_tokens_details : {};
  return {
    input: num(u.prompt_tokens) ?? num(u.input_tokens),
    output: num(u.completion_tokens) ?? num(u.output_tokens),
    cacheRead: num(inDetails.cached_tokens),
    reasoning: num(outDetails.reasoning_tokens),
  };
}

function responseExtras(call: ModelCall, r: Params): void {
  if (str(r.service_tier)) call.span.setAttribute(ATTR_OPENAI_RESPONSE_SERVICE_TIER, String(r.service_tier));
  if (str(r.system_fingerprint)) call.span.setAttribute(ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT, String(r.system_fingerprint));
}

/** Sampling parameters shared by chat and legacy completions. */
export function putSampling(attributes: Attributes, p: Params, maxTokens: unknown): void {
  put(attributes, ATTR_GEN_AI_REQUEST_MAX_TOKENS, maxTokens);
  put(attributes, ATTR_GEN_AI_REQUEST_TEMPERATURE, p.temperature);
  put(attributes, ATTR_GEN_AI_REQUEST_TOP_P, p.top_p);
  put(attributes, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, p.frequency_penalty);
  put(attributes, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, p.presence_penalty);
  put(attributes, ATTR_GEN_AI_REQUEST_SEED, p.seed);
  put(attributes, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, stopSequences(p.stop));
  if (typeof p.n === "number" && p.n !== 1) attributes[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = p.n;
  if (p.stream === true) attributes[ATTR_GEN_AI_REQUEST_STREAM] = true;
}

export const chatCompletions: ApiSurface<Params, Params, Params> = {
  describe(p, settings) {
    const attributes: Attributes = { [ATTR_OPENAI_API_TYPE]: "chat_completions" };
    putSampling(attributes, p, p.max_completion_tokens ?? p.max_tokens);
    put(attributes, ATTR_GEN_AI_OUTPUT_TYPE, outputType(p.response_format));
    if (str(p.service_tier) && p.service_tier !== "auto") attributes[ATTR_OPENAI_REQUEST_SERVICE_TIER] = String(p.service_tier);
    if (settings.latest) put(attributes, ATTR_GEN_AI_REQUEST_REASONING_LEVEL, p.reasoning_effort);
    if (!settings.captureContent && Array.isArray(p.tools) && p.tools.length) {
      attributes[ATTR_GEN_AI_TOOL_DEFINITIONS] = toolNamesOnly(toolDefinitions(p.tools));
    }
    return { operation: GEN_AI_OPERATION.chat, model: str(p.model), attributes };
  },

  inputContent(p) {
    return { inputMessages: chatInputMessages(p.messages), toolDefinitions: toolDefinitions(p.tools) };
  },

  recordResult(call, r) {
    const choices = list(r.choices).filter(isObject);
    call.response({ id: str(r.id), model: str(r.model), finishReasons: choices.map((c) => String(c.finish_reason ?? "")) });
    const usage = openAIUsage(r.usage);
    if (usage) call.setUsage(usage);
    responseExtras(call, r);
    if (call.capturesContent) {
      call.content({
        outputMessages: choices.map(
          (c): OutputMessage => ({
            role: isObject(c.message) ? String(c.message.role ?? "assistant") : "assistant",
            parts: isObject(c.message) ? assistantParts(c.message) : [],
            finish_reason: outputFinishReason(c.finish_reason),
          }),
        ),
      });
    }
  },

  accumulate(call) {
    return new ChatStreamAccumulator(call);
  },
};

interface ChoiceState {
  text: string[];
  refusal: string[];
  tools: Map<number, { id?: string; name: string; args: string[] }>;
  finishReason: string | undefined;
  role: string;
}

class ChatStreamAccumulator implements StreamAccumulator<Params> {
  private readonly choices = new Map<number, ChoiceState>();
  private id: string | undefined;
  private model: string | undefined;
  private usage: unknown;
  private extras: Params = {};
  private readonly capture: boolean;

  constructor(private readonly call: ModelCall) {
    this.capture = call.capturesContent;
  }

  onChunk(chunk: Params): void {
    this.id ??= str(chunk.id);
    this.model ??= str(chunk.model);
    if (chunk.usage) this.usage = chunk.usage;
    if (chunk.service_tier) this.extras.service_tier = chunk.service_tier;
    if (chunk.system_fingerprint) this.extras.system_fingerprint = chunk.system_fingerprint;
    const choices = chunk.choices;
    if (!Array.isArray(choices)) return;
    for (const c of choices) {
      if (!isObject(c)) continue;
      const index = num(c.index) ?? 0;
      let state = this.choices.get(index);
      if (!state) {
        state = { text: [], refusal: [], tools: new Map(), finishReason: undefined, role: "assistant" };
        this.choices.set(index, state);
      }
      if (c.finish_reason) state.finishReason = String(c.finish_reason);
      if (this.capture && isObject(c.delta)) this.collectDelta(state, c.delta);
    }
  }

  private collectDelta(state: ChoiceState, d: Params): void {
    if (typeof d.role === "string") state.role = d.role;
    if (typeof d.content === "string") state.text.push(d.content);
    if (typeof d.refusal === "string") state.refusal.push(d.refusal);
    for (const tc of list(d.tool_calls)) {
      if (!isObject(tc)) continue;
      const i = num(tc.index) ?? 0;
      const fn = isObject(tc.function) ? tc.function : {};
      let t = state.tools.get(i);
      if (!t) {
        t = { name: "", args: [] };
        state.tools.set(i, t);
      }
      if (str(tc.id)) t.id = String(tc.id);
      if (typeof fn.name === "string") t.name += fn.name;
      if (typeof fn.arguments === "string") t.args.push(fn.arguments);
    }
  }

  finish(incomplete: boolean): void {
    const ordered = [...this.choices.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
    // A choice that never got a finish reason was cut short, whoever closed the stream.
    let reasons = ordered.map((s) => s.finishReason ?? "error");
    if (!reasons.length && incomplete) reasons = ["error"];
    this.call.response({ id: this.id, model: this.model, finishReasons: reasons });
    const usage = openAIUsage(this.usage);
    if (usage) this.call.setUsage(usage);
    responseExtras(this.call, this.extras);
    if (!this.capture) return;
    this.call.content({
      outputMessages: ordered.map((s): OutputMessage => {
        const parts: MessagePart[] = [];
        if (s.text.length) parts.push({ type: "text", content: s.text.join("") });
        if (s.refusal.length) parts.push({ type: "refusal", content: s.refusal.join("") });
        for (const [, t] of [...s.tools.entries()].sort((a, b) => a[0] - b[0])) {
          parts.push({ type: "tool_call", id: t.id, name: t.name, arguments: parseArguments(t.args.join("")) });
        }
        return { role: s.role, parts, finish_reason: s.finishReason ? outputFinishReason(s.finishReason) : "error" };
      }),
    });
  }
}
