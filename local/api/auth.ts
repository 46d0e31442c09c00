/**
 * API-key checks. The service takes the key in the `X-API-KEY` header (any case: Node lowercases
 * header names) and, on its legacy tracking endpoints, in the JSON body's `api_key`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { AuthError } from "./errors.js";

export type AuthStyle = "header" | "legacy" | "none";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Constant-time comparison (hashing first makes the lengths equal). */
export function sameKey(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function headerKey(req: IncomingMessage): string | undefined {
  const value = req.headers["x-api-key"];
  const key = (Array.isArray(value) ? value[0] : value)?.trim();
  return key ? key : undefined;
}

/** Throws `AuthError` unless the request carries `expected` where `style` allows it. */
export function authenticate(req: IncomingMessage, body: unknown, style: AuthStyle, expected: string): void {
  if (style === "none") return;
  let given = headerKey(req);
  if (given === undefined && style === "legacy" && typeof body === "object" && body !== null) {
    const field = (body as Record<string, unknown>).api_key;
    if (typeof field === "string" && field.trim()) given = field.trim();
  }
  if (given === undefined) {
    throw new AuthError(style === "legacy" ? "No API key was sent (X-API-KEY header or the body's api_key)" : "No API key was sent (X-API-KEY header)");
  }
  if (!sameKey(given, expected)) throw new AuthError("The API key does not match this local backend's key");
}
