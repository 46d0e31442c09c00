/**
 * GenAI client metrics with the conventions' bucket boundaries. No-ops when no meter provider is
 * registered (the global meter is then a no-op meter).
 */
import { ValueType, type Attributes, type Counter, type Histogram, type Meter } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_TOKEN_TYPE,
  DURATION_BUCKETS,
  METRIC_GEN_AI_CLIENT_INFERENCE_DURATION,
  METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK,
  METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TIME_PER_OUTPUT_CHUNK,
  METRIC_GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  TOKEN_USAGE_BUCKETS,
} from "../../src/semconv.js";

export class GenAIMetrics {
  private readonly duration: Histogram;
  private readonly firstChunk: Histogram;
  private readonly perChunk: Histogram;
  private readonly tokenUsage: Histogram | undefined;
  /** Latest conventions: usage counters per token kind, and per-operation histograms. */
  private readonly latest: LatestTokenInstruments | undefined;

  constructor(meter: Meter, latest: boolean) {
    const seconds = (name: string, description: string) =>
      meter.createHistogram(name, { description, unit: "s", advice: { explicitBucketBoundaries: DURATION_BUCKETS } });
    this.duration = seconds(latest ? METRIC_GEN_AI_CLIENT_INFERENCE_DURATION : METRIC_GEN_AI_CLIENT_OPERATION_DURATION, "GenAI operation duration");
    this.firstChunk = seconds(latest ? METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK : METRIC_GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK, "Time to the first streamed chunk");
    this.perChunk = seconds(latest ? METRIC_GEN_AI_CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK : METRIC_GEN_AI_CLIENT_TIME_PER_OUTPUT_CHUNK, "Time between streamed chunks");
    if (latest) {
      const tokens = { unit: "{token}", valueType: ValueType.INT };
      const counter = (name: string, description: string) => meter.createCounter(name, { ...tokens, description });
      const histogram = (name: string, description: string) => meter.createHistogram(name, { ...tokens, description, advice: { explicitBucketBoundaries: TOKEN_USAGE_BUCKETS } });
      this.latest = {
        input: counter(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS, "Input tokens used"),
        output: counter(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS, "Output tokens used"),
        cacheRead: counter(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS, "Input tokens read from the provider's cache"),
        cacheWrite: counter(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS, "Input tokens written to the provider's cache"),
        reasoning: counter(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS, "Output tokens spent on reasoning"),
        perOperationInput: histogram(METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS, "Input tokens per operation"),
        perOperationOutput: histogram(METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS, "Output tokens per operation"),
      };
    } else {
      this.tokenUsage = meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
        description: "Tokens used per GenAI operation",
        unit: "{token}",
        valueType: ValueType.INT,
        advice: { explicitBucketBoundaries: TOKEN_USAGE_BUCKETS },
      });
    }
  }

  recordDuration(seconds: number, attributes: Attributes): void {
    this.duration.record(seconds, attributes);
  }

  recordTimeToFirstChunk(seconds: number, attributes: Attributes): void {
    this.firstChunk.record(seconds, attributes);
  }

  recordTimePerChunk(seconds: number, attributes: Attributes): void {
    this.perChunk.record(seconds, attributes);
  }

  recordTokens(usage: TokenUsage | undefined, attributes: Attributes): void {
    const input = usage?.input;
    const output = usage?.output;
    if (this.tokenUsage) {
      if (input !== undefined) this.tokenUsage.record(input, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: "input" });
      if (output !== undefined) this.tokenUsage.record(output, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: "output" });
      return;
    }
    const m = this.latest;
    if (!m) return;
    // Latest conventions: recorded on failures too, 0 with unknown modality when usage is missing.
    const known = input !== undefined || output !== undefined;
    const modality = { ...attributes, "gen_ai.token.modality": known ? "text" : "unknown" };
    m.input.add(input ?? 0, modality);
    m.output.add(output ?? 0, modality);
    if (usage?.cacheRead !== undefined) m.cacheRead.add(usage.cacheRead, modality);
    if (usage?.cacheCreation !== undefined) m.cacheWrite.add(usage.cacheCreation, modality);
    if (usage?.reasoning !== undefined) m.reasoning.add(usage.reasoning, modality);
    if (input !== undefined) m.perOperationInput.record(input, modality);
    if (output !== undefined) m.perOperationOutput.record(output, modality);
  }
}

/** The token counts a call reports (see `Usage` in call.ts). */
export interface TokenUsage {
  input?: number | undefined;
  output?: number | undefined;
  cacheRead?: number | undefined;
  cacheCreation?: number | undefined;
  reasoning?: number | undefined;
}

interface LatestTokenInstruments {
  input: Counter;
  output: Counter;
  cacheRead: Counter;
  cacheWrite: Counter;
  reasoning: Counter;
  perOperationInput: Histogram;
  perOperationOutput: Histogram;
}
