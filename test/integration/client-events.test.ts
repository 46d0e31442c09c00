/**
 * Outcome events: validated at once, delivered in the background (a burst never blocks),
 * retried while the service is down, none lost, refusals reported.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PromptLayerValidationError } from "../../src/errors.js";
import { PromptLayer } from "../../src/client/index.js";
import { createConsoleLogger, setLogger } from "../../src/logger.js";
import { RETRY_POLICY } from "../../src/client/retry.js";
import { startClientTestServer, TEST_PL_KEY } from "../helpers/client-server.js";

interface Recorded {
  path: string;
  body: { request_id: number; metadata?: Record<string, string>; score?: number; name?: string; api_key?: string };
}

/** A tracking endpoint that can be taken down and brought back on the same port. */
async function trackingService() {
  const received: Recorded[] = [];
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const handler = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const body = JSON.parse(raw) as Recorded["body"];
      if (body.request_id === 404) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ success: false, message: "Request not found" }));
        return;
      }
      received.push({ path: req.url ?? "", body });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ success: true }));
    });
  };
  const up = async () => {
    server = createServer(handler);
    server.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((r) => server!.listen(port, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  };
  const down = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server!.close(() => r());
    });
  await up();
  return { received, up, down, url: () => `http://127.0.0.1:${port}` };
}

let service: Awaited<ReturnType<typeof trackingService>> | undefined;
afterEach(async () => {
  await service?.down().catch(() => undefined);
  setLogger(createConsoleLogger("warn"));
});

type SentEvent = { key: string; request: number; type?: string; [field: string]: unknown };
const eventsIn = (received: Recorded[]): SentEvent[] =>
  received
    .filter((r) => r.path === "/library-track-metadata")
    .flatMap((r) => Object.entries(r.body.metadata ?? {}).map(([k, v]): SentEvent => ({ ...(JSON.parse(v) as Record<string, unknown>), key: k, request: r.body.request_id })));

describe("outcome events", () => {
  it("rejects invalid events at once with a typed error, before anything is sent", () => {
    const pl = new PromptLayer({ apiKey: "k", baseURL: "http://127.0.0.1:9" });
    expect(() => pl.track.rating({ requestId: 1, value: 6 })).toThrow(PromptLayerValidationError);
    expect(() => pl.track.feedback({ requestId: 1, value: "meh" as "up" })).toThrow(/"up" or "down"/);
    expect(() => pl.track.engagement({ requestId: 1, value: -3 })).toThrow(PromptLayerValidationError);
    expect(() => pl.track.click({ requestId: 0 })).toThrow(PromptLayerValidationError);
    const lenient = new PromptLayer({ apiKey: "k", baseURL: "http://127.0.0.1:9", throwOnError: false });
    setLogger(createConsoleLogger("none"));
    expect(lenient.track.rating({ requestId: 1, value: 0 })).toBe(false);
  });

  it("returns at once for a burst and delivers every event, grouped per request, with scores for feedback and ratings", async () => {
    service = await trackingService();
    const pl = new PromptLayer({ apiKey: "pl_k", baseURL: service.url() });
    const started = performance.now();
    for (let i = 1; i <= 300; i++) {
      pl.track.click({ requestId: i, label: "buy", source: "web", userId: `u${i}` });
      pl.track.feedback({ requestId: i, value: i % 2 ? "up" : "down" });
    }
    pl.track.events([{ type: "rating", requestId: 1, value: 5 }, { type: "conversion", requestId: 2, value: 19.99 }, { type: "engagement", requestId: 3, value: 42 }]);
    expect(performance.now() - started).toBeLessThan(100);
    const result = await pl.track.flush();
    expect(result).toEqual({ delivered: 603, failed: [], pending: 0 });
    const events = eventsIn(service.received);
    expect(events).toHaveLength(603);
    expect(new Set(events.map((e) => e.key)).size).toBe(603);
    expect(events.find((e) => e.request === 5 && e.type === "click")).toMatchObject({ label: "buy", source: "web", user_id: "u5" });
    expect(events.find((e) => e.type === "conversion")).toMatchObject({ value: 19.99, request: 2 });
    const scores = service.received.filter((r) => r.path === "/library-track-score").map((r) => r.body);
    expect(scores.filter((s) => s.name === "feedback")).toHaveLength(300);
    expect(scores.find((s) => s.name === "rating")).toMatchObject({ request_id: 1, score: 100 });
    expect(service.received.every((r) => r.body.api_key === "pl_k")).toBe(true);
    // One metadata call per request, not per event.
    expect(service.received.filter((r) => r.path === "/library-track-metadata")).toHaveLength(300);
  });

  it("takes the end user as externalUserId, as run() and templates.get() do, with userId kept as an alias", async () => {
    service = await trackingService();
    const pl = new PromptLayer({ apiKey: "pl_k", baseURL: service.url() });
    pl.track.click({ requestId: 1, externalUserId: "shopper-1" });
    pl.track.conversion({ requestId: 2, userId: "shopper-2", value: 5 });
    pl.track.rating({ requestId: 3, externalUserId: "shopper-3", userId: "shopper-3", value: 4 });
    pl.track.events([{ type: "feedback", requestId: 4, value: "up", externalUserId: "shopper-4" }, { type: "engagement", requestId: 5, value: 3, userId: "shopper-5" }]);
    pl.track.engagement({ requestId: 6, value: 1 });
    expect(await pl.track.flush()).toEqual({ delivered: 6, failed: [], pending: 0 });
    const byRequest = Object.fromEntries(eventsIn(service.received).map((e) => [e.request, e.user_id]));
    expect(byRequest).toEqual({ 1: "shopper-1", 2: "shopper-2", 3: "shopper-3", 4: "shopper-4", 5: "shopper-5", 6: undefined });

    // Both names with different values is a mistake, caught at once.
    expect(() => pl.track.click({ requestId: 1, externalUserId: "a", userId: "b" })).toThrow(/Invalid userId: an alias of externalUserId/);
    expect(() => pl.track.click({ requestId: 1, externalUserId: "" })).toThrow(/Invalid externalUserId/);
  });

  it("loses nothing when the service is briefly down", async () => {
    service = await trackingService();
    // Counts the deliveries refused while the service is down, so the test waits for failed
    // rounds instead of guessing when the backoff's next round is due.
    let refused = 0;
    const counting: typeof fetch = (input, init) =>
      fetch(input, init).catch((error: unknown) => {
        refused++;
        throw error;
      });
    const pl = new PromptLayer({ apiKey: "pl_k", baseURL: service.url(), fetch: counting });
    setLogger(createConsoleLogger("none"));
    await service.down();
    for (let i = 1; i <= 50; i++) pl.track.conversion({ requestId: i });
    // Two rounds fail meanwhile (each sends its first 8 requests, which all fail, then backs off).
    await expect.poll(() => refused, { timeout: 5_000 }).toBeGreaterThanOrEqual(16);
    await service.up();
    const result = await pl.track.flush();
    expect(result.pending).toBe(0);
    expect(result.failed).toEqual([]);
    expect(eventsIn(service.received).filter((e) => e.type === "conversion")).toHaveLength(50);
  });

  it("flush() waits for a delivery already under way, counts its events as pending, and retries them if it fails", async () => {
    const server = await startClientTestServer();
    try {
      setLogger(createConsoleLogger("none"));
      // The first delivery is slow and refused on every attempt of the HTTP layer; the next succeeds.
      server.fault({ pathPrefix: "/library-track-metadata", status: 503, times: RETRY_POLICY.attempts, delayMs: 150 });
      const quick = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 10)));
      const pl = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: server.url }, { sleep: quick });
      for (let i = 1; i <= 5; i++) pl.track.click({ requestId: 7, label: `link-${i}` });
      // The background round has taken the events out of the queue and is waiting on the service.
      await expect.poll(() => server.callsTo("/library-track-metadata").length).toBe(1);

      // A flush that times out meanwhile reports those events as pending, not as done.
      expect(await pl.track.flush(20)).toEqual({ delivered: 0, failed: [], pending: 5 });

      // A flush mid-delivery resolves only once they are delivered, the failed round retried.
      expect(await pl.track.flush()).toEqual({ delivered: 5, failed: [], pending: 0 });
      const sent = server.callsTo("/library-track-metadata");
      expect(sent).toHaveLength(RETRY_POLICY.attempts + 1);
      expect(Object.keys(sent.at(-1)!.body.metadata as Record<string, string>)).toHaveLength(5);
      // Nothing left to send afterwards.
      await new Promise((r) => setTimeout(r, 50));
      expect(server.callsTo("/library-track-metadata")).toHaveLength(RETRY_POLICY.attempts + 1);
    } finally {
      await server.close();
    }
  });

  it("reports events the service refuses for good (an unknown request id) instead of retrying forever", async () => {
    service = await trackingService();
    const pl = new PromptLayer({ apiKey: "pl_k", baseURL: service.url() });
    setLogger(createConsoleLogger("none"));
    pl.track.click({ requestId: 404 });
    pl.track.click({ requestId: 7 });
    const result = await pl.track.flush();
    expect(result.delivered).toBe(1);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.event).toMatchObject({ type: "click", requestId: 404 });
    expect(result.failed[0]!.error.message).toContain("Request not found");
  });
});
