/**
 * Vercel AI SDK (`ai`) integration: a span processor that makes the AI SDK's telemetry spans read
 * as model calls, tool calls and agent runs in PromptLayer, in `init()` or in your own NodeSDK.
 *
 * - Spans of `@ai-sdk/otel`'s `OpenTelemetry` integration (scope `gen_ai`) already follow the
 *   GenAI conventions; they get PromptLayer's node types.
 * - Spans of its `LegacyOpenTelemetry` integration (scope `ai`: `ai.generateText.doGenerate`,
 *   `ai.toolCall`, …) are renamed and given the conventions' attributes (`chat {model}`,
 *   `execute_tool {name}`, `gen_ai.usage.*`, `gen_ai.input.messages`, …) as they end.
 * - No double counting: the AI SDK's run span (`invoke_agent`, `ai.generateText`) is a session,
 *   not a model call, and when one of our provider instrumentations also sees the call underneath
 *   an AI SDK model span, its span is marked as already logged (`promptlayer.request_log.managed`)
 *   so the request is logged once.
 */
import { trace, type Attributes, type Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_NODE_TYPE,
  ATTR_PROMPTLAYER_REQUEST_LOG_MANAGED,
  ATTR_PROMPTLAYER_REQUEST_LOG_SPAN_ID,
  GEN_AI_OPERATION,
  NODE_TYPE,
} from "../semconv.js";

/** Instrumentation scopes of the AI SDK's two OpenTelemetry integrations. */
const MODERN_SCOPE = "gen_ai";
const LEGACY_SCOPE = "ai";
const OUR_SCOPES = /^promptlayer-otel\/(openai|anthropic)$/;
const MODEL_CALL_OPERATIONS = new Set<unknown>([GEN_AI_OPERATION.chat, GEN_AI_OPERATION.textCompletion, GEN_AI_OPERATION.generateContent]);
const LEGACY_MODEL_CALL = /^ai\.(generateText|streamText|generateObject|streamObject)\.do(Generate|Stream)$/;
const LEGACY_RUN = /^ai\.(generateText|streamText|generateObject|streamObject)$/;

type Attrs = Readonly<Attributes>;

const scopeOf = (span: Pick<ReadableSpan, "instrumentationScope">) => span.instrumentationScope.name;
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function json(v: unknown): unknown {
  if (typeof v !== "string") return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** `openai.chat` → `openai`; the conventions' provider names where they differ. */
function providerName(aiProvider: unknown): string | undefined {
  const first = str(aiProvider)?.split(".")[0];
  if (first === "google" || first === "google-vertex") return "gcp.gemini";
  if (first === "azure") return "azure.ai.openai";
  if (first === "amazon-bedrock") return "aws.bedrock";
  return first;
}

/** Is this the AI SDK's span of one model call (either integration)? */
function isAISDKModelCall(span: Span | ReadableSpan): boolean {
  const scope = scopeOf(span);
  if (scope === MODERN_SCOPE) return MODEL_CALL_OPERATIONS.has(span.attributes[ATTR_GEN_AI_OPERATION_NAME]);
  return scope === LEGACY_SCOPE && LEGACY_MODEL_CALL.test(span.name);
}

/** AI SDK model messages (`ai.prompt.messages`) → the conventions' input messages. */
function inputMessages(raw: unknown): unknown[] | undefined {
  const messages = json(raw);
  if (!Array.isArray(messages)) return undefined;
  return messages.map((m: { role?: string; content?: unknown }) => {
    const content = typeof m.content === "string" ? [{ type: "text", text: m.content }] : Array.isArray(m.content) ? m.content : [];
    const parts = content.map((p: Record<string, unknown>) => {
      switch (p.type) {
        case "text":
          return { type: "text", content: p.text };
        case "reasoning":
          return { type: "reasoning", content: p.text };
        case "tool-call":
          return { type: "tool_call", id: p.toolCallId, name: p.toolName, arguments: p.input ?? p.args };
        case "tool-result":
          return { type: "tool_call_response", id: p.toolCallId, response: p.output ?? p.result };
        default:
          return { type: String(p.type ?? "unknown") };
      }
    });
    return { role: m.role ?? "user", parts };
  });
}

/** `ai.response.finishReason` values → the conventions' output-message values. */
function finishReason(reason: unknown): string {
  if (reason === "tool-calls") return "tool_call";
  if (reason === "content-filter") return "content_filter";
  return str(reason) ?? "stop";
}

/** The conventions' attributes for a legacy model-call span, from its `ai.*` attributes. */
function legacyModelCall(a: Attrs): { name: string; attributes: Attributes } {
  const model = str(a["ai.model.id"]) ?? str(a[ATTR_GEN_AI_REQUEST_MODEL]) ?? "";
  const attributes: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.chat,
    [ATTR_NODE_TYPE]: NODE_TYPE.llmCall,
    [ATTR_GEN_AI_REQUEST_MODEL]: model,
  };
  const provider = providerName(a["ai.model.provider"] ?? a["gen_ai.system"]);
  if (provider) attributes[ATTR_GEN_AI_PROVIDER_NAME] = provider;
  const set = (k: string, v: unknown) => {
    if (v !== undefined) attributes[k] = v as string | number;
  };
  set(ATTR_GEN_AI_RESPONSE_ID, str(a["ai.response.id"]));
  set(ATTR_GEN_AI_RESPONSE_MODEL, str(a["ai.response.model"]));
  set(ATTR_GEN_AI_USAGE_INPUT_TOKENS, num(a["ai.usage.inputTokens"]) ?? num(a["ai.usage.promptTokens"]));
  set(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, num(a["ai.usage.outputTokens"]) ?? num(a["ai.usage.completionTokens"]));
  set(ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, num(a["ai.usage.cachedInputTokens"]));
  set(ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, num(a["ai.usage.reasoningTokens"]));
  if (str(a["ai.response.finishReason"])) attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [String(a["ai.response.finishReason"])];
  const input = inputMessages(a["ai.prompt.messages"]);
  if (input) attributes[ATTR_GEN_AI_INPUT_MESSAGES] = JSON.stringify(input);
  if (a["ai.response.text"] !== undefined || a["ai.response.toolCalls"] !== undefined) {
    const parts: unknown[] = [];
    if (str(a["ai.response.text"])) parts.push({ type: "text", content: a["ai.response.text"] });
    const calls = json(a["ai.response.toolCalls"]);
    if (Array.isArray(calls)) {
      for (const c of calls as Array<Record<string, unknown>>) parts.push({ type: "tool_call", id: c.toolCallId, name: c.toolName, arguments: c.input ?? json(c.args) ?? c.args });
    }
    attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] = JSON.stringify([{ role: "assistant", parts, finish_reason: finishReason(a["ai.response.finishReason"]) }]);
  }
  return { name: `chat ${model}`, attributes };
}

function legacyToolCall(a: Attrs): { name: string; attributes: Attributes } {
  const tool = str(a["ai.toolCall.name"]) ?? "tool";
  const attributes: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.executeTool,
    [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution,
    [ATTR_GEN_AI_TOOL_NAME]: tool,
    [ATTR_GEN_AI_TOOL_TYPE]: "function",
  };
  if (str(a["ai.toolCall.id"])) attributes[ATTR_GEN_AI_TOOL_CALL_ID] = String(a["ai.toolCall.id"]);
  if (str(a["ai.toolCall.args"])) attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = String(a["ai.toolCall.args"]);
  if (str(a["ai.toolCall.result"])) attributes[ATTR_GEN_AI_TOOL_CALL_RESULT] = String(a["ai.toolCall.result"]);
  return { name: `execute_tool ${tool}`, attributes };
}

/** PromptLayer node type of a modern (`gen_ai`) span, from its operation. */
function modernNodeType(operation: unknown): string {
  if (MODEL_CALL_OPERATIONS.has(operation)) return NODE_TYPE.llmCall;
  if (operation === GEN_AI_OPERATION.executeTool) return NODE_TYPE.codeExecution;
  return NODE_TYPE.llmSession;
}

export class AISDKSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    try {
      if (OUR_SCOPES.test(scopeOf(span))) {
        // Our provider span under an AI SDK model-call span: the same request, logged once (by the AI SDK span).
        const parent = trace.getSpan(parentContext) as unknown as Span | undefined;
        if (parent && typeof parent.instrumentationScope === "object" && isAISDKModelCall(parent)) {
          span.setAttributes({ [ATTR_PROMPTLAYER_REQUEST_LOG_MANAGED]: true, [ATTR_PROMPTLAYER_REQUEST_LOG_SPAN_ID]: parent.spanContext().spanId });
        }
      }
    } catch {
      // Never let enrichment disturb span creation.
    }
  }

  onEnding(span: Span): void {
    try {
      const scope = scopeOf(span);
      if (scope === MODERN_SCOPE) {
        span.setAttribute(ATTR_NODE_TYPE, modernNodeType(span.attributes[ATTR_GEN_AI_OPERATION_NAME]));
      } else if (scope === LEGACY_SCOPE) {
        let mapped: { name: string; attributes: Attributes } | undefined;
        if (LEGACY_MODEL_CALL.test(span.name)) mapped = legacyModelCall(span.attributes);
        else if (span.name === "ai.toolCall") mapped = legacyToolCall(span.attributes);
        else if (LEGACY_RUN.test(span.name)) span.setAttribute(ATTR_NODE_TYPE, NODE_TYPE.llmSession);
        if (mapped) {
          span.updateName(mapped.name);
          span.setAttributes(mapped.attributes);
        }
      }
    } catch {
      // Best effort: the span goes out as the AI SDK made it.
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
