/**
 * Local rendering of a cached template (CONTRACT §6): the text of `prompt_template` and the
 * provider-shaped `llm_kwargs` get the caller's input variables, as the service would have put
 * them in had it been asked with `input_variables`. A block whose text fails to render keeps its
 * original text, as on the service.
 *
 * Each piece of `llm_kwargs` text is rendered with the `template_format` of the template message it
 * came from. The provider's lists do not always line up with the template's messages: Anthropic
 * (`system`) and Gemini (`system_instruction`) move system messages out of them. A provider list
 * is mapped back to the template's messages when it has one entry per message, or one per
 * non-system message, with system roles in the same places; moved-out system text takes the system
 * messages' format. When the template mixes formats and some text cannot be mapped that way, the
 * template is not rendered locally: the service renders it (`isLocallyRenderable` is false).
 */
import { logger as packageLogger, type Logger } from "../../logger.js";
import type { BlueprintMessage, ContentBlock, JsonObject, PromptTemplate, TemplateFormat } from "../types.js";
import { isPlainObject } from "../validate.js";
import { renderFString } from "./f-string.js";
import { loadJinjaRenderer, type JinjaRenderer } from "./jinja.js";

type Vars = Readonly<Record<string, unknown>>;

/**
 * Whether the client can render this template itself. Placeholder messages and `variable` tools
 * are expanded by the service (they splice in lists of messages or tools), and image/media
 * variables become structured content; such templates are fetched with their variables instead.
 */
export function isLocallyRenderable(template: PromptTemplate): boolean {
  const pt = template.prompt_template;
  if (pt.type === "chat") {
    if (pt.messages.some((m) => m.role === "placeholder")) return false;
    if (pt.tools?.some((t) => t?.type === "variable")) return false;
    if (pt.messages.some((m) => Array.isArray(m.content) && m.content.some(isVariableMedia))) return false;
  } else if (pt.content?.some(isVariableMedia)) return false;
  if (isPlainObject(template.llm_kwargs) && !kwargsFormats(template, template.llm_kwargs)) return false;
  return true;
}

function isVariableMedia(block: ContentBlock): boolean {
  return block.type === "media_variable" || (block.type === "image_url" && typeof block.image_variable === "string" && block.image_variable !== "");
}

function formatOf(v: unknown): TemplateFormat {
  return v === "jinja2" ? "jinja2" : "f-string";
}

/** The formats a template uses, so the jinja engine is loaded only when needed. */
function formatsOf(template: PromptTemplate): Set<TemplateFormat> {
  const pt = template.prompt_template;
  if (pt.type === "chat") return new Set(pt.messages.map((m) => formatOf(m.template_format)));
  return new Set([formatOf(pt.template_format)]);
}

class TextRenderer {
  constructor(
    private readonly vars: Vars,
    private readonly jinja: JinjaRenderer | undefined,
    private readonly logger: Logger,
  ) {}

  text(source: string, format: TemplateFormat): string {
    try {
      if (format === "jinja2") return this.jinja ? this.jinja.render(source, this.vars) : source;
      return renderFString(source, this.vars);
    } catch (error) {
      this.logger.debug(`could not render a ${format} block locally; keeping its text`, error);
      return source;
    }
  }

  /** Text blocks (`text`, `input_text`) in a block list; other blocks untouched. */
  blocks(blocks: unknown[], format: TemplateFormat): void {
    for (const b of blocks) {
      if (isPlainObject(b) && (b.type === "text" || b.type === "input_text") && typeof b.text === "string") b.text = this.text(b.text, format);
    }
  }

  /** Gemini `parts`: every part with a `text`. */
  parts(parts: unknown, format: TemplateFormat): void {
    if (!Array.isArray(parts)) return;
    for (const p of parts) if (isPlainObject(p) && typeof p.text === "string" && p.thought !== true) p.text = this.text(p.text, format);
  }

  /** A `content` that is either a string or a block list; returns the new value. */
  content(content: unknown, format: TemplateFormat): unknown {
    if (typeof content === "string") return this.text(content, format);
    if (Array.isArray(content)) this.blocks(content, format);
    return content;
  }

  /** A system instruction: a string, a Content `{parts}`, or a bare parts list. */
  systemInstruction(si: unknown, format: TemplateFormat): unknown {
    if (typeof si === "string") return this.text(si, format);
    if (Array.isArray(si)) this.parts(si, format);
    else if (isPlainObject(si)) this.parts(si.parts, format);
    return si;
  }
}

function renderMessages(messages: BlueprintMessage[], r: TextRenderer): void {
  for (const m of messages) {
    if (Array.isArray(m.content)) r.blocks(m.content, formatOf(m.template_format));
  }
}

const isSystemRole = (role: unknown): boolean => role === "system" || role === "developer";

/** The format of each part of `llm_kwargs` that holds template text. */
interface KwargsFormats {
  /** Per entry of each provider message list, by key (`messages`, `input`, `contents`, `history`). */
  lists: Map<string, TemplateFormat[]>;
  /** System text moved out of the messages (`system`, `instructions`, `system_instruction`). */
  system: TemplateFormat;
  /** A completion template's `prompt`. */
  prompt: TemplateFormat;
}

const LIST_KEYS = ["messages", "input", "contents", "history"] as const;

/**
 * Which format renders each part of `kwargs`, or undefined when the template mixes formats and
 * some part cannot be mapped back to the template message it came from.
 */
function kwargsFormats(template: PromptTemplate, kwargs: JsonObject): KwargsFormats | undefined {
  const pt = template.prompt_template;
  const messages = pt.type === "chat" ? pt.messages.filter((m) => m.role !== "placeholder") : [];
  const formats = pt.type === "chat" ? messages.map((m) => formatOf(m.template_format)) : [formatOf(pt.template_format)];
  // One format throughout: every part uses it, however the provider laid the messages out.
  const single = new Set(formats).size <= 1 ? (formats[0] ?? "f-string") : undefined;

  const lists = new Map<string, TemplateFormat[]>();
  for (const key of LIST_KEYS) {
    const entries = kwargs[key];
    if (!Array.isArray(entries)) continue;
    const mapped = single !== undefined ? entries.map(() => single) : mapEntries(entries, messages);
    if (!mapped) return undefined;
    lists.set(key, mapped);
  }

  let system = single;
  if (system === undefined) {
    const systemFormats = new Set(messages.filter((m) => isSystemRole(m.role)).map((m) => formatOf(m.template_format)));
    if (systemFormats.size === 1) system = [...systemFormats][0];
  }
  const hasSystemText =
    "system" in kwargs ||
    typeof kwargs.instructions === "string" ||
    "system_instruction" in kwargs ||
    ["generation_config", "config"].some((k) => isPlainObject(kwargs[k]) && "system_instruction" in (kwargs[k] as JsonObject));
  if (hasSystemText && system === undefined) return undefined;
  if (typeof kwargs.prompt === "string" && single === undefined) return undefined;
  return { lists, system: system ?? "f-string", prompt: single ?? "f-string" };
}

/**
 * The template message format of each provider entry: one entry per template message, or one per
 * non-system message (system moved out), with the system roles where the template has them.
 * Entries without a role (e.g. Gemini parts) fit any message.
 */
function mapEntries(entries: unknown[], messages: BlueprintMessage[]): TemplateFormat[] | undefined {
  const candidates = [messages, messages.filter((m) => !isSystemRole(m.role))];
  for (const candidate of candidates) {
    if (candidate.length !== entries.length) continue;
    const fits = entries.every((e, i) => {
      const role = isPlainObject(e) ? e.role : undefined;
      return typeof role !== "string" || isSystemRole(role) === isSystemRole(candidate[i]!.role);
    });
    if (fits) return candidate.map((m) => formatOf(m.template_format));
  }
  return undefined;
}

function renderKwargs(kwargs: JsonObject, r: TextRenderer, f: KwargsFormats): void {
  const at = (key: string, i: number): TemplateFormat => f.lists.get(key)?.[i] ?? "f-string";
  // Indexes over the whole list (a non-object entry still counts for the mapping).
  const each = (key: (typeof LIST_KEYS)[number], fn: (entry: JsonObject, format: TemplateFormat) => void) => {
    const entries = kwargs[key];
    if (!Array.isArray(entries)) return;
    entries.forEach((e, i) => {
      if (isPlainObject(e)) fn(e, at(key, i));
    });
  };
  each("messages", (m, format) => (m.content = r.content(m.content, format)));
  each("input", (item, format) => (item.content = r.content(item.content, format)));
  each("contents", (c, format) => r.parts(c.parts, format));
  each("history", (h, format) => r.parts(h.parts, format));
  if ("system" in kwargs) kwargs.system = r.content(kwargs.system, f.system);
  if (typeof kwargs.instructions === "string") kwargs.instructions = r.text(kwargs.instructions, f.system);
  if ("system_instruction" in kwargs) kwargs.system_instruction = r.systemInstruction(kwargs.system_instruction, f.system);
  for (const key of ["generation_config", "config"]) {
    const gc = kwargs[key];
    if (isPlainObject(gc) && "system_instruction" in gc) gc.system_instruction = r.systemInstruction(gc.system_instruction, f.system);
  }
  if (typeof kwargs.prompt === "string") kwargs.prompt = r.text(kwargs.prompt, f.prompt);
}

/**
 * Renders `template` in place with `variables`. The caller passes its own deep copy: the cached
 * original must stay unrendered for the next caller's variables. Meant for templates that
 * `isLocallyRenderable` accepts; `llm_kwargs` that cannot be mapped to the template's formats
 * are left unrendered rather than rendered with a guessed format.
 */
export async function renderTemplateInPlace(template: PromptTemplate, variables: Vars, logger: Logger = packageLogger): Promise<PromptTemplate> {
  const jinja = formatsOf(template).has("jinja2") ? await loadJinjaRenderer() : undefined;
  const r = new TextRenderer(variables, jinja, logger);
  const pt = template.prompt_template;
  if (pt.type === "chat") renderMessages(pt.messages, r);
  else if (Array.isArray(pt.content)) r.blocks(pt.content, formatOf(pt.template_format));
  if (isPlainObject(template.llm_kwargs)) {
    const formats = kwargsFormats(template, template.llm_kwargs);
    if (formats) renderKwargs(template.llm_kwargs, r, formats);
    else logger.debug("llm_kwargs do not map onto the template's messages; left unrendered (the service renders such templates)");
  }
  return template;
}
