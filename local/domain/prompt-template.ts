/**
 * Prompt templates (CONTRACT §3): validating and normalizing what is published, listing a
 * template's input variables, and rendering it with input variables the way the service does —
 * per-message format, placeholder messages spliced in from list variables, `variable` tools
 * filled from a list of tool definitions.
 */
import { renderFString, fStringVariables, type RenderResult } from "../render/fstring.js";
import { jinja2Variables, renderJinja2, TemplateRenderError } from "../render/jinja2.js";
import { BadRequestError, ValidationError, type Issue } from "./errors.js";
import { asArray, asString, clone, isObject, type Json } from "./json.js";

export type TemplateFormat = "f-string" | "jinja2";
const FORMATS: readonly string[] = ["f-string", "jinja2"];
const ROLES: readonly string[] = ["system", "user", "assistant", "developer", "tool", "function", "placeholder"];

function render(text: string, format: TemplateFormat, variables: Json): RenderResult {
  return format === "jinja2" ? renderJinja2(text, variables) : renderFString(text, variables);
}

function variablesOf(text: string, format: TemplateFormat): string[] {
  return format === "jinja2" ? jinja2Variables(text) : fStringVariables(text);
}

/** A string or a content-block list, as content blocks. */
function toBlocks(content: unknown): unknown[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? content : [];
}

function blockTexts(blocks: unknown[]): string[] {
  return blocks.flatMap((b) => (isObject(b) && b.type === "text" && typeof b.text === "string" ? [b.text] : []));
}

function checkContent(content: unknown, loc: Array<string | number>, issues: Issue[]): void {
  if (content === undefined || content === null || typeof content === "string") return;
  if (!Array.isArray(content)) {
    issues.push({ loc, msg: "Input should be a valid list", type: "list_type" });
    return;
  }
  content.forEach((block, i) => {
    if (!isObject(block) || typeof block.type !== "string") issues.push({ loc: [...loc, i], msg: "Content block must be an object with a string 'type'", type: "model_type" });
    else if (block.type === "text" && typeof block.text !== "string") issues.push({ loc: [...loc, i, "text"], msg: "Input should be a valid string", type: "string_type" });
  });
}

/**
 * Validates a published prompt template and fills in the defaults the service adds
 * (`input_variables`, `template_format`, `raw_request_display_role`, `dataset_examples`, …).
 * `loc` prefixes issue locations (e.g. `["body", "prompt_version", "prompt_template"]`).
 */
export function normalizePromptTemplate(raw: unknown, loc: Array<string | number>): Json {
  const issues: Issue[] = [];
  if (!isObject(raw)) throw new ValidationError([{ loc, msg: "Input should be a valid dictionary", type: "dict_type" }]);
  const type = raw.type ?? (Array.isArray(raw.messages) ? "chat" : undefined);
  if (type !== "chat" && type !== "completion") {
    throw new ValidationError([{ loc: [...loc, "type"], msg: "Input tag must be one of 'chat', 'completion'", type: "union_tag_invalid" }]);
  }
  if (type === "completion") {
    const format = raw.template_format ?? "f-string";
    if (!FORMATS.includes(String(format))) issues.push({ loc: [...loc, "template_format"], msg: "Input should be 'f-string' or 'jinja2'", type: "enum" });
    if (raw.content === undefined) issues.push({ loc: [...loc, "content"], msg: "Field required", type: "missing" });
    checkContent(raw.content, [...loc, "content"], issues);
    if (issues.length) throw new ValidationError(issues);
    const content = toBlocks(raw.content);
    const inputVariables = [...new Set(blockTexts(content).flatMap((t) => variablesOf(t, format as TemplateFormat)))];
    return { content, input_variables: inputVariables, template_format: format, type: "completion", dataset_examples: [] };
  }

  if (!Array.isArray(raw.messages)) {
    throw new ValidationError([{ loc: [...loc, "messages"], msg: raw.messages === undefined ? "Field required" : "Input should be a valid list", type: raw.messages === undefined ? "missing" : "list_type" }]);
  }
  const messages = raw.messages.map((m, i): Json => {
    const at = [...loc, "messages", i];
    if (!isObject(m)) {
      issues.push({ loc: at, msg: "Input should be a valid dictionary", type: "dict_type" });
      return {};
    }
    const role = m.role;
    if (typeof role !== "string" || !ROLES.includes(role)) {
      issues.push({ loc: [...at, "role"], msg: `Input should be one of ${ROLES.map((r) => `'${r}'`).join(", ")}`, type: "union_tag_invalid" });
      return {};
    }
    const format = m.template_format ?? "f-string";
    if (!FORMATS.includes(String(format))) issues.push({ loc: [...at, "template_format"], msg: "Input should be 'f-string' or 'jinja2'", type: "enum" });
    if (role === "placeholder") {
      if (typeof m.name !== "string" || !m.name) issues.push({ loc: [...at, "name"], msg: "Field required", type: "missing" });
      return { input_variables: [m.name], template_format: format, content: null, raw_request_display_role: "", dataset_examples: [], role, name: m.name ?? null };
    }
    checkContent(m.content, [...at, "content"], issues);
    const content = toBlocks(m.content);
    const inputVariables = [...new Set(blockTexts(content).flatMap((t) => variablesOf(t, format as TemplateFormat)))];
    const out: Json = { input_variables: inputVariables, template_format: format, content, raw_request_display_role: "", dataset_examples: [], role, name: m.name ?? null };
    if (role === "assistant") {
      out.function_call = m.function_call ?? null;
      out.tool_calls = m.tool_calls ?? null;
    }
    if (role === "tool") out.tool_call_id = m.tool_call_id ?? null;
    return out;
  });
  if (raw.tools !== undefined && raw.tools !== null && !Array.isArray(raw.tools)) issues.push({ loc: [...loc, "tools"], msg: "Input should be a valid list", type: "list_type" });
  if (issues.length) throw new ValidationError(issues);
  const toolVariables = asArray(raw.tools).flatMap((t) => (isObject(t) && t.type === "variable" && typeof t.name === "string" ? [t.name] : []));
  const inputVariables = [...new Set([...messages.flatMap((m) => asArray(m.input_variables).map(String)), ...toolVariables])];
  return {
    messages,
    functions: raw.functions ?? null,
    tools: raw.tools ?? null,
    function_call: raw.function_call ?? null,
    tool_choice: raw.tool_choice ?? null,
    type: "chat",
    input_variables: inputVariables,
    dataset_examples: [],
  };
}

export interface RenderOutcome {
  template: Json;
  /** Problems that did not stop rendering (missing variables, a template that failed to render). */
  warnings: string[];
}

function renderBlocks(blocks: unknown, format: TemplateFormat, variables: Json, missing: Set<string>, warnings: string[]): unknown {
  if (!Array.isArray(blocks)) return blocks;
  return blocks.map((block) => {
    if (!isObject(block) || block.type !== "text" || typeof block.text !== "string") return block;
    try {
      const result = render(block.text, format, variables);
      result.missing.forEach((m) => missing.add(m));
      return { ...block, text: result.text };
    } catch (error) {
      if (!(error instanceof TemplateRenderError)) throw error;
      // Like the SDKs' local renderers: keep the original text, say why.
      warnings.push(`Template render error (${format}): ${error.message}`);
      return block;
    }
  });
}

/** A list variable spliced in place of a placeholder message: blueprint messages, content normalized. */
function placeholderMessages(name: string, value: unknown): Json[] {
  if (!Array.isArray(value)) throw new BadRequestError(`Input variable '${name}' fills a placeholder message and must be a list of messages`);
  return value.map((m, i) => {
    if (!isObject(m) || typeof m.role !== "string") throw new BadRequestError(`Input variable '${name}'[${i}] must be a message with a 'role'`);
    return { input_variables: [], template_format: "f-string", raw_request_display_role: "", dataset_examples: [], name: null, ...m, content: toBlocks(m.content) };
  });
}

/** Tool definitions filling a `{type: "variable", name}` tool: `{name, description, parameters|input_schema}` → function tools. */
function toolVariable(name: string, value: unknown): Json[] {
  if (!Array.isArray(value)) throw new BadRequestError(`Input variable '${name}' fills a tool variable and must be a list of tool definitions`);
  return value.map((t, i) => {
    if (!isObject(t)) throw new BadRequestError(`Input variable '${name}'[${i}] must be a tool definition object`);
    if (t.type === "function" && isObject(t.function)) return t;
    return { type: "function", function: { name: t.name, description: t.description ?? "", parameters: t.parameters ?? t.input_schema ?? { type: "object", properties: {} } } };
  });
}

/** Renders `template` with `variables`; the stored template is not modified. */
export function renderPromptTemplate(template: Json, variables: Json): RenderOutcome {
  const out = clone(template);
  const warnings: string[] = [];
  const missing = new Set<string>();
  if (out.type === "completion") {
    out.content = renderBlocks(out.content, (out.template_format as TemplateFormat) ?? "f-string", variables, missing, warnings);
  } else {
    out.messages = asArray(out.messages).flatMap((m): unknown[] => {
      if (!isObject(m)) return [m];
      if (m.role === "placeholder") {
        const name = asString(m.name) ?? "";
        if (!Object.hasOwn(variables, name)) {
          missing.add(name);
          return [];
        }
        return placeholderMessages(name, variables[name]);
      }
      return [{ ...m, content: renderBlocks(m.content, (m.template_format as TemplateFormat) ?? "f-string", variables, missing, warnings) }];
    });
    if (Array.isArray(out.tools)) {
      out.tools = out.tools.flatMap((t): unknown[] => {
        if (!isObject(t) || t.type !== "variable" || typeof t.name !== "string") return [t];
        if (!Object.hasOwn(variables, t.name)) {
          missing.add(t.name);
          return [];
        }
        return toolVariable(t.name, variables[t.name]);
      });
    }
  }
  if (missing.size) warnings.unshift(`Missing input variables rendered as empty: ${[...missing].join(", ")}`);
  return { template: out, warnings };
}
