/**
 * `POST /v1/messages` (also `?beta=true`, which the SDK's `beta.messages` adds) and
 * `POST /v1/messages/count_tokens`. Streams follow the real event order: message_start, ping,
 * per block content_block_start / content_block_delta… / content_block_stop, message_delta,
 * message_stop.
 */
import { cacheUsage, promptTokens } from "./anthropic-cache.js";
import {
  countTokens,
  DEFAULT_STREAM_CHUNKS,
  hashChars,
  padForChunks,
  planTurn,
  sha256Hex,
  splitText,
  textOf,
  thinkingAbout,
  truncateToTokens,
  type ToolSpec,
} from "./content.js";
import { asArray, asNumber, asObject, asString, isObject, MockHttpError, requireString, sendJson, type Json, type MockContext } from "./http.js";
import { writeSse, type SseEvent } from "./sse.js";

type Block = Json & { type: string };
type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence";

function anthropicTools(tools: unknown): ToolSpec[] {
  // Server tools (web_search_…, bash_…) have no input_schema; only client tools can be "called" here.
  return asArray(tools)
    .filter((t) => isObject(t) && isObject(t.input_schema))
    .map((t) => ({ name: String((t as Json).name ?? ""), description: asString((t as Json).description), schema: (t as Json).input_schema }));
}

function anthropicToolChoice(choice: unknown): string | undefined {
  const c = asObject(choice);
  if (c.type === "none") return "none";
  if (c.type === "tool") return asString(c.name);
  return undefined;
}

const blocksOf = (content: unknown): Json[] => (typeof content === "string" ? [{ type: "text", text: content }] : asArray(content).filter(isObject));
const userText = (message: Json) => textOf(blocksOf(message.content).filter((b) => b.type !== "tool_result"));

function validate(body: Json, needsMaxTokens: boolean): Json[] {
  requireString(body, "model");
  if (needsMaxTokens && asNumber(body.max_tokens) === undefined) throw new MockHttpError(400, "max_tokens: Field required");
  const messages = asArray(body.messages).filter(isObject);
  if (messages.length === 0) throw new MockHttpError(400, "messages: at least one message is required");
  return messages;
}

export async function handleCountTokens(ctx: MockContext): Promise<void> {
  validate(ctx.body, false);
  await sendJson(ctx, 200, { input_tokens: promptTokens(ctx.body) });
}

export async function handleMessages(ctx: MockContext): Promise<void> {
  const { body, seed, faults } = ctx;
  const messages = validate(body, true);
  const model = String(body.model);
  const last = messages.at(-1)!;
  const toolResults = last.role === "user" ? blocksOf(last.content).filter((b) => b.type === "tool_result") : [];
  const lastUser = [...messages].reverse().find((m) => m.role === "user" && userText(m) !== "");
  const lastUserText = lastUser ? userText(lastUser) : "";
  const turn = planTurn({
    lastUserText,
    toolResult: toolResults.length > 0 ? textOf(toolResults) : undefined,
    endsWithUser: last.role === "user",
    tools: anthropicTools(body.tools),
    toolChoice: anthropicToolChoice(body.tool_choice),
  });

  const content: Block[] = [];
  const thinking = asObject(body.thinking);
  // "adaptive" (newer API) lets the model decide; the mock always thinks, to stay deterministic.
  if (thinking.type === "enabled" || thinking.type === "adaptive") {
    const signature = Buffer.from(sha256Hex(`${seed}:signature`) + sha256Hex(`${seed}:signature:2`), "hex").toString("base64");
    content.push({ type: "thinking", thinking: thinkingAbout(lastUserText), signature });
  }
  const thinkingTokens = content.reduce((sum, b) => sum + countTokens(String(b.thinking ?? "")), 0);
  let stopReason: StopReason;
  let stopSequence: string | null = null;
  if (turn.kind === "tool") {
    content.push({ type: "tool_use", id: `toolu_01${hashChars(seed, "toolu", 22)}`, name: turn.name, input: turn.args });
    stopReason = "tool_use";
  } else {
    let text = padForChunks(turn.text, faults.chunks);
    stopReason = "end_turn";
    for (const sequence of asArray(body.stop_sequences).filter((s): s is string => typeof s === "string" && s !== "")) {
      const at = text.indexOf(sequence);
      if (at >= 0) {
        text = text.slice(0, at);
        stopReason = "stop_sequence";
        stopSequence = sequence;
      }
    }
    const cut = truncateToTokens(text, Math.max(0, asNumber(body.max_tokens)! - thinkingTokens));
    if (cut.truncated) {
      stopReason = "max_tokens";
      stopSequence = null;
    }
    content.push({ type: "text", text: cut.text, citations: null });
  }
  const outputTokens = content.reduce((sum, b) => sum + (b.type === "tool_use" ? countTokens(String(b.name) + JSON.stringify(b.input)) : b.type === "text" ? countTokens(String(b.text)) : 0), thinkingTokens);

  const usage = { ...cacheUsage(model, body, ctx.state.anthropicCache), output_tokens: outputTokens, service_tier: "standard" };
  const message = { id: `msg_01${hashChars(seed, "msg", 22)}`, type: "message", role: "assistant", model, content, stop_reason: stopReason, stop_sequence: stopSequence, usage };

  if (body.stream === true) {
    await writeSse(ctx, streamEvents(message, faults.chunks ?? DEFAULT_STREAM_CHUNKS));
    return;
  }
  await sendJson(ctx, 200, message);
}

function streamEvents(message: { content: Block[]; stop_reason: StopReason; stop_sequence: string | null; usage: Json } & Json, chunks: number): SseEvent[] {
  const events: SseEvent[] = [];
  const emit = (type: string, fields: Json = {}) => events.push({ event: type, data: { type, ...fields } });
  // message_start carries the input side of usage; output_tokens is a placeholder until message_delta.
  emit("message_start", { message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 1 } } });
  emit("ping");
  message.content.forEach((block, index) => {
    const delta = (d: Json) => emit("content_block_delta", { index, delta: d });
    if (block.type === "thinking") {
      emit("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } });
      for (const piece of splitText(String(block.thinking), chunks)) delta({ type: "thinking_delta", thinking: piece });
      delta({ type: "signature_delta", signature: block.signature });
    } else if (block.type === "tool_use") {
      emit("content_block_start", { index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } });
      for (const piece of splitText(JSON.stringify(block.input), chunks)) delta({ type: "input_json_delta", partial_json: piece });
    } else {
      emit("content_block_start", { index, content_block: { type: "text", text: "" } });
      for (const piece of splitText(String(block.text), chunks)) if (piece !== "") delta({ type: "text_delta", text: piece });
    }
    emit("content_block_stop", { index });
  });
  emit("message_delta", { delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence }, usage: { output_tokens: message.usage.output_tokens } });
  emit("message_stop");
  return events;
}
