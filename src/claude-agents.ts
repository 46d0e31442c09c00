/** `promptlayer-otel/claude-agents`: the Claude Agent SDK integration (see `src/integrations/claude-agents/`). */
import "./tracing/api-bridge.js";
export { traceClaudeAgentQuery, ClaudeAgentResultError, ClaudeToolError, type ClaudeAgentTracingOptions } from "./integrations/claude-agents/index.js";
