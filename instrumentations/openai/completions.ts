/** Legacy `completions.create` (text completion), streamed or not. */
import type { Attributes } from "@opentelemetry/api";
import { GEN_AI_OPERATION } from "../../src/semconv.js";
import { isObject, list, num, str, type Params } from "../genai/attributes.js";
import type { ModelCall } from "../genai/call.js";
import type { OutputMessage } from "../genai/content.js";
import type { ApiSurface, StreamAccumulator } from "../genai/traced-call.js";
import { openAIUsage, putSampling } from "./chat.js";
import { outputFinishReason } from "./messages.js";

export const completions: ApiSurface<Params, Params, Params> = {
  describe(p) {
    const attributes: Attributes = {};
    putSampling(attributes, p, p.max_tokens);
    return { operation: GEN_AI_OPERATION.textCompletion, model: str(p.model), attributes };
  },

  inputContent(p) {
    const prompts = typeof p.prompt === "string" ? [p.prompt] : list(p.prompt).filter((x): x is string => typeof x === "string");
    return { inputMessages: prompts.map((text) => ({ role: "user", parts: [{ type: "text", content: text }] })) };
  },

  recordResult(call, r) {
    const choices = list(r.choices).filter(isObject);
    record(call, str(r.id), str(r.model), r.usage, choices.map((c) => ({ text: String(c.text ?? ""), finish: c.finish_reason })), false);
  },

  accumulate: (call) => new CompletionStreamAccumulator(call),
};

function record(call: ModelCall, id: string | undefined, model: string | undefined, usage: unknown, choices: Array<{ text: string; finish: unknown }>, incomplete: boolean): void {
  const reasons = choices.map((c) => (typeof c.finish === "string" ? c.finish : incomplete ? "error" : ""));
  call.response({ id, model, finishReasons: reasons.length ? reasons : incomplete ? ["error"] : undefined });
  const u = openAIUsage(usage);
  if (u) call.setUsage(u);
  if (call.capturesContent) {
    call.content({
      outputMessages: choices.map((c): OutputMessage => ({ role: "assistant", parts: [{ type: "text", content: c.text }], finish_reason: outputFinishReason(c.finish) })),
    });
  }
}

class CompletionStreamAccumulator implements StreamAccumulator<Params> {
  private readonly choices = new Map<number, { text: string[]; finish: unknown }>();
  private id: string | undefined;
  private model: string | undefined;
  private usage: unknown;

  constructor(private readonly call: ModelCall) {}

  onChunk(chunk: Params): void {
    this.id ??= str(chunk.id);
    this.model ??= str(chunk.model);
    if (chunk.usage) this.usage = chunk.usage;
    for (const c of list(chunk.choices)) {
      if (!isObject(c)) continue;
      const i = num(c.index) ?? 0;
      const state = this.choices.get(i) ?? { text: [], finish: undefined };
      this.choices.set(i, state);
      if (typeof c.text === "string" && this.call.capturesContent) state.text.push(c.text);
      if (c.finish_reason) state.finish = c.finish_reason;
    }
  }

  finish(incomplete: boolean): void {
    const ordered = [...this.choices.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => ({ text: s.text.join(""), finish: s.finish }));
    // A choice that never got a finish reason was cut short, also when the SDK ends the stream quietly on an abort.
    record(this.call, this.id, this.model, this.usage, ordered, incomplete || ordered.some((c) => typeof c.finish !== "string"));
  }
}
