/**
 * Fault injection through request headers. SDKs let callers set headers per client
 * (`defaultHeaders`) or per request (`{ headers }` in request options), so a test can make one
 * call fail, stall, trickle or break off mid-stream, or report usage it otherwise would not,
 * without any server-side setup.
 */
import type { IncomingMessage } from "node:http";

/** `x-mock-status: 429` answers with that HTTP status (400–599) and the provider's error body. */
export const MOCK_STATUS_HEADER = "x-mock-status";
/** `x-mock-latency-ms: 250` waits that long before the response (for streams: before the first event). */
export const MOCK_LATENCY_HEADER = "x-mock-latency-ms";
/** `x-mock-cut-after: 3` sends 3 SSE events of a stream, then destroys the socket mid-response. */
export const MOCK_CUT_AFTER_HEADER = "x-mock-cut-after";
/** `x-mock-chunks: 50` splits a streamed text reply into that many content deltas. */
export const MOCK_CHUNKS_HEADER = "x-mock-chunks";
/** `x-mock-chunk-delay-ms: 20` waits that long between consecutive SSE events of a stream. */
export const MOCK_CHUNK_DELAY_HEADER = "x-mock-chunk-delay-ms";
/** `x-mock-cached-tokens: 128` reports that many prompt tokens as read from OpenAI's prompt cache. */
export const MOCK_CACHED_TOKENS_HEADER = "x-mock-cached-tokens";

/** Latency is capped so a typo cannot hang a test run for hours. */
export const MAX_LATENCY_MS = 60_000;
/** Deltas are capped so one request cannot make the server build a gigantic stream. */
export const MAX_CHUNKS = 10_000;
/** The pause between events is capped too (a stream of many events multiplies it). */
export const MAX_CHUNK_DELAY_MS = 5_000;

export interface Faults {
  /** Forced error status, when the header holds a number from 400 to 599. */
  status?: number;
  latencyMs: number;
  /** Number of SSE events to send before cutting the connection. */
  cutAfter?: number;
  /** Requested number of content deltas for a streamed text reply. */
  chunks?: number;
  /** Pause between consecutive SSE events (0: all events at once). */
  chunkDelayMs: number;
  /** OpenAI endpoints: prompt tokens to report as cached (capped at the prompt's size). */
  cachedTokens?: number;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A non-negative integer header, or undefined when absent or malformed (malformed means "no fault"). */
function intHeader(req: IncomingMessage, name: string): number | undefined {
  const raw = header(req, name)?.trim();
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

export function parseFaults(req: IncomingMessage): Faults {
  const status = intHeader(req, MOCK_STATUS_HEADER);
  const chunks = intHeader(req, MOCK_CHUNKS_HEADER);
  return {
    status: status !== undefined && status >= 400 && status <= 599 ? status : undefined,
    latencyMs: Math.min(intHeader(req, MOCK_LATENCY_HEADER) ?? 0, MAX_LATENCY_MS),
    cutAfter: intHeader(req, MOCK_CUT_AFTER_HEADER),
    chunks: chunks !== undefined && chunks > 0 ? Math.min(chunks, MAX_CHUNKS) : undefined,
    chunkDelayMs: Math.min(intHeader(req, MOCK_CHUNK_DELAY_HEADER) ?? 0, MAX_CHUNK_DELAY_MS),
    cachedTokens: intHeader(req, MOCK_CACHED_TOKENS_HEADER),
  };
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
