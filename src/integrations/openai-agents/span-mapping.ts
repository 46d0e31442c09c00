/**
 * How each `@openai/agents` span type reads as an OpenTelemetry span: its name and attributes when
 * it starts (the framework fills most of its data only by the end) and what it adds when it ends.
 *
 * - trace → `invoke_workflow {name}` (a session); the run's root `task` span is the same thing
 * - agent → `invoke_agent {name}`, turn → `turn {n} {agent}` (aggregate usage stays off turns:
 *   only model spans and the workflow carry token counts)
 * - response / generation → `chat {model}`, mapped by the same code as the OpenAI instrumentation
 *   (request parameters, usage with cached and reasoning tokens, messages under the content switch)
 * - function → `execute_tool {name}`, handoff → `handoff {from} -> {to}`, guardrail, MCP tool
 *   listing, custom, speech and transcription spans keep their own names
 */
import { SpanKind, type Attributes, type Span } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_NODE_TYPE,
  ATTR_PROMPTLAYER_METADATA_PREFIX,
  GEN_AI_OPERATION,
  NODE_TYPE,
} from "../../semconv.js";
import type { AgentsSpanData, AgentsTrace } from "./types.js";

export const ATTR_AGENTS_TRACE_ID = "openai_agents.trace_id";
export const ATTR_AGENTS_SPAN_ID = "openai_agents.span_id";
export const ATTR_AGENTS_SPAN_TYPE = "openai_agents.span.type";
export const ATTR_AGENTS_TURN = "openai_agents.turn";
export const ATTR_AGENTS_HANDOFFS = "openai_agents.agent.handoffs";
export const ATTR_AGENTS_TOOLS = "openai_agents.agent.tools";
export const ATTR_AGENTS_OUTPUT_TYPE = "openai_agents.agent.output_type";
export const ATTR_AGENTS_HANDOFF_FROM = "openai_agents.handoff.from_agent";
export const ATTR_AGENTS_HANDOFF_TO = "openai_agents.handoff.to_agent";
export const ATTR_AGENTS_GUARDRAIL_TRIGGERED = "openai_agents.guardrail.triggered";
export const ATTR_AGENTS_MCP_SERVER = "openai_agents.mcp.server";
export const ATTR_AGENTS_MCP_TOOLS = "openai_agents.mcp.tools";
export const ATTR_AGENTS_CUSTOM_DATA = "openai_agents.custom.data";
export const ATTR_AGENTS_REQUESTS = "openai_agents.usage.requests";

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined);

export interface SpanPlan {
  name: string;
  kind: SpanKind;
  attributes: Attributes;
}

export function traceSpanPlan(t: AgentsTrace): SpanPlan {
  const attributes: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.invokeWorkflow,
    [ATTR_GEN_AI_WORKFLOW_NAME]: t.name,
    [ATTR_NODE_TYPE]: NODE_TYPE.llmSession,
    [ATTR_AGENTS_TRACE_ID]: t.traceId,
  };
  if (t.groupId) attributes[ATTR_GEN_AI_CONVERSATION_ID] = t.groupId;
  for (const [key, value] of Object.entries(t.metadata ?? {})) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") attributes[ATTR_PROMPTLAYER_METADATA_PREFIX + key] = value;
  }
  return { name: `invoke_workflow ${t.name}`, kind: SpanKind.INTERNAL, attributes };
}

/** Name and start attributes of a non-model span (model spans are `ModelCall`s). */
export function spanPlan(data: AgentsSpanData, spanId: string): SpanPlan {
  const common: Attributes = { [ATTR_AGENTS_SPAN_TYPE]: data.type, [ATTR_AGENTS_SPAN_ID]: spanId };
  switch (data.type) {
    case "agent": {
      const name = str(data.name) ?? "agent";
      return {
        name: `invoke_agent ${name}`,
        kind: SpanKind.INTERNAL,
        attributes: { ...common, [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.invokeAgent, [ATTR_GEN_AI_AGENT_NAME]: name, [ATTR_NODE_TYPE]: NODE_TYPE.llmSession },
      };
    }
    case "task": {
      const name = str(data.name) ?? "task";
      return {
        name: `invoke_workflow ${name}`,
        kind: SpanKind.INTERNAL,
        attributes: { ...common, [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.invokeWorkflow, [ATTR_GEN_AI_WORKFLOW_NAME]: name, [ATTR_NODE_TYPE]: NODE_TYPE.llmSession },
      };
    }
    case "turn": {
      const agent = str(data.agent_name);
      const attributes: Attributes = { ...common, [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution };
      if (agent) attributes[ATTR_GEN_AI_AGENT_NAME] = agent;
      if (num(data.turn) !== undefined) attributes[ATTR_AGENTS_TURN] = num(data.turn)!;
      return { name: agent ? `turn ${String(data.turn)} ${agent}` : `turn ${String(data.turn)}`, kind: SpanKind.INTERNAL, attributes };
    }
    case "function": {
      const name = str(data.name) ?? "function";
      return {
        name: `execute_tool ${name}`,
        kind: SpanKind.INTERNAL,
        attributes: { ...common, [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.executeTool, [ATTR_GEN_AI_TOOL_NAME]: name, [ATTR_GEN_AI_TOOL_TYPE]: "function", [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution },
      };
    }
    case "handoff":
      return { name: "handoff", kind: SpanKind.INTERNAL, attributes: { ...common, [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution } };
    case "guardrail":
      return { name: `guardrail ${str(data.name) ?? ""}`.trim(), kind: SpanKind.INTERNAL, attributes: { ...common, [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution } };
    case "mcp_tools":
      return { name: `list_tools ${str(data.server) ?? ""}`.trim(), kind: SpanKind.CLIENT, attributes: { ...common, [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution } };
    case "custom":
      return { name: str(data.name) ?? "custom", kind: SpanKind.INTERNAL, attributes: { ...common, [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution } };
    default:
      // speech, transcription, speech_group and types added later: their type is their name.
      return { name: data.type, kind: SpanKind.INTERNAL, attributes: { ...common, [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution } };
  }
}

/** Adds what the framework only knows once the span ends. */
export function finishSpan(span: Span, data: AgentsSpanData, captureContent: boolean): void {
  switch (data.type) {
    case "agent": {
      const handoffs = strings(data.handoffs);
      const tools = strings(data.tools);
      if (handoffs?.length) span.setAttribute(ATTR_AGENTS_HANDOFFS, handoffs);
      if (tools?.length) span.setAttribute(ATTR_AGENTS_TOOLS, tools);
      if (str(data.output_type)) span.setAttribute(ATTR_AGENTS_OUTPUT_TYPE, str(data.output_type)!);
      return;
    }
    case "task":
      setAggregateUsage(span, data.usage);
      return;
    case "function":
      if (captureContent) {
        if (typeof data.input === "string" && data.input !== "") span.setAttribute(ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, data.input);
        if (typeof data.output === "string") span.setAttribute(ATTR_GEN_AI_TOOL_CALL_RESULT, data.output);
      }
      return;
    case "handoff": {
      const from = str(data.from_agent);
      const to = str(data.to_agent);
      if (from) span.setAttribute(ATTR_AGENTS_HANDOFF_FROM, from);
      if (to) span.setAttribute(ATTR_AGENTS_HANDOFF_TO, to);
      span.updateName(`handoff ${from ?? "?"} -> ${to ?? "?"}`);
      return;
    }
    case "guardrail":
      if (typeof data.triggered === "boolean") span.setAttribute(ATTR_AGENTS_GUARDRAIL_TRIGGERED, data.triggered);
      return;
    case "mcp_tools": {
      const tools = strings(data.result);
      if (str(data.server)) span.setAttribute(ATTR_AGENTS_MCP_SERVER, str(data.server)!);
      if (tools) span.setAttribute(ATTR_AGENTS_MCP_TOOLS, tools);
      return;
    }
    case "custom":
      if (captureContent && data.data !== undefined) span.setAttribute(ATTR_AGENTS_CUSTOM_DATA, safeJson(data.data));
      return;
    case "speech":
    case "transcription":
      if (str(data.model)) {
        span.setAttributes({ [ATTR_GEN_AI_REQUEST_MODEL]: str(data.model)!, [ATTR_GEN_AI_PROVIDER_NAME]: "openai" });
        span.updateName(`${data.type} ${str(data.model)!}`);
      }
      return;
    default:
      return;
  }
}

/** A run's total usage, as the conventions allow on agent and workflow spans. */
export function setAggregateUsage(span: Span, usage: unknown): void {
  if (typeof usage !== "object" || usage === null) return;
  const u = usage as Record<string, unknown>;
  const attrs: Attributes = {};
  if (num(u.input_tokens) !== undefined) attrs[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = num(u.input_tokens)!;
  if (num(u.output_tokens) !== undefined) attrs[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = num(u.output_tokens)!;
  if (num(u.cached_input_tokens)) attrs[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = num(u.cached_input_tokens)!;
  if (num(u.requests) !== undefined) attrs[ATTR_AGENTS_REQUESTS] = num(u.requests)!;
  span.setAttributes(attrs);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "[unserializable]";
  }
}
