/**
 * The parts of `@anthropic-ai/claude-agent-sdk` the integration reads, typed structurally so the
 * package neither imports nor bundles the SDK (ESM-only, with a native CLI binary per platform).
 */

/** A message of the query's stream; only the fields read here are typed. */
export interface ClaudeAgentMessage {
  type: string;
  subtype?: string;
  session_id?: string;
  /** Assistant and user messages: the Messages API message. */
  message?: { id?: string; model?: string; role?: string; content?: unknown; stop_reason?: string | null; usage?: Record<string, unknown> };
  /** Set on messages of a subagent: the id of the Agent tool use that started it. */
  parent_tool_use_id?: string | null;
  /** `system`/`init`. */
  model?: string;
  claude_code_version?: string;
  /** `result`. */
  is_error?: boolean;
  num_turns?: number;
  total_cost_usd?: number;
  duration_ms?: number;
  duration_api_ms?: number;
  stop_reason?: string | null;
  usage?: Record<string, unknown>;
  result?: string;
  errors?: string[];
  terminal_reason?: string;
  /** An assistant message the CLI made up for a failed API call. */
  is_api_error_message?: boolean;
  api_error_status?: number;
  api_error_type?: string;
}

/** Hook input: the fields common to every event plus those of the tool and subagent events. */
export interface ClaudeHookInput {
  hook_event_name: string;
  session_id?: string;
  agent_id?: string;
  agent_type?: string;
  prompt?: string;
  tool_name?: string;
  tool_input?: unknown;
  tool_response?: unknown;
  tool_use_id?: string;
  error?: string;
  is_interrupt?: boolean;
  mcp_server?: unknown;
  last_assistant_message?: string;
}

export type ClaudeHookCallback = (input: ClaudeHookInput, toolUseId: string | undefined, options: { signal: AbortSignal }) => Promise<Record<string, unknown>>;
export interface ClaudeHookMatcher {
  matcher?: string;
  hooks: ClaudeHookCallback[];
  timeout?: number;
}

export interface ClaudeQueryOptions {
  env?: Record<string, string | undefined>;
  hooks?: Partial<Record<string, ClaudeHookMatcher[]>>;
  model?: string;
  agent?: string;
  [key: string]: unknown;
}

export interface ClaudeQueryParams {
  prompt: unknown;
  options?: ClaudeQueryOptions;
}

/** The SDK's `Query`: an async generator of messages (read as `ClaudeAgentMessage`) with control methods. */
export interface ClaudeQuery extends AsyncGenerator<object, void> {
  close?(): void;
}

/** The SDK's `query` function, whatever its exact parameter and message types. */
export type ClaudeQueryFunction = (params: { prompt: never; options?: never }) => ClaudeQuery;
