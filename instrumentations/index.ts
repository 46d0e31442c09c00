/**
 * `promptlayer-otel/instrumentations`: the provider-SDK instrumentations, for an application's
 * own OpenTelemetry setup (`new NodeSDK({ instrumentations: [new OpenAIInstrumentation()] })`).
 */
import "../src/tracing/api-bridge.js";
export { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from "./openai/instrumentation.js";
export type { GenAIInstrumentationConfig } from "./genai/config.js";
export type { ContentHook, GenAIContent, InputMessage, OutputMessage, MessagePart, ToolDefinition } from "./genai/content.js";
export { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from "./anthropic/instrumentation.js";
