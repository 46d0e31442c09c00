/**
 * `pl.logRequest()` (CONTRACT §2.4): log a model call made outside `run()`. camelCase in,
 * snake_case on the wire; the answer is the service's request-log row, whose key is `id`.
 */
import type { Fallible } from "./fallback.js";
import type { HttpClient } from "./http.js";
import type { JsonObject, PromptTemplateContent, RequestErrorType, RequestLog, RequestStatus } from "./types.js";
import { compact, requireInt, requireObject, requireString, requireStringArray, requireStringMap } from "./validate.js";
import { PromptLayerValidationError } from "../errors.js";

export const MAX_ERROR_MESSAGE_LENGTH = 1024;

export interface LogRequestParams {
  provider: string;
  model: string;
  /** The prompt as a blueprint template (chat content as block lists). */
  input: PromptTemplateContent;
  /** The reply as a blueprint template. */
  output: PromptTemplateContent;
  /** A Date, an ISO string, or epoch milliseconds. */
  requestStartTime: Date | string | number;
  requestEndTime: Date | string | number;
  parameters?: JsonObject;
  /** Each at most 512 characters. */
  tags?: string[];
  metadata?: Record<string, string>;
  promptName?: string;
  promptId?: number;
  promptVersionNumber?: number;
  promptInputVariables?: Record<string, unknown>;
  inputTokens?: number;
  outputTokens?: number;
  price?: number;
  functionName?: string;
  /** Integer 0–100. */
  score?: number;
  scoreName?: string;
  apiType?: string;
  status?: RequestStatus;
  errorType?: RequestErrorType;
  /** Cut to 1024 characters. */
  errorMessage?: string;
}

function time(param: string, v: Date | string | number): string {
  const d = v instanceof Date ? v : typeof v === "number" ? new Date(v) : new Date(v);
  if (Number.isNaN(d.getTime())) throw new PromptLayerValidationError(param, "expected a Date, an ISO date-time string or epoch milliseconds");
  return typeof v === "string" ? v : d.toISOString();
}

function nonNegative(param: string, v: number | undefined): number | undefined {
  if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) throw new PromptLayerValidationError(param, "expected a number ≥ 0");
  return v;
}

/** The wire body; exported for the tests that check the mapping. */
export function logRequestBody(p: LogRequestParams): JsonObject {
  requireString("provider", p.provider);
  requireString("model", p.model);
  requireObject("input", p.input);
  requireObject("output", p.output);
  if (p.tags !== undefined) requireStringArray("tags", p.tags, { maxItemLength: 512 });
  if (p.metadata !== undefined) requireStringMap("metadata", p.metadata);
  if (p.promptInputVariables !== undefined) requireObject("promptInputVariables", p.promptInputVariables);
  if (p.promptVersionNumber !== undefined) requireInt("promptVersionNumber", p.promptVersionNumber, 1);
  if (p.score !== undefined) requireInt("score", p.score, 0, 100);
  return compact({
    provider: p.provider,
    model: p.model,
    input: p.input,
    output: p.output,
    request_start_time: time("requestStartTime", p.requestStartTime),
    request_end_time: time("requestEndTime", p.requestEndTime),
    parameters: p.parameters,
    tags: p.tags,
    metadata: p.metadata,
    prompt_name: p.promptName,
    prompt_id: p.promptId,
    prompt_version_number: p.promptVersionNumber,
    prompt_input_variables: p.promptInputVariables,
    input_tokens: nonNegative("inputTokens", p.inputTokens),
    output_tokens: nonNegative("outputTokens", p.outputTokens),
    price: nonNegative("price", p.price),
    function_name: p.functionName,
    score: p.score,
    score_name: p.scoreName,
    api_type: p.apiType,
    status: p.status,
    error_type: p.errorType,
    error_message: p.errorMessage?.slice(0, MAX_ERROR_MESSAGE_LENGTH),
  });
}

export function logRequest(http: HttpClient, fallible: Fallible, params: LogRequestParams): Promise<RequestLog | null> {
  return fallible("logRequest", null, async () => {
    const { data } = await http.request<RequestLog>({ method: "POST", path: "/log-request", body: logRequestBody(params) });
    return data;
  });
}
