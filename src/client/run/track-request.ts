/**
 * `POST /track-request` (CONTRACT §2.5): how `run()` and the `pl.openai` / `pl.anthropic`
 * clients log a provider call. `kwargs` is what went to the provider — connection settings and
 * keys are never part of it — and the PromptLayer key travels in the body (legacy auth).
 */
import { PromptLayerAPIError } from "../../errors.js";
import type { HttpClient } from "../http.js";
import type { JsonObject, RequestErrorType, RequestStatus, TrackRequestResponse } from "../types.js";
import { compact } from "../validate.js";

export interface TrackRequestParams {
  functionName: string;
  providerType: string;
  kwargs: JsonObject;
  requestResponse: unknown;
  requestStartTime: Date;
  requestEndTime: Date;
  tags?: string[] | undefined;
  metadata?: Record<string, string> | undefined;
  promptId?: number | undefined;
  promptVersion?: number | undefined;
  promptInputVariables?: Record<string, unknown> | undefined;
  groupId?: number | undefined;
  /** The span the log belongs to (16 hex digits), or null outside a recorded trace. */
  spanId: string | null;
  status?: RequestStatus | undefined;
  errorType?: RequestErrorType | undefined;
  errorMessage?: string | undefined;
}

export async function trackRequest(http: HttpClient, p: TrackRequestParams): Promise<TrackRequestResponse> {
  const body = compact({
    function_name: p.functionName,
    provider_type: p.providerType,
    args: [],
    kwargs: p.kwargs,
    request_response: p.requestResponse ?? {},
    request_start_time: p.requestStartTime.toISOString(),
    request_end_time: p.requestEndTime.toISOString(),
    tags: p.tags ?? [],
    metadata: p.metadata ?? {},
    prompt_id: p.promptId,
    prompt_version: p.promptVersion,
    prompt_input_variables: p.promptInputVariables ?? {},
    group_id: p.groupId,
    return_prompt_blueprint: true,
    span_id: p.spanId,
    status: p.status,
    error_type: p.errorType,
    error_message: p.errorMessage,
  });
  const { data } = await http.request<TrackRequestResponse>({ method: "POST", path: "/track-request", body, bodyAuth: true });
  if (!data || data.success === false || typeof data.request_id !== "number") {
    throw new PromptLayerAPIError(`PromptLayer API POST /track-request did not log the request: ${data?.message ?? "no request_id in the answer"}`);
  }
  return data;
}
