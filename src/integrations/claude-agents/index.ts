/**
 * `traceClaudeAgentQuery(query)`: the Claude Agent SDK's `query()` with its session, turns, model
 * calls, tool uses and subagents as spans under the caller's current span.
 */
import { context, defaultTextMapSetter, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { activeParentContext, registerParentResolver } from "../../tracing/ambient-parent.js";
import { getTracer } from "../../tracing/tracer.js";
import { integrationSettings, type IntegrationContentOptions } from "../genai-settings.js";
import { observeQuery } from "./observe-query.js";
import { ClaudeAgentSession } from "./session.js";
import type { ClaudeHookCallback, ClaudeHookMatcher, ClaudeQuery, ClaudeQueryFunction, ClaudeQueryOptions, ClaudeQueryParams } from "./types.js";

export interface ClaudeAgentTracingOptions extends IntegrationContentOptions {
  /** Name of the session span, `invoke_agent {agentName}`. Default: the query's `agent` option, else "claude-agent". */
  agentName?: string;
  /**
   * Pass the session span to the Claude Code process as `TRACEPARENT`/`TRACESTATE`, so its own
   * OpenTelemetry spans (when you enable them) join this trace. Default true.
   */
  propagateTraceContext?: boolean;
}

const w3c = new W3CTraceContextPropagator();

/** Hook events the session listens to; the app's own hooks for them keep running as before. */
const HOOK_EVENTS = ["UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "SubagentStart", "SubagentStop"] as const;

/**
 * Wraps the SDK's `query` (pass it in: `import { query } from "@anthropic-ai/claude-agent-sdk"`).
 * The wrapped function takes the same parameters and returns the SDK's own `Query` object.
 */
export function traceClaudeAgentQuery<F extends ClaudeQueryFunction>(query: F, options: ClaudeAgentTracingOptions = {}): F {
  if (typeof query !== "function") {
    throw new TypeError('traceClaudeAgentQuery: expected the SDK\'s query function (import { query } from "@anthropic-ai/claude-agent-sdk")');
  }
  const call = query as unknown as (params: ClaudeQueryParams) => ClaudeQuery;
  return function tracedQuery(params: ClaudeQueryParams): ClaudeQuery {
    let session: ClaudeAgentSession;
    let unregister: () => void = () => {};
    try {
      const parent = activeParentContext();
      session = new ClaudeAgentSession(getTracer(), integrationSettings(options), parent, options.agentName ?? agentOption(params.options) ?? "claude-agent", params.prompt);
      // A span started by an in-process (SDK MCP) tool handler, while that tool runs, nests under it.
      unregister = registerParentResolver((active) => {
        const tool = trace.getSpan(active) === session.span ? session.soleOpenTool() : undefined;
        return tool ? trace.setSpan(active, tool) : active;
      });
    } catch {
      return call(params);
    }
    const traced = { ...params, options: withTracing(params.options, session, options.propagateTraceContext !== false) };
    let q: ClaudeQuery;
    try {
      // The SDK's read loop starts here: hooks and tool handlers run in the session's context.
      q = context.with(session.ctx, () => call(traced));
    } catch (error) {
      unregister();
      session.end({ error, incomplete: true });
      throw error;
    }
    const observed = observeQuery(q, {
      onMessage: (m) => session.onMessage(m),
      onEnd: (outcome) => {
        unregister();
        session.end(outcome);
      },
    });
    if (!observed) {
      unregister();
      session.end({ incomplete: true });
    }
    return q;
  } as unknown as F;
}

function agentOption(options: ClaudeQueryOptions | undefined): string | undefined {
  return typeof options?.agent === "string" && options.agent ? options.agent : undefined;
}

/** The query's options plus our hooks (after the app's own) and the trace context for the CLI. */
function withTracing(given: ClaudeQueryOptions | undefined, session: ClaudeAgentSession, propagate: boolean): ClaudeQueryOptions {
  const options: ClaudeQueryOptions = { ...given };
  const observe: ClaudeHookCallback = async (input) => {
    try {
      session.onHook(input);
    } catch {
      // Telemetry never blocks the agent.
    }
    return {};
  };
  const hooks: Partial<Record<string, ClaudeHookMatcher[]>> = { ...given?.hooks };
  for (const event of HOOK_EVENTS) hooks[event] = [...(hooks[event] ?? []), { hooks: [observe] }];
  options.hooks = hooks;
  if (propagate) {
    const carrier: Record<string, string> = {};
    // TRACEPARENT is W3C trace context by definition, whatever propagator the app registered.
    w3c.inject(session.ctx, carrier, defaultTextMapSetter);
    // The SDK passes `env` as the whole environment of the CLI process (default: process.env).
    const env: Record<string, string | undefined> = { ...(given?.env ?? process.env) };
    if (carrier.traceparent) env.TRACEPARENT = carrier.traceparent;
    if (carrier.tracestate) env.TRACESTATE = carrier.tracestate;
    options.env = env;
  }
  return options;
}

export { ClaudeAgentResultError, ClaudeToolError } from "./session.js";
