/**
 * The trace endpoint misbehaves; the app must not notice: same results, no unhandled rejection or
 * uncaught exception, bounded retries, counted loss, bounded shutdown.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createConsoleLogger, setLogger, type Logger } from "../../src/logger.js";
import { init, shutdown } from "../../src/tracing/sdk.js";
import { traceable } from "../../src/tracing/traceable.js";
import { startFaultServer, type Fault } from "../helpers/fault-server.js";

const problems: unknown[] = [];
const onProblem = (e: unknown) => void problems.push(e);
const lines: string[] = [];
const quiet: Logger = { debug: () => {}, info: () => {}, warn: (m) => void lines.push(m), error: (m) => void lines.push(m) };

beforeEach(() => {
  problems.length = 0;
  lines.length = 0;
  process.on("unhandledRejection", onProblem);
  process.on("uncaughtException", onProblem);
  setLogger(quiet);
});
afterEach(async () => {
  await shutdown();
  process.off("unhandledRejection", onProblem);
  process.off("uncaughtException", onProblem);
  setLogger(createConsoleLogger("warn"));
});

const work = traceable(async function work(n: number) {
  return n * 2;
});

const FAULTS: Array<[string, Fault]> = [
  ["returns 429", { kind: "status", status: 429 }],
  ["returns 500", { kind: "status", status: 500 }],
  ["returns 503", { kind: "status", status: 503 }],
  ["drops the connection mid-request", { kind: "drop" }],
  ["is slower than the export timeout", { kind: "slow", ms: 5_000 }],
];

describe.each(FAULTS)("when the trace endpoint %s", (_label, fault) => {
  it("keeps results and latency, retries within bounds, counts what was lost and shuts down in time", async () => {
    const server = await startFaultServer(fault);
    try {
      const tracing = init({
        endpoint: server.url,
        handleExit: false,
        timeoutMillis: 1_000,
        shutdownTimeoutMillis: 2_500,
        batch: { scheduledDelayMillis: 10, maxExportBatchSize: 10, maxQueueSize: 100 },
        instrumentations: false,
      });
      const started = performance.now();
      const results: number[] = [];
      for (let i = 0; i < 50; i++) results.push(await work(i));
      const elapsed = performance.now() - started;
      expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
      expect(elapsed).toBeLessThan(500); // export work never sits on the call path

      await new Promise((r) => setTimeout(r, 300));
      const shutdownStarted = performance.now();
      await shutdown();
      expect(performance.now() - shutdownStarted).toBeLessThan(3_500);

      const stats = tracing.stats();
      expect(stats.ended).toBe(50);
      expect(stats.exported).toBe(0);
      expect(stats.lost).toBe(50);
      expect(lines.filter((l) => l.includes("could not be exported"))).toHaveLength(1);
      expect(problems).toEqual([]);
      // The exporter retries retryable failures, but boundedly: a handful of attempts per batch.
      expect(server.requests).toBeLessThan(5 * 6 + 6);
    } finally {
      await server.close();
    }
  });
});

describe("when the trace endpoint is down (connection refused)", () => {
  it("keeps results, counts the loss once and shuts down in time", async () => {
    const closed = await startFaultServer({ kind: "ok" });
    const url = closed.url;
    await closed.close(); // nothing listens on that port any more
    const tracing = init({ endpoint: url, handleExit: false, timeoutMillis: 1_000, shutdownTimeoutMillis: 2_500, batch: { scheduledDelayMillis: 10 }, instrumentations: false });
    const results: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 50; i++) results.push(await work(i));
    expect(performance.now() - started).toBeLessThan(500);
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    await new Promise((r) => setTimeout(r, 200));
    const shutdownStarted = performance.now();
    await shutdown();
    expect(performance.now() - shutdownStarted).toBeLessThan(3_500);
    expect(tracing.stats()).toMatchObject({ ended: 50, exported: 0, lost: 50 });
    expect(lines.filter((l) => l.includes("could not be exported"))).toHaveLength(1);
    expect(problems).toEqual([]);
  });
});

describe("when the trace endpoint recovers", () => {
  it("delivers later spans once it is back", async () => {
    const server = await startFaultServer({ kind: "status", status: 503 });
    try {
      const tracing = init({ endpoint: server.url, handleExit: false, timeoutMillis: 500, batch: { scheduledDelayMillis: 10 }, instrumentations: false });
      await work(1);
      await new Promise((r) => setTimeout(r, 700));
      server.setFault({ kind: "ok" });
      for (let i = 0; i < 5; i++) await work(i);
      await shutdown();
      expect(tracing.stats().exported).toBe(5);
      expect(problems).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("when spans pile up faster than a stalled endpoint takes them", () => {
  it("holds memory to the queue bound and counts the drops", async () => {
    const server = await startFaultServer({ kind: "slow", ms: 10_000 });
    try {
      const tracing = init({
        endpoint: server.url,
        handleExit: false,
        timeoutMillis: 5_000,
        shutdownTimeoutMillis: 500,
        batch: { maxQueueSize: 1000, maxExportBatchSize: 500, scheduledDelayMillis: 50 },
        instrumentations: false,
      });
      const big = traceable(function big(s: string) {
        return s.length;
      });
      const payload = "x".repeat(10_000);
      // A real collection before each reading, so the figure is retained memory, not garbage.
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc") as () => void;
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 20_000; i++) big(payload);
      gc();
      const grown = process.memoryUsage().heapUsed - before;
      // 20 000 spans × ~20 KB of attributes would be ~400 MB if nothing were dropped.
      expect(grown).toBeLessThan(150 * 1024 * 1024);
      await shutdown();
      const stats = tracing.stats();
      expect(stats.ended).toBe(20_000);
      expect(stats.lost).toBeGreaterThan(18_000);
      expect(problems).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
