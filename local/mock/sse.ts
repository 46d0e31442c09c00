/**
 * Server-sent events. Replies are deterministic, so each handler builds its whole event list up
 * front and hands it here; this module owns the timing (latency before the first event, an
 * optional pause between events) and the cut-after fault (n events, then a destroyed socket and
 * no terminating chunk).
 */
import { sleep } from "./faults.js";
import { responseHeaders, type MockContext } from "./http.js";

export interface SseEvent {
  /** The `event:` field; omitted for OpenAI chat/completions chunks and Gemini, which send bare `data:`. */
  event?: string;
  /** Serialized as JSON, except a string, which is sent verbatim (OpenAI's `[DONE]`). */
  data: unknown;
}

export function formatSse({ event, data }: SseEvent): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  return (event === undefined ? "" : `event: ${event}\n`) + `data: ${payload}\n\n`;
}

/**
 * Streams `events` as `text/event-stream`. Headers go out at once (as with real providers, a
 * stream "opens" fast); the latency fault delays the first event, which is what time-to-first-token
 * measurements see. With `chunkDelayMs`, each later event waits that long, so a client can act
 * mid-stream (abort, break) while the server is still sending; a client that goes away stops the
 * sending. With `cutAfter`, the socket is destroyed after that many events have been flushed, so
 * the client sees a truncated chunked body rather than a clean end.
 */
export async function writeSse(ctx: Pick<MockContext, "res" | "dialect" | "seed" | "faults">, events: SseEvent[]): Promise<void> {
  const { res, faults } = ctx;
  res.writeHead(200, { ...responseHeaders(ctx, "text/event-stream; charset=utf-8"), "cache-control": "no-cache", connection: "keep-alive" });
  res.flushHeaders();
  await sleep(faults.latencyMs);
  const limit = faults.cutAfter;
  const sending = limit === undefined ? events : events.slice(0, limit);
  let gone = false;
  res.once("close", () => (gone = true));
  for (const [i, event] of sending.entries()) {
    if (i > 0 && faults.chunkDelayMs > 0) await sleep(faults.chunkDelayMs);
    if (gone || res.destroyed) return;
    res.write(formatSse(event));
  }
  if (limit !== undefined && limit < events.length) {
    // Destroy only after the written events reach the socket, or they could be dropped with it.
    await new Promise<void>((resolve) => res.write("", () => resolve()));
    res.socket?.destroy();
    return;
  }
  res.end();
}
