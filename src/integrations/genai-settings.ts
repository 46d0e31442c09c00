/** The content settings of a framework integration: its own options, else what `init()` or the environment decided. */
import type { GenAISettings } from "../../instrumentations/genai/config.js";
import { DEFAULT_MAX_CONTENT_LENGTH, type ContentHook } from "../../instrumentations/genai/content.js";
import { genAIEnvironment } from "../config.js";
import { contentCaptureEnabled } from "../tracing/capture.js";

export interface IntegrationContentOptions {
  /**
   * Record messages, tool arguments and results. Default: what `init()` decided, else
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, else off.
   */
  captureMessageContent?: boolean;
  /** Characters kept per content field. Default 16384. */
  maxContentLength?: number;
  /** Redact, rewrite or drop content before it is recorded. */
  contentHook?: ContentHook;
}

/** Resolved per use, so `init()` called after the integration still decides. */
export function integrationSettings(options: IntegrationContentOptions): GenAISettings {
  return {
    captureContent: options.captureMessageContent ?? contentCaptureEnabled(),
    maxContentLength: options.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH,
    contentHook: options.contentHook,
    latest: genAIEnvironment().latestConventions,
  };
}
