/**
 * Local rendering of a cached template (CONTRACT §6): the text of `prompt_template` and the
 * provider-shaped `llm_kwargs` get the caller's input variables, as the service would have put
 * them in had it been asked with `input_variables`. A block whose text fails to render keeps its
 * original text, as on the service.
 */
import { logger } from "../../logger.js";
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
  ) {}

  text(source: string, format: TemplateFormat): string {
    try {
      if (format === "jinja2") return this.jinja ? this.jinja.render(source, this.vars) : source;
      return renderFString(source, this.vars);
    } catch (error) {
      logger.debug(`could not render a ${format} block locally; keeping its text`, error);
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

function renderKwargs(kwargs: JsonObject, r: TextRenderer, formats: TemplateFormat[]): void {
  const first = formats[0] ?? "f-string";
  const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);
  const messages = list(kwargs.messages);
  // One kwargs message per template message (OpenAI chat): each keeps its own format.
  const perMessage = messages.length === formats.length;
  messages.forEach((m, i) => {
    m.content = r.content(m.content, perMessage ? (formats[i] ?? first) : first);
  });
  for (const item of list(kwargs.input)) item.content = r.content(item.content, first);
  if ("system" in kwargs) kwargs.system = r.content(kwargs.system, first);
  if (typeof kwargs.instructions === "string") kwargs.instructions = r.text(kwargs.instructions, first);
  for (const c of list(kwargs.contents)) r.parts(c.parts, first);
  for (const h of list(kwargs.history)) r.parts(h.parts, first);
  if ("system_instruction" in kwargs) kwargs.system_instruction = r.systemInstruction(kwargs.system_instruction, first);
  for (const key of ["generation_config", "config"]) {
    const gc = kwargs[key];
    if (isPlainObject(gc) && "system_instruction" in gc) gc.system_instruction = r.systemInstruction(gc.system_instruction, first);
  }
  if (typeof kwargs.prompt === "string") kwargs.prompt = r.text(kwargs.prompt, first);
}

/**
 * Renders `template` in place with `variables`. The caller passes its own deep copy: the cached
 * original must stay unrendered for the next caller's variables.
 */
export async function renderTemplateInPlace(template: PromptTemplate, variables: Vars): Promise<PromptTemplate> {
  const jinja = formatsOf(template).has("jinja2") ? await loadJinjaRenderer() : undefined;
  const r = new TextRenderer(variables, jinja);
  const pt = template.prompt_template;
  let formats: TemplateFormat[];
  if (pt.type === "chat") {
    renderMessages(pt.messages, r);
    formats = pt.messages.filter((m) => m.role !== "placeholder").map((m) => formatOf(m.template_format));
  } else {
    formats = [formatOf(pt.template_format)];
    if (Array.isArray(pt.content)) r.blocks(pt.content, formats[0]!);
  }
  if (isPlainObject(template.llm_kwargs)) renderKwargs(template.llm_kwargs, r, formats);
  return template;
}
