/**
 * Keeping secrets out of messages and logs: the PromptLayer key travels in `X-API-KEY` and, for
 * legacy endpoints, in the body's `api_key`; provider keys travel in their SDKs' headers.
 */
const SECRET_HEADERS = new Set(["x-api-key", "authorization", "api-key", "x-goog-api-key", "proxy-authorization", "cookie"]);
const SECRET_FIELDS = new Set(["api_key", "apiKey"]);
export const REDACTED = "[REDACTED]";

/** A copy of `headers` with credential headers replaced by a marker. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? REDACTED : v;
  return out;
}

/** A shallow copy of a JSON body with `api_key` replaced by a marker. */
export function redactBody(body: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!body) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k] = SECRET_FIELDS.has(k) ? REDACTED : v;
  return out;
}

/** Replaces every occurrence of each secret (of a useful length) in `text`. */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 6) out = out.split(s).join(REDACTED);
  return out;
}
