import type { InstrumentationConfig } from "@opentelemetry/instrumentation";
import { genAIEnvironment } from "../../src/config.js";
import { DEFAULT_MAX_CONTENT_LENGTH, type ContentHook } from "./content.js";

/** Options shared by the OpenAI and Anthropic instrumentations. */
export interface GenAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record prompts, completions, system instructions and tool schemas. Default:
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, else off (the OpenTelemetry default).
   * `init()` turns it on unless told otherwise.
   */
  captureMessageContent?: boolean;
  /** Characters kept per content field before a `[truncated …]` marker. Default 16384. */
  maxContentLength?: number;
  /** Redact, rewrite or drop content before it is recorded. */
  contentHook?: ContentHook;
  /**
   * Which conventions to emit: `v1.41` (default) or `latest` (the genai repository's newer names),
   * also selected by `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`.
   */
  semconv?: "v1.41" | "latest";
}

/** The config with every default applied, computed once per `setConfig`. */
export interface GenAISettings {
  captureContent: boolean;
  maxContentLength: number;
  contentHook: ContentHook | undefined;
  latest: boolean;
}

export function resolveGenAISettings(config: GenAIInstrumentationConfig): GenAISettings {
  const env = genAIEnvironment();
  return {
    captureContent: config.captureMessageContent ?? env.captureContent ?? false,
    maxContentLength: config.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH,
    contentHook: config.contentHook,
    latest: config.semconv ? config.semconv === "latest" : env.latestConventions,
  };
}
