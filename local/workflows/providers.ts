/**
 * Where workflow prompt nodes send their model calls. A provider the backend has an account for
 * (by default: its environment's key, read the way `run()` reads it) gets the real call, at its
 * own base URL or the public one; every other call goes to the backend's own mock endpoints.
 *
 *   openai     OPENAI_API_KEY, optional OPENAI_BASE_URL (default https://api.openai.com/v1)
 *   anthropic  ANTHROPIC_API_KEY, optional ANTHROPIC_BASE_URL (default https://api.anthropic.com)
 *   google     GOOGLE_API_KEY or GEMINI_API_KEY, optional GEMINI_BASE_URL or GOOGLE_GEMINI_BASE_URL
 *              (default https://generativelanguage.googleapis.com)
 *
 * Only templates whose provider is exactly `openai`, `anthropic` or `google` use an account;
 * Azure OpenAI, Bedrock, Vertex AI and the other providers always run on the mock.
 */
import { providerEnvironment } from "../../src/config.js";
import { logger } from "../../src/logger.js";

export type ProviderName = "openai" | "anthropic" | "google";

export interface ProviderAccount {
  apiKey: string;
  /** Default: the provider's public endpoint (see DEFAULT_PROVIDER_URLS). OpenAI's includes `/v1`. */
  baseURL?: string | undefined;
}

export type ModelProviders = Partial<Record<ProviderName, ProviderAccount>>;

export const DEFAULT_PROVIDER_URLS: Readonly<Record<ProviderName, string>> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com",
  google: "https://generativelanguage.googleapis.com",
};

/** The key the backend's own mock endpoints are called with (they take any non-empty key). */
export const MOCK_KEY = "promptlayer-local";

/**
 * The accounts in `env`: each provider whose key is set, with its base URL when one is set. The
 * environment is not the backend's own configuration, so a malformed variable there is reported
 * and that provider stays on the mock — it never stops the backend from starting.
 */
export function providersFromEnv(env: Record<string, string | undefined> = process.env, warn: (message: string) => void = (m) => logger.warn(m)): ModelProviders {
  let p: ReturnType<typeof providerEnvironment>;
  try {
    p = providerEnvironment(env);
  } catch (error) {
    warn(`${(error as Error).message} Workflow model calls stay on the mock endpoints.`);
    return {};
  }
  const out: ModelProviders = {};
  const account = (name: ProviderName, apiKey: string | undefined, baseURL: string | undefined, variable: string) => {
    if (!apiKey) return;
    if (baseURL !== undefined && !isHttpUrl(baseURL)) {
      warn(`${variable} is not an http(s) URL ("${baseURL}"); ${name} workflow calls stay on the mock endpoints.`);
      return;
    }
    out[name] = { apiKey, baseURL };
  };
  account("openai", p.openai.apiKey, p.openai.baseURL, "OPENAI_BASE_URL");
  account("anthropic", p.anthropic.apiKey, p.anthropic.baseURL, "ANTHROPIC_BASE_URL");
  // providerEnvironment already defaults the Gemini URL to the public endpoint.
  account("google", p.google.apiKey, p.google.baseURL, "GEMINI_BASE_URL");
  return out;
}

function isHttpUrl(raw: string): boolean {
  try {
    const { protocol } = new URL(raw);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/** A real provider's endpoint: a checked http(s) base URL without a trailing slash, and its key. */
export interface ResolvedAccount {
  baseURL: string;
  apiKey: string;
}

export type ResolvedProviders = Partial<Record<ProviderName, ResolvedAccount>>;

/** Checks `providers` (a bad URL or an empty key fails here, at start-up, not at the first workflow run). */
export function resolveProviders(providers: ModelProviders): ResolvedProviders {
  const out: ResolvedProviders = {};
  for (const name of ["openai", "anthropic", "google"] as const) {
    const account = providers[name];
    if (!account) continue;
    const apiKey = typeof account.apiKey === "string" ? account.apiKey.trim() : "";
    if (!apiKey) throw new TypeError(`providers.${name}.apiKey must be a non-empty string`);
    const raw = account.baseURL?.trim() || DEFAULT_PROVIDER_URLS[name];
    out[name] = { apiKey, baseURL: checkedUrl(`providers.${name}.baseURL`, raw).replace(/\/+$/, "") };
  }
  return out;
}

/** `raw` when it is an http(s) URL; otherwise a TypeError naming `setting`. */
function checkedUrl(setting: string, raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new TypeError(`${setting} is not a URL: "${raw}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new TypeError(`${setting} must be an http(s) URL: "${raw}"`);
  return raw;
}
