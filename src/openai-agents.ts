/** `promptlayer-otel/openai-agents`: the OpenAI Agents SDK integration (see `src/integrations/openai-agents/`). */
export * from "./integrations/openai-agents/index.js";
