/**
 * Message content in the GenAI conventions' JSON shapes (gen-ai-input-messages.json and friends),
 * with per-field truncation that keeps the JSON valid and a hook that can redact or drop content
 * before any attribute is set.
 */
import type { Span } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
  ATTR_PROMPTLAYER_CONTENT_OMITTED_MESSAGES,
  ATTR_PROMPTLAYER_CONTENT_TRUNCATED,
} from "../../src/semconv.js";
import { logger } from "../../src/logger.js";

export type Modality = "image" | "video" | "audio" | "document";

export type MessagePart =
  | { type: "text"; content: string }
  | { type: "reasoning"; content: string }
  | { type: "tool_call"; id?: string; name: string; arguments?: unknown }
  | { type: "tool_call_response"; id?: string; response: unknown }
  | { type: "server_tool_call"; id?: string; name: string; server_tool_call: unknown }
  | { type: "server_tool_call_response"; id?: string; server_tool_call_response: unknown }
  | { type: "blob"; mime_type?: string; modality: Modality; content: string }
  | { type: "uri"; mime_type?: string; modality: Modality; uri: string }
  | { type: "file"; mime_type?: string; modality: Modality; file_id: string }
  | { type: string; [key: string]: unknown };

export interface InputMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
}

export interface OutputMessage extends InputMessage {
  finish_reason: string;
}

export interface ToolDefinition {
  type: string;
  name: string;
  description?: string;
  parameters?: unknown;
}

/** Everything an instrumentation may record as content for one model call. */
export interface GenAIContent {
  systemInstructions?: MessagePart[];
  inputMessages?: InputMessage[];
  outputMessages?: OutputMessage[];
  toolDefinitions?: ToolDefinition[];
}

/**
 * Runs before content attributes are set — once with the request's content and once with the
 * response's, on calls that are sampled and capture content: return a modified copy (e.g. with PII
 * redacted or blobs replaced by links), nothing to keep it, or `null` to record none of that part.
 */
export type ContentHook = (content: GenAIContent, span: Span) => GenAIContent | void | null;

export interface ContentOptions {
  /** Characters kept per text field (message text, tool arguments, blob data…). */
  maxLength: number;
  hook: ContentHook | undefined;
}

export const DEFAULT_MAX_CONTENT_LENGTH = 16 * 1024;
/**
 * Per-field truncation alone lets a long conversation grow without bound (500 messages × 16 KiB),
 * and one oversized span makes a collector refuse its whole batch. So each messages attribute also
 * has a total budget, this many fields' worth; the oldest messages go first.
 */
export const MESSAGES_BUDGET_FIELDS = 16;

/** `data:<mime>;base64,<data>` → a blob part; other URLs → a uri part. */
export function mediaPart(url: string, modality: Modality, mimeType?: string): MessagePart {
  const m = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (m) return { type: "blob", modality, mime_type: m[1] ?? mimeType, content: m[3] ?? "" };
  return mimeType ? { type: "uri", modality, mime_type: mimeType, uri: url } : { type: "uri", modality, uri: url };
}

/** Tool-call arguments as an object when they are JSON, else the raw string. */
export function parseArguments(args: unknown): unknown {
  if (typeof args !== "string") return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

class Truncator {
  truncated = false;
  constructor(private readonly max: number) {}

  value(v: unknown): unknown {
    if (typeof v === "string") {
      if (v.length <= this.max) return v;
      this.truncated = true;
      return `${v.slice(0, this.max)}…[truncated ${v.length - this.max} chars]`;
    }
    if (v === null || typeof v !== "object") return v;
    // Structured values (tool arguments, results): keep them whole when small, else their JSON cut.
    let json: string;
    try {
      json = JSON.stringify(v) ?? "";
    } catch {
      return "[unserializable]";
    }
    return json.length <= this.max ? v : this.value(json);
  }

  part(p: MessagePart): MessagePart {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(p)) out[k] = k === "type" || k === "id" || k === "name" ? v : this.value(v);
    return out as MessagePart;
  }

  messages<M extends InputMessage>(list: M[]): M[] {
    return list.map((m) => ({ ...m, parts: m.parts.map((p) => this.part(p)) }));
  }

  /** The JSON of `list` within `budget` characters: the newest messages that fit (at least one). */
  messagesJson<M extends InputMessage>(list: M[], budget: number): { json: string; omitted: number } {
    const encoded = this.messages(list).map((m) => JSON.stringify(m));
    let total = 2;
    let keep = 0;
    for (let i = encoded.length - 1; i >= 0; i--) {
      const size = encoded[i]!.length + 1;
      if (keep > 0 && total + size > budget) break;
      total += size;
      keep++;
    }
    const omitted = encoded.length - keep;
    if (omitted > 0) this.truncated = true;
    return { json: `[${encoded.slice(omitted).join(",")}]`, omitted };
  }
}

function applyHook(content: GenAIContent, span: Span, hook: ContentHook | undefined): GenAIContent | null {
  if (!hook) return content;
  try {
    const out = hook(content, span);
    return out === undefined ? content : out;
  } catch (error) {
    // A failing redaction hook must not leak what it was meant to hide: record nothing.
    logger.warn("GenAI content hook threw; no content recorded for this call", error);
    return null;
  }
}

/** Sets the content attributes present in `content` (after the hook and truncation). */
export function recordContent(span: Span, content: GenAIContent, options: ContentOptions): void {
  const hooked = applyHook(content, span, options.hook);
  if (!hooked) return;
  const t = new Truncator(options.maxLength);
  if (hooked.systemInstructions?.length) {
    span.setAttribute(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, JSON.stringify(hooked.systemInstructions.map((p) => t.part(p))));
  }
  const budget = options.maxLength * MESSAGES_BUDGET_FIELDS;
  if (hooked.inputMessages) {
    const { json, omitted } = t.messagesJson(hooked.inputMessages, budget);
    span.setAttribute(ATTR_GEN_AI_INPUT_MESSAGES, json);
    if (omitted) span.setAttribute(ATTR_PROMPTLAYER_CONTENT_OMITTED_MESSAGES, omitted);
  }
  if (hooked.outputMessages) span.setAttribute(ATTR_GEN_AI_OUTPUT_MESSAGES, t.messagesJson(hooked.outputMessages, budget).json);
  if (hooked.toolDefinitions?.length) {
    span.setAttribute(ATTR_GEN_AI_TOOL_DEFINITIONS, JSON.stringify(hooked.toolDefinitions.map((d) => ({ ...d, parameters: t.value(d.parameters), description: t.value(d.description) }))));
  }
  if (t.truncated) span.setAttribute(ATTR_PROMPTLAYER_CONTENT_TRUNCATED, true);
}

/** Tool definitions without content: names and types only (descriptions and schemas are opt-in). */
export function toolNamesOnly(defs: ToolDefinition[]): string {
  return JSON.stringify(defs.map((d) => ({ type: d.type, name: d.name })));
}
