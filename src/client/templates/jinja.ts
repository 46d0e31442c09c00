/**
 * The `jinja2` template format, rendered locally with nunjucks (the maintained Jinja2-compatible
 * engine for JavaScript). Loaded on first use, so apps that never render a cached jinja2 template
 * do not pay for it. Undefined variables render as "" (the service's ChainableUndefined).
 */
import type { Environment, Template } from "nunjucks";
import { PromptLayerMissingDependencyError } from "../../errors.js";
import { hardenNunjucks } from "./sandbox.js";

type Nunjucks = typeof import("nunjucks");

/** Compiled templates kept (CONTRACT §6: 512). */
export const MAX_COMPILED_TEMPLATES = 512;

export interface JinjaRenderer {
  render(source: string, variables: Readonly<Record<string, unknown>>): string;
}

let loading: Promise<JinjaRenderer> | undefined;

function createRenderer(nunjucks: Nunjucks): JinjaRenderer {
  hardenNunjucks(nunjucks);
  // No loaders (an empty list: `null` would load `{% include %}`d files from ./views), no
  // autoescape: prompts are text, not HTML.
  const env: Environment = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false });
  const compiled = new Map<string, Template>();
  return {
    render(source, variables) {
      let template = compiled.get(source);
      if (template) {
        compiled.delete(source); // re-insert: most recently used last
      } else {
        template = new nunjucks.Template(source, env, undefined, true);
        if (compiled.size >= MAX_COMPILED_TEMPLATES) compiled.delete(compiled.keys().next().value!);
      }
      compiled.set(source, template);
      return template.render(variables as object);
    },
  };
}

export function loadJinjaRenderer(): Promise<JinjaRenderer> {
  loading ??= import("nunjucks").then(
    (m) => createRenderer(((m as { default?: Nunjucks }).default ?? m) as Nunjucks),
    (error: unknown) => {
      loading = undefined;
      throw new PromptLayerMissingDependencyError("nunjucks", "Rendering jinja2 templates locally", { cause: error });
    },
  );
  return loading;
}
