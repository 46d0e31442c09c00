/** A stored request log in the service's wire shape (the `/log-request` response row, cassettes). */
import { createHash } from "node:crypto";
import { lastText } from "../domain/blueprint.js";
import { asObject, type Json } from "../domain/json.js";
import type { LocalStore } from "../store/index.js";
import type { RequestLogRow } from "../store/requests.js";

/** The service writes naive UTC ISO times (no `Z`). */
const naiveIso = (iso: string): string => iso.replace(/Z$/, "");

export function requestLogBody(row: RequestLogRow, store: LocalStore): Json {
  const blueprint = asObject(row.promptBlueprint);
  const template = asObject(blueprint.prompt_template);
  const input = asObject(row.functionKwargs.input);
  return {
    id: row.id,
    user_id: 1,
    prompt_id: row.promptId,
    prompt_version_number: row.promptVersionNumber,
    prompt_input_variables: row.promptInputVariables,
    provider_type: row.providerType,
    function_name: row.functionName,
    function_args: row.functionArgs,
    function_kwargs: row.functionKwargs,
    request_response: row.requestResponse,
    request_start_time: naiveIso(row.requestStartTime),
    request_end_time: naiveIso(row.requestEndTime),
    is_sharable: false,
    share_hash: createHash("md5").update(`request:${row.id}`).digest("hex"),
    share_view_count: 0,
    is_starred: false,
    price: row.price,
    score: row.score,
    engine: row.engine,
    tokens: row.inputTokens + row.outputTokens,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    workspace_id: 1,
    span_id: row.spanId,
    trace_id: row.traceId,
    created_at: new Date(row.createdAt).toUTCString(),
    // The service lists metadata as one {key: value} object per entry (an empty dict is `[]`).
    metadata: Object.entries(row.metadata).map(([k, v]) => ({ [k]: v })),
    scores: store.requests.scores(row.id),
    type: "request",
    tags_array: row.tags,
    prompt_string: input.type === "completion" ? lastText(input) : "",
    response_string: lastText(template),
    prompt_version: {
      prompt_template: template,
      commit_message: null,
      metadata: blueprint.metadata ?? null,
      provider_base_url_name: null,
      report_id: null,
      inference_client_name: null,
    },
    status: row.status,
    error_type: row.errorType,
    error_message: row.errorMessage,
  };
}
