/**
 * What every mock endpoint shares: the per-request context, the provider "dialect" (how it
 * authenticates, names its request-id header and shapes its error bodies) and JSON replies that
 * honour the latency fault.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { sleep, type Faults } from "./faults.js";

export type Json = Record<string, unknown>;

/** The parts of a provider's HTTP conventions that differ between OpenAI, Anthropic and Gemini. */
export interface Dialect {
  /** Whether the request carries a credential in a place this provider reads (any non-empty key passes). */
  authorized(req: IncomingMessage, url: URL): boolean;
  /** The provider's error body for an HTTP status (the error type is derived from the status). */
  errorBody(status: number, message: string, requestId: string): unknown;
  /** The provider's message for a key it rejects (an injected 401), when it has its own wording. */
  rejectedKeyMessage?(req: IncomingMessage): string;
  /** Response header carrying the request id, when the provider sends one. */
  requestIdHeader?: string;
  requestId(seed: string): string;
}

/** State that lives as long as one mock server (or one mounted handler). */
export interface MockState {
  /** Hashes of Anthropic prompt prefixes already written to the (pretend) prompt cache. */
  anthropicCache: Set<string>;
}

export interface MockContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The parsed JSON body (always an object by the time a handler runs). */
  body: Json;
  /** Hex SHA-256 of method, path and raw body: the root of every id and timestamp in the reply. */
  seed: string;
  faults: Faults;
  dialect: Dialect;
  state: MockState;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S.*)$/i.exec(String(req.headers.authorization ?? ""));
  return match?.[1]?.trim() || undefined;
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

export function responseHeaders(ctx: Pick<MockContext, "dialect" | "seed">, contentType: string): Record<string, string> {
  const headers: Record<string, string> = { "content-type": contentType };
  if (ctx.dialect.requestIdHeader) headers[ctx.dialect.requestIdHeader] = ctx.dialect.requestId(ctx.seed);
  return headers;
}

/** Sends a JSON reply after the injected latency. */
export async function sendJson(ctx: Pick<MockContext, "res" | "dialect" | "seed" | "faults">, status: number, body: unknown): Promise<void> {
  await sleep(ctx.faults.latencyMs);
  if (ctx.res.destroyed) return;
  ctx.res.writeHead(status, responseHeaders(ctx, "application/json")).end(JSON.stringify(body));
}

export function sendError(ctx: Pick<MockContext, "res" | "dialect" | "seed" | "faults">, status: number, message: string): Promise<void> {
  return sendJson(ctx, status, ctx.dialect.errorBody(status, message, ctx.dialect.requestId(ctx.seed)));
}

/** Thrown by handlers for a 4xx reply in the provider's error shape (bad request bodies, unknown paths). */
export class MockHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// Small readers for loosely typed request bodies: SDK callers send whatever they like, and the
// mock should degrade to defaults rather than crash on an unexpected shape.
export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
export const asNumber = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
export const asObject = (value: unknown): Json => (isObject(value) ? value : {});

export function requireString(body: Json, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") throw new MockHttpError(400, `${field}: Field required (a non-empty string)`);
  return value;
}
