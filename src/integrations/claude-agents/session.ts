/**
 * One traced `query()`: the spans of its session, turns, model calls, tool uses and subagents,
 * built from the message stream (model calls) and the SDK's hooks (tools and subagents, timed
 * exactly as they run in the CLI).
 *
 *   invoke_agent {name}                      the query (session id → gen_ai.conversation.id)
 *   └─ turn {n}                              one prompt → result: usage, cost, stop reason
 *      ├─ chat {model}                       one Messages API call of the main loop
 *      ├─ execute_tool {tool}                PreToolUse → PostToolUse / PostToolUseFailure
 *      │  └─ invoke_agent {subagent type}    SubagentStart → SubagentStop, under its Agent tool use
 *      │     ├─ chat {model}                 the subagent's own calls
 *      │     └─ execute_tool {tool}
 *      └─ chat {model}
 */
import { SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from "@opentelemetry/api";
import { anthropicUsage, messages as anthropicMessages } from "../../../instrumentations/anthropic/messages.js";
import { ModelCall } from "../../../instrumentations/genai/call.js";
import type { GenAISettings } from "../../../instrumentations/genai/config.js";
import { recordContent, type GenAIContent, type InputMessage, type OutputMessage } from "../../../instrumentations/genai/content.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_GEN_AI_AGENT_ID,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_NODE_TYPE,
  GEN_AI_OPERATION,
  NODE_TYPE,
} from "../../semconv.js";
import { recordError, scrubErrorText } from "../../tracing/errors.js";
import { safeStringify } from "../../tracing/serialize.js";
import type { ClaudeAgentMessage, ClaudeHookInput } from "./types.js";

export const ATTR_CLAUDE_SESSION_ID = "claude_agent.session_id";
export const ATTR_CLAUDE_CODE_VERSION = "claude_agent.claude_code_version";
export const ATTR_CLAUDE_TURN = "claude_agent.turn";
export const ATTR_CLAUDE_NUM_TURNS = "claude_agent.num_turns";
export const ATTR_CLAUDE_COST_USD = "claude_agent.total_cost_usd";
export const ATTR_CLAUDE_DURATION_API_MS = "claude_agent.duration_api_ms";
export const ATTR_CLAUDE_STOP_REASON = "claude_agent.stop_reason";
export const ATTR_CLAUDE_MCP_SERVER = "claude_agent.mcp_server";
export const ATTR_CLAUDE_INCOMPLETE = "claude_agent.incomplete";
export const ATTR_CLAUDE_PARENT_TOOL_USE_ID = "claude_agent.parent_tool_use_id";

/** The Agent tool (called Task in older CLIs) runs a subagent. */
const AGENT_TOOLS = new Set(["Agent", "Task"]);
const MAIN = "";

type Params = Record<string, unknown>;
const isObject = (v: unknown): v is Params => typeof v === "object" && v !== null && !Array.isArray(v);
const now = () => performance.timeOrigin + performance.now();

interface Scope {
  span: Span;
  ctx: Context;
}

interface Turn extends Scope {
  startedAt: number;
}

interface OpenCall {
  id: string | undefined;
  call: ModelCall;
  model: string | undefined;
  blocks: unknown[];
  last: NonNullable<ClaudeAgentMessage["message"]>;
}

interface OpenTool extends Scope {
  name: string;
  mcp: boolean;
  thread: string;
  hasSubagent: boolean;
}

/** A tool failed, as the CLI reported it (`error.type` on the tool span). */
export class ClaudeToolError extends Error {
  override readonly name = "ClaudeToolError";
}

/** A Messages API call of the CLI failed (it reports this as a made-up assistant message). */
export class ClaudeApiError extends Error {
  override readonly name = "ClaudeApiError";
}

/** The query ended with an error result (`error_max_turns`, `error_during_execution`, …). */
export class ClaudeAgentResultError extends Error {
  override readonly name = "ClaudeAgentResultError";
  constructor(
    readonly subtype: string,
    message: string,
  ) {
    super(message);
  }
}

export class ClaudeAgentSession implements Scope {
  readonly span: Span;
  readonly ctx: Context;
  private turn: Turn | undefined;
  private turnCount = 0;
  private readonly tools = new Map<string, OpenTool>();
  private readonly subagents = new Map<string, Scope & { thread: string }>();
  private readonly calls = new Map<string, OpenCall>();
  private readonly cursor = new Map<string, number>();
  private readonly usage = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0, seen: false };
  private sawResult = false;
  private requestModel: string | undefined;
  private ended = false;

  constructor(
    private readonly tracer: Tracer,
    private readonly settings: GenAISettings,
    parent: Context,
    agentName: string,
    prompt: unknown,
  ) {
    this.span = tracer.startSpan(
      `invoke_agent ${agentName}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.invokeAgent, [ATTR_GEN_AI_AGENT_NAME]: agentName, [ATTR_GEN_AI_PROVIDER_NAME]: "anthropic", [ATTR_NODE_TYPE]: NODE_TYPE.llmSession },
      },
      parent,
    );
    this.ctx = trace.setSpan(parent, this.span);
    if (typeof prompt === "string") this.content(this.span, { inputMessages: [userMessage(prompt)] });
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * The one MCP tool running right now, if exactly one: the parent of spans its in-process
   * handler starts (an Agent tool waiting on its subagent does not count).
   */
  soleOpenTool(): Span | undefined {
    let found: OpenTool | undefined;
    for (const tool of this.tools.values()) {
      if (!tool.mcp) continue;
      if (found) return undefined;
      found = tool;
    }
    return found?.span;
  }

  onMessage(m: ClaudeAgentMessage): void {
    if (this.ended) return;
    switch (m.type) {
      case "system":
        if (m.subtype === "init") this.onInit(m);
        return;
      case "assistant":
        this.onAssistant(m);
        return;
      case "user":
        // Tool results close the model call that asked for them.
        this.finishCall(m.parent_tool_use_id ?? MAIN);
        this.cursor.set(m.parent_tool_use_id ?? MAIN, now());
        return;
      case "result":
        this.onResult(m);
        return;
    }
  }

  onHook(input: ClaudeHookInput): void {
    if (this.ended) return;
    switch (input.hook_event_name) {
      case "UserPromptSubmit":
        if (!this.turn) this.startTurn(input.prompt);
        return;
      case "PreToolUse":
        this.startTool(input);
        return;
      case "PostToolUse":
      case "PostToolUseFailure":
        this.endTool(input);
        return;
      case "SubagentStart":
        this.startSubagent(input);
        return;
      case "SubagentStop":
        this.endSubagent(input);
        return;
    }
  }

  /** Ends every open span; `error` when the stream threw, `incomplete` when it stopped early. */
  end(outcome: { error?: unknown; incomplete: boolean }): void {
    if (this.ended) return;
    for (const thread of [...this.calls.keys()]) this.finishCall(thread);
    for (const tool of this.tools.values()) endIncomplete(tool.span);
    this.tools.clear();
    for (const sub of this.subagents.values()) endIncomplete(sub.span);
    this.subagents.clear();
    if (this.turn) {
      if (!this.sawResult) this.turn.span.setAttribute(ATTR_CLAUDE_INCOMPLETE, true);
      this.turn.span.end();
      this.turn = undefined;
    }
    if (this.usage.seen) {
      this.span.setAttributes({
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: this.usage.input,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: this.usage.output,
        [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: this.usage.cacheRead,
        [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: this.usage.cacheCreation,
      });
    }
    if (outcome.error !== undefined) recordError(this.span, outcome.error);
    else if (outcome.incomplete || !this.sawResult) this.span.setAttribute(ATTR_CLAUDE_INCOMPLETE, true);
    this.ended = true;
    this.span.end();
  }

  /** Messages on a session, turn or subagent span, under the content switch, truncation and hook. */
  private content(span: Span, content: GenAIContent): void {
    if (!this.settings.captureContent) return;
    try {
      recordContent(span, content, { maxLength: this.settings.maxContentLength, hook: this.settings.contentHook });
    } catch {
      // Content is best effort.
    }
  }

  private onInit(m: ClaudeAgentMessage): void {
    const attrs: Attributes = {};
    if (m.session_id) {
      attrs[ATTR_GEN_AI_CONVERSATION_ID] = m.session_id;
      attrs[ATTR_CLAUDE_SESSION_ID] = m.session_id;
    }
    if (m.model) {
      attrs[ATTR_GEN_AI_REQUEST_MODEL] = m.model;
      this.requestModel = m.model;
    }
    if (m.claude_code_version) attrs[ATTR_CLAUDE_CODE_VERSION] = m.claude_code_version;
    this.span.setAttributes(attrs);
  }

  private startTurn(prompt: string | undefined): Turn {
    this.turnCount++;
    const span = this.tracer.startSpan(`turn ${this.turnCount}`, { attributes: { [ATTR_CLAUDE_TURN]: this.turnCount, [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution } }, this.ctx);
    if (prompt !== undefined) this.content(span, { inputMessages: [userMessage(prompt)] });
    this.turn = { span, ctx: trace.setSpan(this.ctx, span), startedAt: now() };
    return this.turn;
  }

  private currentTurn(): Turn {
    return this.turn ?? this.startTurn(undefined);
  }

  /** Where a thread's spans go: the main loop under the turn, a subagent's under its agent span. */
  private scopeOf(thread: string): Scope {
    if (thread === MAIN) return this.currentTurn();
    for (const sub of this.subagents.values()) if (sub.thread === thread) return sub;
    return this.tools.get(thread) ?? this.currentTurn();
  }

  private onAssistant(m: ClaudeAgentMessage): void {
    const message = m.message;
    if (!isObject(message)) return;
    const thread = m.parent_tool_use_id ?? MAIN;
    if (m.is_api_error_message) return this.failedCall(m, thread);
    let open = this.calls.get(thread);
    // Streamed content arrives one block per message, all with the same id.
    if (open && open.id !== message.id) {
      this.finishCall(thread);
      open = undefined;
    }
    if (!open) {
      open = { id: message.id, call: this.startCall(thread, message.model, {}), model: message.model, blocks: [], last: message };
      this.calls.set(thread, open);
    }
    if (Array.isArray(message.content)) open.blocks.push(...(message.content as unknown[]));
    open.last = message;
  }

  /**
   * A model call of `thread`, started back-dated to the thread's previous event (the turn's start,
   * the last tool or call end): the stream only shows a call once its reply arrives.
   */
  private startCall(thread: string, model: string | undefined, attributes: Attributes): ModelCall {
    const scope = this.scopeOf(thread);
    const startTime = this.cursor.get(thread) ?? (thread === MAIN ? this.currentTurn().startedAt : undefined);
    if (thread !== MAIN) attributes[ATTR_CLAUDE_PARENT_TOOL_USE_ID] = thread;
    return ModelCall.start(this.tracer, this.settings, undefined, { operation: GEN_AI_OPERATION.chat, provider: "anthropic", model, attributes, startTime }, scope.ctx);
  }

  /** A call that failed: a CLIENT span with the API's error, timed like any other call. */
  private failedCall(m: ClaudeAgentMessage, thread: string): void {
    this.finishCall(thread);
    const attributes: Attributes = {};
    if (typeof m.api_error_status === "number") attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = m.api_error_status;
    const call = this.startCall(thread, this.requestModel, attributes);
    const text = Array.isArray(m.message?.content) ? m.message.content.map((b) => (isObject(b) && typeof b.text === "string" ? b.text : "")).join("") : "";
    call.fail(new ClaudeApiError(text || m.api_error_type || "API error"));
    this.cursor.set(thread, now());
  }

  private finishCall(thread: string, fallbackStopReason?: string | null): void {
    const open = this.calls.get(thread);
    if (!open) return;
    this.calls.delete(thread);
    const hasToolUse = open.blocks.some((b) => isObject(b) && b.type === "tool_use");
    const stopReason = open.last.stop_reason ?? (hasToolUse ? "tool_use" : (fallbackStopReason ?? undefined));
    try {
      anthropicMessages.recordResult(open.call, { id: open.id, model: open.model, role: "assistant", content: open.blocks, stop_reason: stopReason, usage: open.last.usage }, {});
      const usage = anthropicUsage(open.last.usage);
      if (usage) this.addUsage(usage);
    } catch {
      // Mapping is best effort; the span still ends.
    }
    open.call.end();
    this.cursor.set(thread, now());
  }

  private addUsage(u: { input?: number | undefined; output?: number | undefined; cacheRead?: number | undefined; cacheCreation?: number | undefined }): void {
    this.usage.seen = true;
    this.usage.input += u.input ?? 0;
    this.usage.output += u.output ?? 0;
    this.usage.cacheRead += u.cacheRead ?? 0;
    this.usage.cacheCreation += u.cacheCreation ?? 0;
  }

  private onResult(m: ClaudeAgentMessage): void {
    this.sawResult = true;
    for (const thread of [...this.calls.keys()]) this.finishCall(thread, thread === MAIN ? m.stop_reason : undefined);
    const turn = this.currentTurn();
    const attrs: Attributes = {};
    const usage = anthropicUsage(m.usage);
    if (usage?.input !== undefined) attrs[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = usage.input;
    if (usage?.output !== undefined) attrs[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = usage.output;
    if (typeof m.num_turns === "number") attrs[ATTR_CLAUDE_NUM_TURNS] = m.num_turns;
    if (typeof m.duration_api_ms === "number") attrs[ATTR_CLAUDE_DURATION_API_MS] = m.duration_api_ms;
    if (m.stop_reason) attrs[ATTR_CLAUDE_STOP_REASON] = m.stop_reason;
    turn.span.setAttributes(attrs);
    // The cost is cumulative over the session's turns: the latest one is the total.
    if (typeof m.total_cost_usd === "number") {
      turn.span.setAttribute(ATTR_CLAUDE_COST_USD, m.total_cost_usd);
      this.span.setAttribute(ATTR_CLAUDE_COST_USD, m.total_cost_usd);
    }
    if (typeof m.result === "string") {
      const output = { outputMessages: [assistantMessage(m.result, m.stop_reason ?? "end_turn")] };
      this.content(turn.span, output);
      this.content(this.span, output);
    }
    if (m.is_error || (m.subtype !== undefined && m.subtype !== "success")) {
      // An API failure ends with subtype "success" but is_error and terminal_reason "api_error".
      const kind = m.subtype !== undefined && m.subtype !== "success" ? m.subtype : (m.terminal_reason ?? "error");
      const error = new ClaudeAgentResultError(kind, m.errors?.join("; ") || m.result || kind);
      for (const span of [turn.span, this.span]) {
        span.setAttribute(ATTR_ERROR_TYPE, error.subtype);
        span.setStatus({ code: SpanStatusCode.ERROR, message: scrubErrorText(error.message) });
      }
    }
    turn.span.end();
    this.turn = undefined;
  }

  private threadOfHook(input: ClaudeHookInput): string {
    return input.agent_id ? (this.subagents.get(input.agent_id)?.thread ?? MAIN) : MAIN;
  }

  private startTool(input: ClaudeHookInput): void {
    const id = input.tool_use_id;
    const name = input.tool_name ?? "tool";
    if (!id || this.tools.has(id)) return;
    const thread = this.threadOfHook(input);
    const scope = input.agent_id ? (this.subagents.get(input.agent_id) ?? this.currentTurn()) : this.currentTurn();
    // The model call that asked for this tool is over once the tool starts.
    this.finishCall(thread);
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.executeTool,
      [ATTR_GEN_AI_TOOL_NAME]: name,
      [ATTR_GEN_AI_TOOL_CALL_ID]: id,
      [ATTR_GEN_AI_TOOL_TYPE]: "function",
      [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution,
    };
    if (isObject(input.mcp_server) && typeof input.mcp_server.name === "string") attributes[ATTR_CLAUDE_MCP_SERVER] = input.mcp_server.name;
    else if (name.startsWith("mcp__")) attributes[ATTR_CLAUDE_MCP_SERVER] = name.split("__")[1] ?? "";
    if (input.agent_id) attributes[ATTR_GEN_AI_AGENT_ID] = input.agent_id;
    if (this.settings.captureContent && input.tool_input !== undefined) attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = safeStringify(input.tool_input);
    const span = this.tracer.startSpan(`execute_tool ${name}`, { kind: SpanKind.INTERNAL, attributes }, scope.ctx);
    this.tools.set(id, { span, ctx: trace.setSpan(scope.ctx, span), name, mcp: attributes[ATTR_CLAUDE_MCP_SERVER] !== undefined, thread, hasSubagent: false });
  }

  private endTool(input: ClaudeHookInput): void {
    const id = input.tool_use_id;
    const tool = id ? this.tools.get(id) : undefined;
    if (!tool || !id) return;
    this.tools.delete(id);
    if (input.hook_event_name === "PostToolUseFailure") {
      recordError(tool.span, new ClaudeToolError(input.error ?? "tool failed"));
      if (input.is_interrupt) tool.span.setAttribute(ATTR_CLAUDE_INCOMPLETE, true);
    } else if (this.settings.captureContent && input.tool_response !== undefined) {
      tool.span.setAttribute(ATTR_GEN_AI_TOOL_CALL_RESULT, typeof input.tool_response === "string" ? input.tool_response : safeStringify(input.tool_response));
    }
    tool.span.end();
    this.cursor.set(tool.thread, now());
  }

  private startSubagent(input: ClaudeHookInput): void {
    const agentId = input.agent_id;
    if (!agentId || this.subagents.has(agentId)) return;
    // The newest Agent tool use without a subagent yet is the one that started this subagent.
    let parent: [string, OpenTool] | undefined;
    for (const entry of this.tools) if (AGENT_TOOLS.has(entry[1].name) && !entry[1].hasSubagent) parent = entry;
    const scope: Scope = parent?.[1] ?? this.currentTurn();
    if (parent) parent[1].hasSubagent = true;
    const type = input.agent_type ?? "subagent";
    const span = this.tracer.startSpan(
      `invoke_agent ${type}`,
      { attributes: { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.invokeAgent, [ATTR_GEN_AI_AGENT_NAME]: type, [ATTR_GEN_AI_AGENT_ID]: agentId, [ATTR_NODE_TYPE]: NODE_TYPE.llmSession } },
      scope.ctx,
    );
    // The subagent's messages carry the Agent tool use's id as their thread.
    this.subagents.set(agentId, { span, ctx: trace.setSpan(scope.ctx, span), thread: parent?.[0] ?? `agent:${agentId}` });
  }

  private endSubagent(input: ClaudeHookInput): void {
    const sub = input.agent_id ? this.subagents.get(input.agent_id) : undefined;
    if (!sub) return;
    this.subagents.delete(input.agent_id!);
    this.finishCall(sub.thread);
    if (typeof input.last_assistant_message === "string") this.content(sub.span, { outputMessages: [assistantMessage(input.last_assistant_message, "end_turn")] });
    sub.span.end();
  }
}

const userMessage = (text: string): InputMessage => ({ role: "user", parts: [{ type: "text", content: text }] });
const assistantMessage = (text: string, finishReason: string): OutputMessage => ({ role: "assistant", parts: [{ type: "text", content: text }], finish_reason: finishReason });

function endIncomplete(span: Span): void {
  span.setAttribute(ATTR_CLAUDE_INCOMPLETE, true);
  span.end();
}
