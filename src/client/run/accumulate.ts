/**
 * Streaming: each provider's chunks folded into the response the same call would have returned
 * unstreamed. `run()` logs that response and builds the accumulated blueprint from it after every
 * chunk. Appending is cheap (strings are concatenated, nothing is re-parsed per chunk).
 */
import type { JsonObject } from "../types.js";
import { isPlainObject } from "../validate.js";
import type { ProviderApi } from "./plan.js";

export interface StreamAccumulator {
  push(chunk: unknown): void;
  /** The response so far, in the non-streamed shape of the API. */
  response(): JsonObject;
}

const obj = (v: unknown): JsonObject => (isPlainObject(v) ? v : {});

/** OpenAI chat completion chunks → a `chat.completion`. */
class OpenAIChatAccumulator implements StreamAccumulator {
  private base: JsonObject = {};
  private readonly choices = new Map<number, { index: number; message: JsonObject; finish_reason: unknown; logprobs: unknown }>();
  private usage: unknown = null;

  push(chunk: unknown): void {
    const c = obj(chunk);
    if (!this.base.id) this.base = { id: c.id, object: "chat.completion", created: c.created, model: c.model, system_fingerprint: c.system_fingerprint ?? null, service_tier: c.service_tier };
    if (c.usage) this.usage = c.usage;
    for (const raw of Array.isArray(c.choices) ? c.choices : []) {
      const choice = obj(raw);
      const index = typeof choice.index === "number" ? choice.index : 0;
      let acc = this.choices.get(index);
      if (!acc) {
        acc = { index, message: { role: "assistant", content: null }, finish_reason: null, logprobs: null };
        this.choices.set(index, acc);
      }
      const delta = obj(choice.delta);
      if (typeof delta.content === "string") acc.message.content = String(acc.message.content ?? "") + delta.content;
      if (typeof delta.refusal === "string") acc.message.refusal = String(acc.message.refusal ?? "") + delta.refusal;
      if (Array.isArray(delta.tool_calls)) {
        const calls = (acc.message.tool_calls ??= []) as JsonObject[];
        for (const rawCall of delta.tool_calls) {
          const tc = obj(rawCall);
          const i = typeof tc.index === "number" ? tc.index : calls.length;
          const target = (calls[i] ??= { id: "", type: "function", function: { name: "", arguments: "" } });
          const fn = obj(target.function);
          const dfn = obj(tc.function);
          if (typeof tc.id === "string") target.id = tc.id;
          if (typeof dfn.name === "string") fn.name = String(fn.name) + dfn.name;
          if (typeof dfn.arguments === "string") fn.arguments = String(fn.arguments) + dfn.arguments;
        }
      }
      if (choice.finish_reason) acc.finish_reason = choice.finish_reason;
    }
  }

  response(): JsonObject {
    const choices = [...this.choices.values()].sort((a, b) => a.index - b.index).map((c) => ({ ...c, message: { ...c.message } }));
    return { ...this.base, choices, usage: this.usage };
  }
}

/** OpenAI legacy completion chunks → a `text_completion`. */
class OpenAICompletionsAccumulator implements StreamAccumulator {
  private base: JsonObject = {};
  private readonly texts = new Map<number, { text: string; finish_reason: unknown }>();
  private usage: unknown = null;

  push(chunk: unknown): void {
    const c = obj(chunk);
    if (!this.base.id) this.base = { id: c.id, object: "text_completion", created: c.created, model: c.model };
    if (c.usage) this.usage = c.usage;
    for (const raw of Array.isArray(c.choices) ? c.choices : []) {
      const choice = obj(raw);
      const index = typeof choice.index === "number" ? choice.index : 0;
      const acc = this.texts.get(index) ?? { text: "", finish_reason: null };
      if (typeof choice.text === "string") acc.text += choice.text;
      if (choice.finish_reason) acc.finish_reason = choice.finish_reason;
      this.texts.set(index, acc);
    }
  }

  response(): JsonObject {
    const choices = [...this.texts.entries()].sort(([a], [b]) => a - b).map(([index, c]) => ({ index, text: c.text, finish_reason: c.finish_reason, logprobs: null }));
    return { ...this.base, choices, usage: this.usage };
  }
}

/** OpenAI Responses stream events → the `response` object (the final one when it arrives). */
class OpenAIResponsesAccumulator implements StreamAccumulator {
  private base: JsonObject = {};
  private final: JsonObject | undefined;
  private readonly output: JsonObject[] = [];

  push(chunk: unknown): void {
    const e = obj(chunk);
    const type = String(e.type ?? "");
    if (isPlainObject(e.response)) {
      if (type === "response.completed" || type === "response.incomplete" || type === "response.failed") this.final = e.response;
      else this.base = e.response;
      return;
    }
    const index = typeof e.output_index === "number" ? e.output_index : -1;
    if ((type === "response.output_item.added" || type === "response.output_item.done") && isPlainObject(e.item) && index >= 0) {
      this.output[index] = structuredClone(e.item);
      return;
    }
    const item = index >= 0 ? this.output[index] : undefined;
    if (!item) return;
    if (type === "response.output_text.delta" && typeof e.delta === "string") {
      const content = (item.content ??= []) as JsonObject[];
      const ci = typeof e.content_index === "number" ? e.content_index : 0;
      const part = (content[ci] ??= { type: "output_text", text: "", annotations: [] });
      part.text = String(part.text ?? "") + e.delta;
    } else if (type === "response.function_call_arguments.delta" && typeof e.delta === "string") {
      item.arguments = String(item.arguments ?? "") + e.delta;
    } else if (type === "response.reasoning_summary_text.delta" && typeof e.delta === "string") {
      const summary = (item.summary ??= []) as JsonObject[];
      const si = typeof e.summary_index === "number" ? e.summary_index : 0;
      const part = (summary[si] ??= { type: "summary_text", text: "" });
      part.text = String(part.text ?? "") + e.delta;
    }
  }

  response(): JsonObject {
    if (this.final) return this.final;
    return { ...this.base, output: this.output.filter(Boolean) };
  }
}

/** Anthropic message stream events → a `message`. */
class AnthropicAccumulator implements StreamAccumulator {
  private message: JsonObject = { type: "message", role: "assistant", content: [] };
  private readonly json = new Map<number, string>();

  push(chunk: unknown): void {
    const e = obj(chunk);
    const content = this.message.content as JsonObject[];
    switch (e.type) {
      case "message_start":
        this.message = { ...obj(e.message), content: [] };
        break;
      case "content_block_start":
        if (typeof e.index === "number") content[e.index] = structuredClone(obj(e.content_block));
        break;
      case "content_block_delta": {
        const block = typeof e.index === "number" ? content[e.index] : undefined;
        const d = obj(e.delta);
        if (!block) break;
        if (d.type === "text_delta") block.text = String(block.text ?? "") + String(d.text ?? "");
        else if (d.type === "thinking_delta") block.thinking = String(block.thinking ?? "") + String(d.thinking ?? "");
        else if (d.type === "signature_delta") block.signature = String(d.signature ?? "");
        else if (d.type === "input_json_delta") {
          const json = (this.json.get(e.index as number) ?? "") + String(d.partial_json ?? "");
          this.json.set(e.index as number, json);
          try {
            block.input = JSON.parse(json);
          } catch {
            // incomplete JSON so far; the next delta completes it
          }
        } else if (d.type === "citations_delta") ((block.citations ??= []) as unknown[]).push(d.citation);
        break;
      }
      case "message_delta": {
        const d = obj(e.delta);
        if ("stop_reason" in d) this.message.stop_reason = d.stop_reason;
        if ("stop_sequence" in d) this.message.stop_sequence = d.stop_sequence;
        if (isPlainObject(e.usage)) this.message.usage = { ...obj(this.message.usage), ...e.usage };
        break;
      }
    }
  }

  response(): JsonObject {
    return { ...this.message, content: (this.message.content as JsonObject[]).filter(Boolean).map((b) => ({ ...b })) };
  }
}

/** Gemini stream chunks → one `GenerateContentResponse` with the text parts joined. */
class GeminiAccumulator implements StreamAccumulator {
  private base: JsonObject = {};
  private readonly parts: JsonObject[] = [];
  private finishReason: unknown;
  private usage: unknown;

  push(chunk: unknown): void {
    const c = obj(chunk);
    const { candidates, usageMetadata, ...rest } = c;
    this.base = { ...this.base, ...rest };
    if (usageMetadata) this.usage = usageMetadata;
    const candidate = obj(Array.isArray(candidates) ? candidates[0] : undefined);
    if (candidate.finishReason) this.finishReason = candidate.finishReason;
    for (const raw of Array.isArray(obj(candidate.content).parts) ? (obj(candidate.content).parts as unknown[]) : []) {
      const part = obj(raw);
      const last = this.parts.at(-1);
      if (typeof part.text === "string" && last && typeof last.text === "string" && Boolean(last.thought) === Boolean(part.thought) && Object.keys(part).every((k) => k === "text" || k === "thought")) {
        last.text = last.text + part.text;
      } else this.parts.push({ ...part });
    }
  }

  response(): JsonObject {
    const candidate: JsonObject = { content: { role: "model", parts: this.parts.map((p) => ({ ...p })) }, index: 0 };
    if (this.finishReason) candidate.finishReason = this.finishReason;
    return { ...this.base, candidates: [candidate], ...(this.usage ? { usageMetadata: this.usage } : {}) };
  }
}

/** Images stream partial images; the last event is the answer. */
class LastChunkAccumulator implements StreamAccumulator {
  private last: JsonObject = {};
  push(chunk: unknown): void {
    this.last = obj(chunk);
  }
  response(): JsonObject {
    return this.last;
  }
}

export function createAccumulator(api: ProviderApi): StreamAccumulator {
  switch (api) {
    case "openai.chat":
      return new OpenAIChatAccumulator();
    case "openai.completions":
      return new OpenAICompletionsAccumulator();
    case "openai.responses":
      return new OpenAIResponsesAccumulator();
    case "anthropic.messages":
      return new AnthropicAccumulator();
    case "google.generate":
      return new GeminiAccumulator();
    default:
      return new LastChunkAccumulator();
  }
}
