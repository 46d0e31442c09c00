/** OpenAI Chat Completions messages and tools → the conventions' message and tool shapes. */
import { isObject, list, str, type Params } from "../genai/attributes.js";
import { mediaPart, parseArguments, type InputMessage, type MessagePart, type ToolDefinition } from "../genai/content.js";

function contentParts(content: unknown): MessagePart[] {
  if (typeof content === "string") return [{ type: "text", content }];
  const parts: MessagePart[] = [];
  for (const p of list(content)) {
    if (!isObject(p)) continue;
    switch (p.type) {
      case "text":
        parts.push({ type: "text", content: String(p.text ?? "") });
        break;
      case "image_url": {
        const url = isObject(p.image_url) ? str(p.image_url.url) : undefined;
        if (url) parts.push(mediaPart(url, "image"));
        break;
      }
      case "input_audio": {
        const a = isObject(p.input_audio) ? p.input_audio : {};
        parts.push({ type: "blob", modality: "audio", mime_type: a.format ? `audio/${String(a.format)}` : undefined, content: String(a.data ?? "") } as MessagePart);
        break;
      }
      case "file": {
        const f = isObject(p.file) ? p.file : {};
        if (str(f.file_id)) parts.push({ type: "file", modality: "document", file_id: String(f.file_id) });
        else if (str(f.file_data)) parts.push(mediaPart(String(f.file_data), "document"));
        break;
      }
      case "refusal":
        parts.push({ type: "refusal", content: String(p.refusal ?? "") });
        break;
      default:
        parts.push({ type: String(p.type ?? "unknown") });
    }
  }
  return parts;
}

/** Text of a message content that may be a string or a list of text parts. */
export function plainText(content: unknown): string {
  if (typeof content === "string") return content;
  return list(content)
    .map((p) => (isObject(p) && typeof p.text === "string" ? p.text : ""))
    .join("");
}

function toolCallParts(calls: unknown): MessagePart[] {
  return list(calls)
    .filter(isObject)
    .map((c) => {
      const fn = isObject(c.function) ? c.function : isObject(c.custom) ? c.custom : {};
      return { type: "tool_call", id: str(c.id), name: String(fn.name ?? ""), arguments: parseArguments(fn.arguments ?? fn.input) };
    });
}

export function chatInputMessages(messages: unknown): InputMessage[] {
  return list(messages)
    .filter(isObject)
    .map((m: Params): InputMessage => {
      const role = String(m.role ?? "user");
      let parts: MessagePart[];
      if (role === "tool" || role === "function") {
        parts = [{ type: "tool_call_response", id: str(m.tool_call_id), response: plainText(m.content) }];
      } else {
        parts = m.content === null || m.content === undefined ? [] : contentParts(m.content);
        parts.push(...toolCallParts(m.tool_calls));
        if (isObject(m.function_call)) parts.push(...toolCallParts([{ function: m.function_call }]));
      }
      const msg: InputMessage = { role, parts };
      if (typeof m.name === "string" && role !== "function") msg.name = m.name;
      return msg;
    });
}

/** The assistant message of one choice, as output parts. */
export function assistantParts(message: Params): MessagePart[] {
  const parts: MessagePart[] = [];
  if (typeof message.content === "string" && message.content) parts.push({ type: "text", content: message.content });
  if (typeof message.refusal === "string" && message.refusal) parts.push({ type: "refusal", content: message.refusal });
  parts.push(...toolCallParts(message.tool_calls));
  if (isObject(message.function_call)) parts.push(...toolCallParts([{ function: message.function_call }]));
  return parts;
}

export function toolDefinitions(tools: unknown): ToolDefinition[] {
  return list(tools)
    .filter(isObject)
    .map((t): ToolDefinition => {
      const fn = isObject(t.function) ? t.function : t;
      const def: ToolDefinition = { type: String(t.type ?? "function"), name: String(fn.name ?? t.type ?? "") };
      if (typeof fn.description === "string") def.description = fn.description;
      if (fn.parameters !== undefined) def.parameters = fn.parameters;
      return def;
    });
}

/** OpenAI finish reasons → the conventions' output-message values. */
export function outputFinishReason(reason: unknown): string {
  if (reason === "tool_calls" || reason === "function_call") return "tool_call";
  return typeof reason === "string" ? reason : "error";
}
