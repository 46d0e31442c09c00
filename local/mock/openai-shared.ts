/**
 * OpenAI conventions shared by chat completions, responses, embeddings and legacy completions:
 * bearer auth, the `x-request-id` header, the `{error:{message,type,param,code}}` body, ids and
 * the usage blocks.
 */
import { hashChars, hashHex } from "./content.js";
import { bearerToken, type Dialect } from "./http.js";

/** `type` and `code` as the real API sends them for each status. */
function errorKind(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: "invalid_request_error", code: "invalid_api_key" };
  if (status === 429) return { type: "requests", code: "rate_limit_exceeded" };
  if (status >= 500) return { type: "server_error", code: null };
  return { type: "invalid_request_error", code: null };
}

export const openAIDialect: Dialect = {
  authorized: (req) => bearerToken(req) !== undefined,
  errorBody(status, message) {
    const { type, code } = errorKind(status);
    return { error: { message, type, param: null, code } };
  },
  // The real API quotes the rejected key (its middle masked); the mock quotes it whole, the
  // harder case for whatever must keep keys out of telemetry.
  rejectedKeyMessage: (req) => `Incorrect API key provided: ${bearerToken(req) ?? ""}. You can find your API key at https://platform.openai.com/account/api-keys.`,
  requestIdHeader: "x-request-id",
  requestId: (seed) => `req_${hashHex(seed, "request-id", 32)}`,
};

/** Azure OpenAI: the same wire format, authenticated by an `api-key` header (or a bearer token). */
export const azureOpenAIDialect: Dialect = {
  ...openAIDialect,
  authorized: (req) => bearerToken(req) !== undefined || (typeof req.headers["api-key"] === "string" && req.headers["api-key"].length > 0),
  rejectedKeyMessage: () => "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
};

export const systemFingerprint = (model: string) => `fp_${hashHex(model, "fingerprint", 10)}`;
export const toolCallId = (seed: string, label: string) => `call_${hashChars(seed, label, 24)}`;

export interface ChatUsageInput {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  /** Prompt tokens served from the prompt cache (the `x-mock-cached-tokens` header). */
  cachedTokens?: number | undefined;
}

/** Cached prompt tokens as OpenAI reports them: part of the prompt, so never more than it. */
export const cachedPromptTokens = (requested: number | undefined, promptTokens: number) => Math.min(requested ?? 0, promptTokens);

/** Chat/legacy `usage`; completion tokens include reasoning tokens, as OpenAI bills them. */
export function chatUsage({ promptTokens, completionTokens, reasoningTokens, cachedTokens }: ChatUsageInput) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedPromptTokens(cachedTokens, promptTokens), audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}
