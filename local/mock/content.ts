/**
 * Deterministic content for every provider: ids and timestamps derived from the request hash,
 * the reply text, token counts, stream splitting and the tool-or-text decision that lets an agent
 * loop (model asks for a tool → tool runs → result goes back → final answer) run end to end.
 */
import { createHash } from "node:crypto";
import { placeholderFor } from "./schema.js";

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `length` alphanumeric characters derived from the seed and a label (one label per id in a reply). */
export function hashChars(seed: string, label: string, length: number, alphabet = ALPHANUMERIC): string {
  let out = "";
  for (let round = 0; out.length < length; round++) {
    for (const byte of createHash("sha256").update(`${seed}:${label}:${round}`).digest()) {
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export function hashHex(seed: string, label: string, length: number): string {
  return hashChars(seed, label, length, "0123456789abcdef");
}

/** A fixed-looking Unix timestamp (seconds) in late 2023 – 2025, derived from the seed. */
export function createdAt(seed: string): number {
  return 1_700_000_000 + (Number.parseInt(seed.slice(0, 8), 16) % 50_000_000);
}

/** The mock tokenizer: one token per four characters, rounded up. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

const SNIPPET_CHARS = 60;
const snippet = (text: string) => text.slice(0, SNIPPET_CHARS);

export const replyTo = (userText: string) => `Mock reply to: ${snippet(userText)}`;
export const replyToToolResult = (result: string) => `Mock reply using the tool result: ${snippet(result)}`;
/** Reasoning/thinking text; reasoning models report its token count as reasoning tokens. */
export const thinkingAbout = (userText: string) => `Thinking about: ${snippet(userText)}`;

/** Models that report reasoning tokens: o1/o3/o4… and anything with "reasoning" in its name. */
export function isReasoningModel(model: string): boolean {
  return /^o\d/i.test(model) || /reasoning/i.test(model);
}

/** Default number of content deltas in a streamed text reply. */
export const DEFAULT_STREAM_CHUNKS = 5;
const FILLER = " This is a deterministic mock reply.";

/**
 * When more deltas are requested than the reply has characters, the reply grows by a fixed filler
 * so every delta carries text. Applied to streamed and non-streamed replies alike, so one request
 * (headers included) always yields the same final text.
 */
export function padForChunks(text: string, chunks: number | undefined): string {
  let padded = text;
  while (chunks !== undefined && padded.length < chunks) padded += FILLER;
  return padded;
}

/** Splits text into `count` consecutive pieces of near-equal length (fewer if the text is shorter). */
export function splitText(text: string, count: number): string[] {
  const n = Math.max(1, Math.min(count, text.length));
  if (text.length === 0) return [""];
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) pieces.push(text.slice(Math.round((i * text.length) / n), Math.round(((i + 1) * text.length) / n)));
  return pieces;
}

/** Cuts text to what `maxTokens` mock tokens can hold; `truncated` tells the caller to report a length stop. */
export function truncateToTokens(text: string, maxTokens: number | undefined): { text: string; truncated: boolean } {
  if (maxTokens === undefined || countTokens(text) <= maxTokens) return { text, truncated: false };
  return { text: text.slice(0, Math.max(0, Math.floor(maxTokens)) * 4), truncated: true };
}

/** Joined text of a content value: a string, or a list of parts carrying `text` (any provider's shape). */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => {
      if (typeof part === "string") return part;
      if (typeof part !== "object" || part === null) return "";
      const p = part as Record<string, unknown>;
      if (typeof p.text === "string") return p.text;
      if (typeof p.refusal === "string") return p.refusal;
      // Anthropic tool_result blocks nest their own content.
      if ("content" in p) return textOf(p.content);
      return "";
    })
    .filter((t) => t !== "")
    .join("\n");
}

export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON schema of the arguments. */
  schema: unknown;
}

/** Text the mock tokenizer counts for a tool definition (the real APIs bill tool definitions as input). */
export const toolText = (tool: ToolSpec) => `${tool.name} ${tool.description ?? ""} ${JSON.stringify(tool.schema ?? {})}`;

/** What the model "decides" to do this turn. */
export type Turn =
  | { kind: "text"; text: string }
  | { kind: "tool"; name: string; args: Record<string, unknown> };

export interface TurnInput {
  /** Text of the most recent user message, wherever it is in the conversation. */
  lastUserText: string;
  /** Set when the conversation ends with a tool result: its content as text. */
  toolResult?: string;
  /** Whether the conversation ends with a user message (as opposed to an assistant turn or tool result). */
  endsWithUser: boolean;
  tools: ToolSpec[];
  /** "none" forbids tools; a tool name forces that tool; undefined, "auto" or "required" pick the first. */
  toolChoice?: string;
}

/**
 * Tool results are answered with text that quotes them; a fresh user message with tools on offer
 * calls the first (or the forced) tool with arguments generated from its schema; otherwise the
 * model replies to the last user message.
 */
export function planTurn(input: TurnInput): Turn {
  if (input.toolResult !== undefined) return { kind: "text", text: replyToToolResult(input.toolResult) };
  if (input.endsWithUser && input.tools.length > 0 && input.toolChoice !== "none") {
    const tool = input.tools.find((t) => t.name === input.toolChoice) ?? input.tools[0]!;
    const args = placeholderFor(tool.schema, "");
    return { kind: "tool", name: tool.name, args: typeof args === "object" && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : {} };
  }
  return { kind: "text", text: replyTo(input.lastUserText) };
}

/** JSON text valid for `schema` (structured outputs). */
export function jsonForSchema(schema: unknown): string {
  return JSON.stringify(placeholderFor(schema, ""));
}
