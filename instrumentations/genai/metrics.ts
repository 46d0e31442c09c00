/**
 * GenAI client metrics with the conventions' bucket boundaries. No-ops when no meter provider is
 * registered (the global meter is then a no-op meter).
 */
import { ValueType, type Attributes, type Counter, type Histogram, type Meter } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_TOKEN_TYPE,
  DURATION_BUCKETS,
  METRIC_GEN_AI_CLIENT_INFERENCE_DURATION,
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
  private readonly inputTokens: Counter | undefined;
  private readonly outputTokens: Counter | undefined;

  constructor(meter: Meter, latest: boolean) {
    const seconds = (name: string, description: string) =>
      meter.createHistogram(name, { description, unit: "s", advice: { explicitBucketBoundaries: DURATION_BUCKETS } });
    this.duration = seconds(latest ? METRIC_GEN_AI_CLIENT_INFERENCE_DURATION : METRIC_GEN_AI_CLIENT_OPERATION_DURATION, "GenAI operation duration");
    this.firstChunk = seconds(latest ? METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK : METRIC_GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK, "Time to the first streamed chunk");
    this.perChunk = seconds(latest ? METRIC_GEN_AI_CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK : METRIC_GEN_AI_CLIENT_TIME_PER_OUTPUT_CHUNK, "Time between streamed chunks");
    if (latest) {
      const tokens = { unit: "{token}", valueType: ValueType.INT };
      this.inputTokens = meter.createCounter(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS, { ...tokens, description: "Input tokens used" });
      this.outputTokens = meter.createCounter(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS, { ...tokens, description: "Output tokens used" });
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

  recordTokens(input: number | undefined, output: number | undefined, attributes: Attributes): void {
    if (this.tokenUsage) {
      if (input !== undefined) this.tokenUsage.record(input, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: "input" });
      if (output !== undefined) this.tokenUsage.record(output, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: "output" });
    } else {
      // Latest conventions: recorded on failures too, 0 with unknown modality when usage is missing.
      const known = input !== undefined || output !== undefined;
      const modality = { ...attributes, "gen_ai.token.modality": known ? "text" : "unknown" };
      this.inputTokens?.add(input ?? 0, modality);
      this.outputTokens?.add(output ?? 0, modality);
    }
  }
}
