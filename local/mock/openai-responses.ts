/**
 * `POST /v1/responses`: a Response object, or with `stream: true` the typed event sequence
 * (`event: <type>` + `data: {…, sequence_number}`) that the SDK's ResponseStream accumulates.
 * Reasoning models get a `reasoning` output item first, as the real API returns one.
 */
import {
  countTokens,
  createdAt,
  DEFAULT_STREAM_CHUNKS,
  hashHex,
  isReasoningModel,
  jsonForSchema,
  padForChunks,
  planTurn,
  splitText,
  textOf,
  thinkingAbout,
  toolText,
  truncateToTokens,
  type ToolSpec,
} from "./content.js";
import { asArray, asNumber, asObject, asString, isObject, requireString, sendJson, type Json, type MockContext } from "./http.js";
import { cachedPromptTokens, toolCallId } from "./openai-shared.js";
import { writeSse, type SseEvent } from "./sse.js";

type InputItem = Json;

/** `input` as a list of items; a plain string is one user message. */
function inputItems(input: unknown): InputItem[] {
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  return asArray(input).filter(isObject);
}

function responseTools(tools: unknown): ToolSpec[] {
  return asArray(tools)
    .filter((t) => isObject(t) && t.type === "function")
    .map((t) => ({ name: String((t as Json).name ?? ""), description: asString((t as Json).description), schema: (t as Json).parameters ?? {} }));
}

function responseToolChoice(choice: unknown): string | undefined {
  if (choice === "none") return "none";
  if (isObject(choice) && choice.type === "function") return asString(choice.name);
  return undefined;
}

const itemText = (item: InputItem) => (item.type === "function_call" ? String(item.arguments ?? "") : item.type === "function_call_output" ? textOf(item.output) : textOf(item.content));

export async function handleResponses(ctx: MockContext): Promise<void> {
  const { body, seed, faults } = ctx;
  const model = requireString(body, "model");
  const items = inputItems(body.input);
  const tools = responseTools(body.tools);
  const instructions = asString(body.instructions);
  const last = items.at(-1) ?? {};
  const lastUser = [...items].reverse().find((i) => i.role === "user") ?? {};
  const lastIsUser = last.role === "user";
  const turn = planTurn({
    lastUserText: textOf(lastUser.content),
    toolResult: last.type === "function_call_output" ? textOf(last.output) : undefined,
    endsWithUser: lastIsUser,
    tools,
    toolChoice: responseToolChoice(body.tool_choice),
  });

  const format = asObject(asObject(body.text).format);
  const maxOutputTokens = asNumber(body.max_output_tokens);
  const reasoning = isReasoningModel(model);
  const reasoningTokens = reasoning ? countTokens(thinkingAbout(textOf(lastUser.content))) : 0;
  const id = (prefix: string, label: string) => `${prefix}_${hashHex(seed, label, 48)}`;

  const output: Json[] = [];
  if (reasoning) output.push({ id: id("rs", "reasoning"), type: "reasoning", summary: [] });
  let outputTokens: number;
  let incomplete = false;
  if (turn.kind === "tool") {
    const args = JSON.stringify(turn.args);
    output.push({ id: id("fc", "function-call"), type: "function_call", status: "completed", arguments: args, call_id: toolCallId(seed, "call"), name: turn.name });
    outputTokens = countTokens(turn.name + args);
  } else {
    const full = format.type === "json_schema" ? jsonForSchema(format.schema) : padForChunks(turn.text, faults.chunks);
    const cut = truncateToTokens(full, maxOutputTokens);
    incomplete = cut.truncated;
    output.push({
      id: id("msg", "message"),
      type: "message",
      status: incomplete ? "incomplete" : "completed",
      content: [{ type: "output_text", annotations: [], logprobs: [], text: cut.text }],
      role: "assistant",
    });
    outputTokens = countTokens(cut.text);
  }

  const inputTokens = countTokens([instructions ?? "", ...items.map(itemText), ...tools.map(toolText)].join("\n"));
  const response = {
    id: id("resp", "response"),
    object: "response",
    created_at: createdAt(seed),
    status: incomplete ? "incomplete" : "completed",
    background: false,
    error: null,
    incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
    instructions: instructions ?? null,
    max_output_tokens: maxOutputTokens ?? null,
    max_tool_calls: null,
    model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: asObject(body.reasoning).effort ?? null, summary: null },
    service_tier: "default",
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: format.type ? format : { type: "text" }, verbosity: "medium" },
    tool_choice: body.tool_choice ?? "auto",
    tools: asArray(body.tools),
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? "disabled",
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: cachedPromptTokens(faults.cachedTokens, inputTokens) },
      output_tokens: outputTokens + reasoningTokens,
      output_tokens_details: { reasoning_tokens: reasoningTokens },
      total_tokens: inputTokens + outputTokens + reasoningTokens,
    },
    user: null,
    metadata: asObject(body.metadata),
  };

  if (body.stream === true) {
    await writeSse(ctx, streamEvents(response, faults.chunks ?? DEFAULT_STREAM_CHUNKS));
    return;
  }
  await sendJson(ctx, 200, response);
}

/**
 * created → in_progress → per output item: output_item.added, its content events,
 * output_item.done → completed (or incomplete). Snapshots in created/in_progress carry no output
 * and no usage yet, as the real stream does.
 */
function streamEvents(response: Json & { output: Json[] }, chunks: number): SseEvent[] {
  const events: SseEvent[] = [];
  const emit = (type: string, fields: Json) => events.push({ event: type, data: { type, sequence_number: events.length, ...fields } });
  const pending = { ...response, status: "in_progress", incomplete_details: null, output: [], usage: null };
  emit("response.created", { response: pending });
  emit("response.in_progress", { response: pending });

  response.output.forEach((item, outputIndex) => {
    const itemId = item.id;
    if (item.type === "message") {
      const text = String(asObject(asArray(item.content)[0]).text ?? "");
      const part = { type: "output_text", annotations: [], logprobs: [], text: "" };
      emit("response.output_item.added", { output_index: outputIndex, item: { ...item, status: "in_progress", content: [] } });
      emit("response.content_part.added", { item_id: itemId, output_index: outputIndex, content_index: 0, part });
      for (const delta of splitText(text, chunks)) {
        if (delta !== "") emit("response.output_text.delta", { item_id: itemId, output_index: outputIndex, content_index: 0, delta, logprobs: [] });
      }
      emit("response.output_text.done", { item_id: itemId, output_index: outputIndex, content_index: 0, text, logprobs: [] });
      emit("response.content_part.done", { item_id: itemId, output_index: outputIndex, content_index: 0, part: { ...part, text } });
    } else if (item.type === "function_call") {
      const args = String(item.arguments);
      emit("response.output_item.added", { output_index: outputIndex, item: { ...item, status: "in_progress", arguments: "" } });
      for (const delta of splitText(args, chunks)) emit("response.function_call_arguments.delta", { item_id: itemId, output_index: outputIndex, delta });
      emit("response.function_call_arguments.done", { item_id: itemId, output_index: outputIndex, name: item.name, arguments: args });
    } else {
      emit("response.output_item.added", { output_index: outputIndex, item });
    }
    emit("response.output_item.done", { output_index: outputIndex, item });
  });

  emit(response.status === "incomplete" ? "response.incomplete" : "response.completed", { response });
  return events;
}
