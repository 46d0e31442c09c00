/** How a failed provider call is logged (CONTRACT §4.7): its `error_type` and a bounded message. */
import { scrubSecrets } from "../redact.js";
import type { RequestErrorType } from "../types.js";

export const MAX_PROVIDER_ERROR_MESSAGE = 1024;

function statusOf(error: unknown): number | undefined {
  const s = (error as { status?: unknown } | null)?.status;
  return typeof s === "number" ? s : undefined;
}

function classNameOf(error: unknown): string {
  if (error === null || typeof error !== "object") return "";
  return `${(error as object).constructor?.name ?? ""} ${(error as { name?: unknown }).name ?? ""}`.toLowerCase();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** First match wins, in the order the service's SDKs use. */
export function categorizeProviderError(error: unknown): RequestErrorType {
  const status = statusOf(error);
  const name = classNameOf(error);
  const message = messageOf(error).toLowerCase();
  if (status === 429 || name.includes("ratelimit")) return "PROVIDER_RATE_LIMIT";
  if (name.includes("timeout")) return "PROVIDER_TIMEOUT";
  if (status === 401 || name.includes("authentication")) return "PROVIDER_AUTH_ERROR";
  if (status === 402 || message.includes("quota")) return "PROVIDER_QUOTA_LIMIT";
  if (message.includes("timeout") || message.includes("timed out")) return "PROVIDER_TIMEOUT";
  if (status !== undefined) return "PROVIDER_ERROR";
  return "UNKNOWN_ERROR";
}

/** The message to log: secrets removed, at most 1024 characters. */
export function providerErrorMessage(error: unknown, secrets: ReadonlyArray<string | undefined>): string {
  return scrubSecrets(messageOf(error), secrets).slice(0, MAX_PROVIDER_ERROR_MESSAGE);
}
