/**
 * The agents' `response` (Responses API) and `generation` (Chat Completions) spans as model-call
 * spans, filled by the OpenAI instrumentation's own mappers so that a model call reads the same
 * whichever of the two saw it.
 */
import type { Context, Tracer } from "@opentelemetry/api";
import type { GenAISettings } from "../../../instrumentations/genai/config.js";
import { ModelCall } from "../../../instrumentations/genai/call.js";
import type { ApiSurface } from "../../../instrumentations/genai/traced-call.js";
import { chatCompletions } from "../../../instrumentations/openai/chat.js";
import { responses } from "../../../instrumentations/openai/responses.js";
import { ATTR_GEN_AI_REQUEST_MODEL, GEN_AI_OPERATION } from "../../semconv.js";
import { markFrameworkModelSpan } from "../../tracing/ambient-parent.js";
import { ATTR_AGENTS_SPAN_ID, ATTR_AGENTS_SPAN_TYPE } from "./span-mapping.js";
import type { AgentsSpanData } from "./types.js";

type Params = Record<string, unknown>;
const isObject = (v: unknown): v is Params => typeof v === "object" && v !== null && !Array.isArray(v);

export const isModelSpan = (data: AgentsSpanData) => data.type === "response" || data.type === "generation";

/** Starts the span now; the model and request are only known when the framework ends it. */
export function startModelCall(tracer: Tracer, settings: GenAISettings, data: AgentsSpanData, spanId: string, parent: Context): ModelCall {
  const call = ModelCall.start(
    tracer,
    settings,
    undefined, // the OpenAI instrumentation records the metrics of the HTTP call underneath
    { operation: GEN_AI_OPERATION.chat, provider: "openai", model: undefined, attributes: { [ATTR_AGENTS_SPAN_TYPE]: data.type, [ATTR_AGENTS_SPAN_ID]: spanId } },
    parent,
  );
  markFrameworkModelSpan(call.span);
  return call;
}

/** Request, response, usage and content from the ended span's data; then ends the call. */
export function finishModelCall(call: ModelCall, data: AgentsSpanData, error: Error | undefined): void {
  try {
    const mapped = data.type === "response" ? fromResponse(data) : fromGeneration(data);
    if (mapped) record(call, mapped.surface, mapped.params, mapped.result);
  } catch {
    // Mapping is best effort; the span still ends.
  }
  if (error) call.fail(error);
  else call.end();
}

interface Mapped {
  surface: ApiSurface<Params, Params, Params>;
  params: Params;
  result: Params | undefined;
}

/** A Response echoes its request parameters (model, instructions, tools, sampling). */
function fromResponse(data: AgentsSpanData): Mapped | undefined {
  const response = isObject(data._response) ? data._response : undefined;
  if (!response && data._input === undefined) return undefined;
  const { output: _output, ...echoed } = response ?? {};
  return { surface: responses, params: { ...echoed, input: data._input }, result: response };
}

function fromGeneration(data: AgentsSpanData): Mapped {
  const config = isObject(data.model_config) ? data.model_config : {};
  const params: Params = { ...config, model: data.model, messages: Array.isArray(data.input) ? data.input : [] };
  const output = Array.isArray(data.output) ? data.output : [];
  // The OpenAI provider reports the whole ChatCompletion; other providers report messages.
  let result: Params | undefined = isObject(output[0]) && Array.isArray(output[0].choices) ? output[0] : undefined;
  if (!result && output.length) result = { model: data.model, choices: output.map((message) => ({ message })) };
  if (result && result.usage === undefined && isObject(data.usage)) result = { ...result, usage: { prompt_tokens: data.usage.input_tokens, completion_tokens: data.usage.output_tokens } };
  return { surface: chatCompletions, params, result };
}

function record(call: ModelCall, surface: ApiSurface<Params, Params, Params>, params: Params, result: Params | undefined): void {
  const described = surface.describe(params, call.settings);
  if (described.model) {
    call.span.updateName(`${described.operation} ${described.model}`);
    call.span.setAttribute(ATTR_GEN_AI_REQUEST_MODEL, described.model);
  }
  call.span.setAttributes(described.attributes);
  if (call.capturesContent && surface.inputContent) call.content(surface.inputContent(params));
  if (result) surface.recordResult(call, result, params);
}
