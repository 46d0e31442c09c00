/** Anthropic Messages blocks, system prompt and tools → the conventions' content shapes. */
import { isObject, list, str, type Params } from "../genai/attributes.js";
import type { InputMessage, MessagePart, Modality, ToolDefinition } from "../genai/content.js";

function sourcePart(source: unknown, modality: Modality): MessagePart {
  if (!isObject(source)) return { type: modality };
  switch (source.type) {
    case "base64":
      return { type: "blob", modality, mime_type: str(source.media_type), content: String(source.data ?? "") } as MessagePart;
    case "url":
      return { type: "uri", modality, uri: String(source.url ?? "") };
    case "file":
      return { type: "file", modality, file_id: String(source.file_id ?? "") };
    case "text":
      return { type: "text", content: String(source.data ?? "") };
    default:
      return { type: modality };
  }
}

function toolResult(content: unknown): unknown {
  if (typeof content === "string") return content;
  const blocks = list(content).filter(isObject);
  if (blocks.every((b) => b.type === "text")) return blocks.map((b) => String(b.text ?? "")).join("");
  return blocks.map((b) => (b.type === "text" ? { type: "text", content: b.text } : { type: b.type }));
}

export function blockParts(content: unknown): MessagePart[] {
  if (typeof content === "string") return [{ type: "text", content }];
  const parts: MessagePart[] = [];
  for (const b of list(content)) {
    if (!isObject(b)) continue;
    switch (b.type) {
      case "text":
        parts.push({ type: "text", content: String(b.text ?? "") });
        break;
      case "image":
        parts.push(sourcePart(b.source, "image"));
        break;
      case "document":
        parts.push(sourcePart(b.source, "document"));
        break;
      case "tool_use":
        parts.push({ type: "tool_call", id: str(b.id), name: String(b.name ?? ""), arguments: b.input });
        break;
      case "tool_result":
        parts.push({ type: "tool_call_response", id: str(b.tool_use_id), response: toolResult(b.content) });
        break;
      case "thinking":
        parts.push({ type: "reasoning", content: String(b.thinking ?? "") });
        break;
      case "redacted_thinking":
        parts.push({ type: "reasoning", content: "[redacted]" });
        break;
      case "server_tool_use":
        parts.push({ type: "server_tool_call", id: str(b.id), name: String(b.name ?? ""), server_tool_call: { type: b.name, input: b.input } });
        break;
      default:
        if (typeof b.type === "string" && b.type.endsWith("_tool_result")) {
          parts.push({ type: "server_tool_call_response", id: str(b.tool_use_id), server_tool_call_response: { type: b.type } });
        } else parts.push({ type: String(b.type ?? "unknown") });
    }
  }
  return parts;
}

export function systemParts(system: unknown): MessagePart[] | undefined {
  if (system === undefined || system === null) return undefined;
  return blockParts(system);
}

export function inputMessages(messages: unknown): InputMessage[] {
  return list(messages)
    .filter(isObject)
    .map((m: Params) => ({ role: String(m.role ?? "user"), parts: blockParts(m.content) }));
}

export function toolDefinitions(tools: unknown): ToolDefinition[] {
  return list(tools)
    .filter(isObject)
    .map((t): ToolDefinition => {
      const def: ToolDefinition = { type: t.input_schema !== undefined || t.type === undefined || t.type === "custom" ? "function" : String(t.type), name: String(t.name ?? t.type ?? "") };
      if (typeof t.description === "string") def.description = t.description;
      if (t.input_schema !== undefined) def.parameters = t.input_schema;
      return def;
    });
}

/** Anthropic stop reasons → the conventions' output-message values. */
export function outputFinishReason(reason: unknown): string {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_call";
    case "refusal":
      return "content_filter";
    default:
      return typeof reason === "string" ? reason : "error";
  }
}
