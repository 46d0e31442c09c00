import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DURATION_BUCKETS, TOKEN_USAGE_BUCKETS } from "../../src/semconv.js";
import { useInstrumentedOpenAI } from "../helpers/openai.js";

const h = useInstrumentedOpenAI();
const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
const meterProvider = new MeterProvider({ readers: [reader] });

beforeAll(() => h.instrumentation.setMeterProvider(meterProvider));
afterAll(() => meterProvider.shutdown());

async function collect(): Promise<Map<string, ResourceMetrics["scopeMetrics"][number]["metrics"][number]>> {
  await reader.forceFlush();
  const all = exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
  return new Map(all.map((m) => [m.descriptor.name, m]));
}

describe("GenAI client metrics", () => {
  it("records token usage and duration with the conventions' buckets, and time to first chunk for streams", async () => {
    const client = h.client();
    const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "metrics" }] });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "s" }], stream: true });
    for await (const _ of stream) void _;
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }, { headers: { "x-mock-status": "500" } }).catch(() => undefined);

    const metrics = await collect();
    const usage = metrics.get("gen_ai.client.token.usage")!;
    expect(usage).toBeDefined();
    const input = usage.dataPoints.find((d) => d.attributes["gen_ai.token.type"] === "input")!;
    expect(input.attributes).toMatchObject({ "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini" });
    expect((input.value as { sum: number }).sum).toBeGreaterThanOrEqual(res.usage!.prompt_tokens);
    expect((input.value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual(TOKEN_USAGE_BUCKETS);

    const duration = metrics.get("gen_ai.client.operation.duration")!;
    expect((duration.dataPoints[0]!.value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual(DURATION_BUCKETS);
    expect(duration.descriptor.unit).toBe("s");
    const failed = duration.dataPoints.find((d) => d.attributes["error.type"] === "InternalServerError");
    expect(failed, "a failed call is recorded with error.type").toBeDefined();

    expect(metrics.get("gen_ai.client.operation.time_to_first_chunk")!.dataPoints).toHaveLength(1);
    expect(metrics.has("gen_ai.client.operation.time_per_output_chunk")).toBe(true);
  });
});

describe("GenAI client metrics under the latest conventions (semconv: latest)", () => {
  it("uses the inference metric names: usage counters per token kind (cache and reasoning too) and per-operation histograms", async () => {
    h.configure({ semconv: "latest" });
    h.instrumentation.setMeterProvider(meterProvider); // instruments are made per conventions version
    try {
      const res = await h.client().chat.completions.create({ model: "o3-mini", messages: [{ role: "user", content: "think about this question carefully" }] }, { headers: { "x-mock-cached-tokens": "4" } });
      const cachedTokens = res.usage!.prompt_tokens_details!.cached_tokens!;
      expect(cachedTokens).toBeGreaterThan(0);
      const metrics = await collect();
      for (const name of [
        "gen_ai.client.inference.duration",
        "gen_ai.client.inference.usage.input_tokens",
        "gen_ai.client.inference.usage.output_tokens",
        "gen_ai.client.inference.usage.cache_read.input_tokens",
        "gen_ai.client.inference.usage.reasoning.output_tokens",
        "gen_ai.client.inference.operation.input_tokens",
        "gen_ai.client.inference.operation.output_tokens",
      ]) {
        expect(metrics.has(name), name).toBe(true);
      }
      const cached = metrics.get("gen_ai.client.inference.usage.cache_read.input_tokens")!;
      expect(cached.dataPoints.find((d) => d.attributes["gen_ai.request.model"] === "o3-mini")!.value).toBe(cachedTokens);
      expect(cached.dataPoints[0]!.attributes["gen_ai.token.modality"]).toBe("text");
      const perOp = metrics.get("gen_ai.client.inference.operation.input_tokens")!;
      expect((perOp.dataPoints[0]!.value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual(TOKEN_USAGE_BUCKETS);
    } finally {
      h.configure({});
    }
  });
});
