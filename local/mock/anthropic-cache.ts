/**
 * Anthropic prompt-caching accounting. The prompt is the ordered sequence tools → system →
 * messages; a block with `cache_control` marks a breakpoint, and the prefix up to the last
 * breakpoint is what gets cached. Like the real API:
 * - the first request with a prefix reports it as `cache_creation_input_tokens`;
 * - a later request whose prefix (up to some breakpoint) was seen reads that part
 *   (`cache_read_input_tokens`) and writes only the rest up to its last breakpoint;
 * - `input_tokens` is the uncached remainder after the last breakpoint.
 * Not modelled: the minimum cacheable length (1024+ tokens in the real API) and cache expiry.
 */
import { countTokens, sha256Hex, textOf, toolText } from "./content.js";
import { asArray, asObject, asString, isObject, type Json } from "./http.js";

export interface PromptSegment {
  /** Text the mock tokenizer counts. */
  text: string;
  /** Identity for the cache key: the block without its cache_control. */
  key: string;
  /** The block's cache_control, when it marks a breakpoint. */
  cacheControl?: Json;
}

const withoutCacheControl = (block: Json) => {
  const { cache_control: _ignored, ...rest } = block;
  return JSON.stringify(rest);
};

function blockText(block: Json): string {
  switch (block.type) {
    case "text":
      return String(block.text ?? "");
    case "tool_use":
      return `${String(block.name ?? "")} ${JSON.stringify(block.input ?? {})}`;
    case "tool_result":
      return textOf(block.content);
    case "thinking":
      return String(block.thinking ?? "");
    default:
      return textOf([block]);
  }
}

function segmentOf(block: unknown, role: string): PromptSegment {
  if (typeof block === "string") return { text: block, key: JSON.stringify([role, block]) };
  const b = asObject(block);
  const cacheControl = isObject(b.cache_control) ? b.cache_control : undefined;
  return { text: blockText(b), key: JSON.stringify([role, withoutCacheControl(b)]), cacheControl };
}

/** The request's prompt in cache order: tools, then system, then each message's blocks. */
export function promptSegments(body: Json): PromptSegment[] {
  const segments: PromptSegment[] = [];
  for (const tool of asArray(body.tools).filter(isObject)) {
    const text = toolText({ name: String(tool.name ?? ""), description: asString(tool.description), schema: tool.input_schema ?? {} });
    segments.push({ text, key: JSON.stringify(["tool", withoutCacheControl(tool)]), cacheControl: isObject(tool.cache_control) ? tool.cache_control : undefined });
  }
  const system = body.system;
  if (typeof system === "string") segments.push(segmentOf(system, "system"));
  else for (const block of asArray(system)) segments.push(segmentOf(block, "system"));
  for (const message of asArray(body.messages).filter(isObject)) {
    const role = String(message.role ?? "");
    if (typeof message.content === "string") segments.push(segmentOf(message.content, role));
    else for (const block of asArray(message.content)) segments.push(segmentOf(block, role));
  }
  return segments;
}

const joinText = (segments: PromptSegment[]) => segments.map((s) => s.text).join("\n");

export function promptTokens(body: Json): number {
  return countTokens(joinText(promptSegments(body)));
}

export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** Usage for one request, recording its cached prefixes in `seen` (so the next identical request reads them). */
export function cacheUsage(model: string, body: Json, seen: Set<string>): CacheUsage {
  const segments = promptSegments(body);
  const total = countTokens(joinText(segments));
  const breakpoints = segments.flatMap((s, i) => (s.cacheControl ? [i] : []));
  const prefixHash = (end: number) => sha256Hex(JSON.stringify([model, segments.slice(0, end + 1).map((s) => s.key)]));
  const prefixTokens = (end: number) => countTokens(joinText(segments.slice(0, end + 1)));

  const last = breakpoints.at(-1);
  if (last === undefined) {
    return { input_tokens: total, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 } };
  }
  const hit = [...breakpoints].reverse().find((end) => seen.has(prefixHash(end)));
  const read = hit === undefined ? 0 : prefixTokens(hit);
  const cached = prefixTokens(last);
  for (const end of breakpoints) seen.add(prefixHash(end));
  const created = cached - read;
  const oneHour = segments[last]?.cacheControl?.ttl === "1h";
  return {
    input_tokens: total - cached,
    cache_creation_input_tokens: created,
    cache_read_input_tokens: read,
    cache_creation: { ephemeral_5m_input_tokens: oneHour ? 0 : created, ephemeral_1h_input_tokens: oneHour ? created : 0 },
  };
}
