/**
 * Keeping secrets out of messages and logs: the PromptLayer key travels in `X-API-KEY` and, for
 * legacy endpoints, in the body's `api_key`; provider keys travel in their SDKs' headers.
 */
import { credentialValues } from "../config.js";

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

/**
 * Credential-shaped text, for messages whose secrets are not known by value (a key passed in code,
 * a proxy's token): `sk-…` keys (OpenAI, `sk-ant-…` Anthropic), Google `AIza…` keys, PromptLayer
 * `pl_…` keys, and the value after `Bearer`, after a credential header or field name
 * (`x-api-key: …`, `"api_key": "…"`, `Authorization: Basic …`) and in a `key=` query parameter.
 * `keep` is the part that stays, so the message still says what was there. One linear pass.
 */
const CREDENTIAL_PATTERN = new RegExp(
  String.raw`(?<keep>\b(?:x-api-key|x-goog-api-key|api[-_]key|(?:proxy-)?authorization)\\?["']?\s*[:=]\s*\\?["']?(?:(?:bearer|basic|token)\s+)?|[?&](?:key|access_token)=|\bbearer\s+)[^\s"'\\,;&#}]+` +
    String.raw`|\bsk-[\w*-]{12,}|\bAIza[\w-]{30,}|\bpl_[a-z0-9]{20,}`,
  "gi",
);

/** `scrubSecrets`, then every credential-shaped substring (see CREDENTIAL_PATTERN) replaced by the marker. */
export function scrubCredentials(text: string, secrets: ReadonlyArray<string | undefined>): string {
  return scrubSecrets(text, secrets).replace(CREDENTIAL_PATTERN, (_match, keep: string | undefined) => (keep ?? "") + REDACTED);
}

/**
 * The credentials this process was given through the environment: the PromptLayer key and the
 * provider keys `run()` uses. Read when asked, so a key set later is known too.
 */
export function environmentCredentials(env: Record<string, string | undefined> = process.env): string[] {
  return credentialValues(env);
}
