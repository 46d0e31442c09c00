/** `promptlayer-otel/openai-agents`: the OpenAI Agents SDK integration (see `src/integrations/openai-agents/`). */
import "./tracing/api-bridge.js";
export * from "./integrations/openai-agents/index.js";
