/**
 * Anthropic conventions: `x-api-key` auth (newer SDK majors send `Authorization: Bearer <key>`
 * instead, which the API also accepts), the `request-id` header and the
 * `{type:"error", error:{type, message}, request_id}` body.
 */
import { hashChars } from "./content.js";
import { bearerToken, headerValue, type Dialect } from "./http.js";

export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

export const anthropicDialect: Dialect = {
  authorized: (req) => headerValue(req, "x-api-key") !== undefined || bearerToken(req) !== undefined,
  errorBody: (status, message, requestId) => ({ type: "error", error: { type: anthropicErrorType(status), message }, request_id: requestId }),
  requestIdHeader: "request-id",
  requestId: (seed) => `req_011${hashChars(seed, "request-id", 21)}`,
};
