import { diag, DiagLogLevel, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver } from "../../local/otlp/receiver.js";
import { createConsoleLogger, createDiagLogger, setLogger, type Logger } from "../../src/logger.js";
import { forceFlush, init, shutdown } from "../../src/tracing/sdk.js";
import { traceable } from "../../src/tracing/traceable.js";

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  return { lines, debug: () => {}, info: push, warn: push, error: push };
}

const workflow = traceable(async function workflow(q: string) {
  const step = traceable(async function step(x: string) {
    return x.toUpperCase();
  });
  return step(q);
});

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await shutdown();
  await receiver.close();
  setLogger(createConsoleLogger("warn"));
});

describe("init() exporting over OTLP/HTTP", () => {
  it("sends protobuf with the X-API-KEY header, the resource and the span tree", async () => {
    init({ endpoint: receiver.url, apiKey: "pl_test_key", serviceName: "svc-a", handleExit: false });
    expect(await workflow("hi")).toBe("HI");
    await forceFlush();
    const spans = await receiver.waitForSpans(2);
    const req = receiver.requests[0]!;
    expect(req.contentType).toBe("application/x-protobuf");
    expect(req.headers["x-api-key"]).toBe("pl_test_key");
    expect(String(req.headers["user-agent"])).toContain("promptlayer-otel/");
    const parent = spans.find((s) => s.name === "workflow")!;
    const child = spans.find((s) => s.name === "step")!;
    expect(child.parentSpanId).toBe(parent.spanId);
    expect(child.traceId).toBe(parent.traceId);
    expect(parent.resource["service.name"]).toBe("svc-a");
    expect(parent.attributes.function_input).toBe('["hi"]');
    expect(parent.attributes.function_output).toBe('"HI"');
  });

  it("sends OTLP/JSON when asked, gzip-compressed when asked", async () => {
    init({ endpoint: receiver.url, protocol: "http/json", compression: "gzip", handleExit: false });
    await workflow("x");
    await forceFlush();
    await receiver.waitForSpans(2);
    expect(receiver.requests[0]!.contentType).toBe("application/json");
    expect(receiver.requests[0]!.contentEncoding).toBe("gzip");
  });

  it("honours OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME and the attribute length limit on exported spans", async () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=staging,team=search", OTEL_SERVICE_NAME: "svc-env", OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: "12" };
    Object.assign(process.env, env);
    try {
      init({ endpoint: receiver.url, handleExit: false, instrumentations: false });
      await workflow("a long question that will be cut");
      await forceFlush();
      const spans = await receiver.waitForSpans(2);
      expect(spans[0]!.resource).toMatchObject({ "service.name": "svc-env", "deployment.environment.name": "staging", team: "search" });
      const root = spans.find((s) => s.name === "workflow")!;
      expect(String(root.attributes.function_input)).toHaveLength(12);
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
    }
  });

  it("exports nothing and registers nothing with OTEL_SDK_DISABLED=true", async () => {
    process.env.OTEL_SDK_DISABLED = "true";
    try {
      const tracing = init({ endpoint: receiver.url, handleExit: false });
      expect(tracing.tracerProvider).toBeUndefined();
      expect(await workflow("w")).toBe("W");
      await forceFlush();
      await new Promise((r) => setTimeout(r, 100));
      expect(receiver.spans).toHaveLength(0);
    } finally {
      delete process.env.OTEL_SDK_DISABLED;
    }
  });

  it("derives the endpoint from PROMPTLAYER_BASE_URL", async () => {
    const before = process.env.PROMPTLAYER_BASE_URL;
    process.env.PROMPTLAYER_BASE_URL = receiver.url.replace("/v1/traces", "");
    try {
      const tracing = init({ handleExit: false });
      expect(tracing.config.endpoint).toBe(receiver.url);
      await workflow("y");
      await forceFlush();
      expect(await receiver.waitForSpans(2)).toHaveLength(2);
    } finally {
      if (before === undefined) delete process.env.PROMPTLAYER_BASE_URL;
      else process.env.PROMPTLAYER_BASE_URL = before;
    }
  });

  it("keeps an application's own tracer provider instead of replacing it", async () => {
    const appExporter = new InMemorySpanExporter();
    const appProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: appExporter })] });
    trace.setGlobalTracerProvider(appProvider);
    try {
      const tracing = init({ endpoint: receiver.url, handleExit: false });
      expect(tracing.tracerProvider).toBeUndefined();
      await workflow("z");
      expect(appExporter.getFinishedSpans().map((s) => s.name).sort()).toEqual(["step", "workflow"]);
      expect(receiver.spans).toHaveLength(0);
    } finally {
      await shutdown();
      trace.disable();
    }
  });
});

describe("export failures", () => {
  it("counts spans that cannot reach the endpoint and reports them once, never throwing", async () => {
    const log = captureLogger();
    setLogger(log);
    const closed = await startOtlpReceiver();
    const deadUrl = closed.url;
    await closed.close();
    const tracing = init({ endpoint: deadUrl, timeoutMillis: 500, handleExit: false, shutdownTimeoutMillis: 3000 });
    for (let i = 0; i < 3; i++) expect(await workflow(`q${i}`)).toBe(`Q${i}`);
    await forceFlush();
    await shutdown();
    expect(tracing.stats()).toMatchObject({ ended: 6, exported: 0, failed: 6, lost: 6 });
    const reports = log.lines.filter((l) => l.includes("could not be exported"));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain("6 span(s)");
  });

  it("can report through OpenTelemetry's diag logger instead (createDiagLogger)", async () => {
    const seen: string[] = [];
    const push = (m: string) => void seen.push(m);
    diag.setLogger({ error: push, warn: push, info: push, debug: () => {}, verbose: () => {} }, DiagLogLevel.INFO);
    setLogger(createDiagLogger());
    try {
      const closed = await startOtlpReceiver();
      await closed.close();
      init({ endpoint: closed.url, timeoutMillis: 500, handleExit: false, shutdownTimeoutMillis: 3000, instrumentations: false });
      await workflow("d");
      await shutdown();
      expect(seen.filter((l) => l.startsWith("[promptlayer]") && l.includes("could not be exported"))).toHaveLength(1);
    } finally {
      diag.disable();
    }
  });

  it("counts spans dropped because the queue is full", async () => {
    const log = captureLogger();
    setLogger(log);
    const tracing = init({
      endpoint: receiver.url,
      handleExit: false,
      batch: { maxQueueSize: 4, maxExportBatchSize: 4, scheduledDelayMillis: 60_000 },
    });
    const tick = traceable(function tick(i: number) {
      return i;
    });
    for (let i = 0; i < 10; i++) tick(i);
    await shutdown();
    const stats = tracing.stats();
    expect(stats.ended).toBe(10);
    expect(stats.lost).toBeGreaterThan(0);
    expect(stats.exported + stats.lost).toBe(10);
    expect(receiver.spans).toHaveLength(stats.exported);
    expect(log.lines.some((l) => /dropped \(queue full/.test(l))).toBe(true);
  });

  it("bounds shutdown when the endpoint accepts but never answers", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const blackhole: Server = createServer(() => {
      /* never respond */
    });
    blackhole.on("connection", (s) => sockets.add(s));
    await new Promise<void>((r) => blackhole.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(blackhole.address() as AddressInfo).port}/v1/traces`;
    setLogger(captureLogger());
    try {
      init({ endpoint: url, handleExit: false, shutdownTimeoutMillis: 400, timeoutMillis: 30_000 });
      await workflow("w");
      const started = Date.now();
      await shutdown();
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      for (const s of sockets) s.destroy();
      blackhole.close();
    }
  });
});

describe("bounded by shutdownTimeoutMillis whatever the processors do", () => {
  it("shutdown() and forceFlush() return in time when an app's own span processor never finishes", async () => {
    const stuck = { onStart() {}, onEnd() {}, forceFlush: () => new Promise<void>(() => {}), shutdown: () => new Promise<void>(() => {}) };
    const flushed: string[] = [];
    const exporter = new InMemorySpanExporter();
    init({ endpoint: receiver.url, handleExit: false, shutdownTimeoutMillis: 300, spanProcessors: [stuck, new SimpleSpanProcessor({ exporter })] });
    await workflow("w");
    let started = Date.now();
    await forceFlush();
    expect(Date.now() - started).toBeLessThan(1500);
    flushed.push(...exporter.getFinishedSpans().map((s) => s.name));
    expect(flushed.sort()).toEqual(["step", "workflow"]);
    started = Date.now();
    await shutdown();
    expect(Date.now() - started).toBeLessThan(1500);
    expect((await receiver.waitForSpans(2)).map((s) => s.name).sort()).toEqual(["step", "workflow"]);
  });
});

describe("forceFlush", () => {
  it("returns only once an export already under way has been answered", async () => {
    const { createServer } = await import("node:http");
    let delivered = 0;
    const slow = createServer((req, res) => {
      req.resume();
      req.on("end", () =>
        setTimeout(() => {
          delivered++;
          res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
        }, 300),
      );
    });
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(slow.address() as import("node:net").AddressInfo).port}/v1/traces`;
    try {
      // Batches of one, exported at once: the first export is in flight when forceFlush is called.
      init({ endpoint: url, handleExit: false, instrumentations: false, batch: { maxExportBatchSize: 1, scheduledDelayMillis: 0 } });
      await workflow("in flight");
      await new Promise((r) => setTimeout(r, 50));
      await forceFlush();
      expect(delivered).toBeGreaterThanOrEqual(2);
    } finally {
      await shutdown();
      slow.close();
    }
  });
});
