/** `promptlayer-otel/claude-agents`: the Claude Agent SDK integration (see `src/integrations/claude-agents/`). */
export { traceClaudeAgentQuery, ClaudeAgentResultError, ClaudeToolError, type ClaudeAgentTracingOptions } from "./integrations/claude-agents/index.js";
