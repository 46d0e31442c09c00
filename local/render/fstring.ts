/**
 * The service's `f-string` format (Python `str.format` with the service's leniency), rendered by
 * the very renderer the client uses for cached templates, so the backend and a cached `run()` send
 * the same prompt. A format spec Python would reject is a `TemplateRenderError` (the caller keeps
 * the original text, as the client does).
 */
import { FStringRenderError, fStringFields, renderFString as renderWithClientRules } from "../../src/client/templates/f-string.js";
import { TemplateRenderError } from "./jinja2.js";

export interface RenderResult {
  text: string;
  /** Variables the template uses that were absent (rendered as ""). */
  missing: string[];
}

export function renderFString(template: string, variables: Record<string, unknown>): RenderResult {
  let text: string;
  try {
    text = renderWithClientRules(template, variables);
  } catch (error) {
    if (error instanceof FStringRenderError) throw new TemplateRenderError(error.message);
    throw error;
  }
  return { text, missing: fStringFields(template).filter((name) => !Object.hasOwn(variables, name)) };
}

/** The variable names a template uses, in order of first use. */
export function fStringVariables(template: string): string[] {
  return fStringFields(template);
}
