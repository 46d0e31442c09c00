/** The instrumentations `init()` and `register` enable, by name. */
import { registerInstrumentations, type Instrumentation } from "@opentelemetry/instrumentation";
import { AnthropicInstrumentation } from "../../instrumentations/anthropic/instrumentation.js";
import { OpenAIInstrumentation } from "../../instrumentations/openai/instrumentation.js";
import type { InstrumentationName, ResolvedConfig } from "../config.js";
import { logger } from "../logger.js";

const FACTORIES: Record<InstrumentationName, (captureMessageContent: boolean) => Instrumentation> = {
  openai: (captureMessageContent) => new OpenAIInstrumentation({ captureMessageContent }),
  anthropic: (captureMessageContent) => new AnthropicInstrumentation({ captureMessageContent }),
};

/** Enables the configured instrumentations; returns a function that disables them again. */
export function enableInstrumentations(config: ResolvedConfig): () => void {
  const instrumentations = config.instrumentations
    .map((name) => FACTORIES[name](config.captureContent));
  if (!instrumentations.length) return () => {};
  try {
    return registerInstrumentations({ instrumentations });
  } catch (error) {
    logger.warn("could not enable the instrumentations; model calls are not traced", error);
    return () => {};
  }
}
