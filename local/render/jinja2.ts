/**
 * The service's `jinja2` format, rendered with nunjucks (the jinja2-compatible engine for JS).
 * Undefined variables render as "" like the SDKs' sandboxed ChainableUndefined; output is not
 * HTML-escaped (prompts are not HTML).
 */
import nunjucks from "nunjucks";
import { hardenNunjucks } from "../../src/client/templates/sandbox.js";
import type { RenderResult } from "./fstring.js";

// No sandbox in nunjucks: refuse the lookups that reach code (see sandbox.ts). No loaders (an
// empty list: `null` would load `{% include %}`d files from ./views).
hardenNunjucks(nunjucks);
const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false });

/** The template could not be parsed or evaluated. */
export class TemplateRenderError extends Error {}

export function renderJinja2(template: string, variables: Record<string, unknown>): RenderResult {
  let text: string;
  try {
    text = env.renderString(template, variables);
  } catch (error) {
    throw new TemplateRenderError((error as Error).message);
  }
  const missing = jinja2Variables(template).filter((name) => !Object.hasOwn(variables, name));
  return { text, missing };
}

const KEYWORDS = new Set(["if", "elif", "else", "endif", "for", "endfor", "in", "not", "and", "or", "is", "set", "endset", "true", "false", "none", "True", "False", "None", "loop", "macro", "endmacro", "raw", "endraw", "filter", "endfilter", "include", "import", "from", "block", "endblock", "extends", "with", "without", "context"]);

/**
 * An approximation of the template's free variables: identifiers at the start of `{{ … }}`
 * expressions and in `{% if/for … %}` tags, minus names the template binds itself (loop and set
 * targets). Good enough to list a template's `input_variables`; rendering does not depend on it.
 */
export function jinja2Variables(template: string): string[] {
  const bound = new Set<string>();
  for (const m of template.matchAll(/\{%-?\s*for\s+([\w\s,]+?)\s+in\b/g)) for (const n of m[1]!.split(",")) bound.add(n.trim());
  for (const m of template.matchAll(/\{%-?\s*set\s+(\w+)/g)) bound.add(m[1]!);
  const names = new Set<string>();
  const add = (expr: string) => {
    const stripped = expr.replace(/(["'])(?:\\.|(?!\1).)*\1/g, " ");
    for (const id of stripped.matchAll(/(?<![\w.|])([A-Za-z_]\w*)/g)) {
      const name = id[1]!;
      if (!KEYWORDS.has(name) && !bound.has(name)) names.add(name);
    }
  };
  for (const m of template.matchAll(/\{\{-?([\s\S]*?)-?\}\}/g)) add(m[1]!.split("|")[0]!);
  for (const m of template.matchAll(/\{%-?\s*(?:if|elif|for\s+[\w\s,]+?\s+in)\s+([\s\S]*?)-?%\}/g)) add(m[1]!);
  return [...names];
}
