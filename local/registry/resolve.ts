/**
 * Fetching a template the way `POST /prompt-templates/{identifier}` does: pick the version (by
 * number, by release label — through its A/B split when the label has one — or the latest),
 * render it with the input variables, and build `llm_kwargs` for the provider. The workflow
 * engine runs prompt nodes through the same path.
 *
 * One local addition to the service's answer: when an A/B release picked the version, the body
 * says so in `ab_release: {label, version, segment}` (the service's own answer does not tell a
 * release split from a plain label). The key is absent otherwise, so plain answers keep the
 * service's exact shape. The client reports `experiment` from it.
 */
import { randomUUID } from "node:crypto";
import { chooseVersion, type Choice } from "../domain/ab.js";
import { NotFoundError } from "../domain/errors.js";
import { asObject, asString, isObject, type Json } from "../domain/json.js";
import { buildLlmKwargs, type ModelSettings } from "../domain/llm-kwargs.js";
import { renderPromptTemplate } from "../domain/prompt-template.js";
import type { LocalStore } from "../store/index.js";
import type { PromptRow, VersionRow } from "../store/templates.js";

export interface ResolveRequest {
  version?: number | undefined;
  label?: string | undefined;
  provider?: string | undefined;
  model?: string | undefined;
  inputVariables?: Json | undefined;
  metadataFilters?: Record<string, unknown> | undefined;
  modelParameterOverrides?: Json | undefined;
  skipRendering?: boolean | undefined;
  /** Leave `llm_kwargs` null (the raw `GET` without `include_llm_kwargs`). */
  withoutKwargs?: boolean | undefined;
}

export interface Resolved {
  prompt: PromptRow;
  version: VersionRow;
  /** The A/B choice, when the label had a release. */
  abChoice: Choice | undefined;
  model: ModelSettings;
  llmKwargs: Json | null;
  /** The service's response body. */
  body: Json;
}

/** Parameters every provider understands; the rest stay behind when rendering for another provider. */
const PORTABLE_PARAMETERS = ["temperature", "top_p", "max_tokens", "stop"];

function modelSettings(metadata: Json | null, request: ResolveRequest): ModelSettings {
  const stored = asObject(asObject(metadata).model);
  const storedProvider = asString(stored.provider);
  const provider = request.provider ?? storedProvider ?? "openai";
  const switched = storedProvider !== undefined && provider !== storedProvider;
  let parameters = asObject(stored.parameters);
  if (switched) parameters = Object.fromEntries(Object.entries(parameters).filter(([k]) => PORTABLE_PARAMETERS.includes(k)));
  return {
    provider,
    name: switched ? (request.model ?? asString(stored.name)) : (asString(stored.name) ?? request.model),
    parameters,
    apiType: switched ? undefined : asString(stored.api_type),
  };
}

export function resolvePrompt(store: LocalStore, identifier: string, request: ResolveRequest): Resolved {
  const prompt = store.templates.find(identifier);
  if (!prompt || prompt.isDeleted) throw new NotFoundError(`Prompt template '${identifier}' not found`);
  const warnings: string[] = [];
  let version: VersionRow | undefined;
  let abChoice: Choice | undefined;
  if (request.version !== undefined) {
    if (request.label !== undefined) warnings.push("Both version and label were given; the version wins");
    version = store.templates.version(prompt.id, request.version);
    if (!version) throw new NotFoundError(`Version ${request.version} of prompt template '${prompt.name}' not found`);
  } else if (request.label !== undefined) {
    const release = store.templates.release(prompt.id, request.label);
    if (release) {
      abChoice = chooseVersion(release.config, prompt.id, request.label, request.metadataFilters);
      version = store.templates.version(prompt.id, abChoice.version);
    } else {
      version = store.templates.labelled(prompt.id, request.label);
    }
    if (!version) throw new NotFoundError(`Release label '${request.label}' of prompt template '${prompt.name}' not found`);
  } else {
    version = store.templates.latest(prompt.id);
    if (!version) throw new NotFoundError(`Prompt template '${prompt.name}' has no versions`);
  }

  let template = version.promptTemplate;
  if (request.inputVariables !== undefined && !request.skipRendering) {
    const rendered = renderPromptTemplate(template, request.inputVariables);
    template = rendered.template;
    warnings.push(...rendered.warnings);
  }
  const model = modelSettings(version.metadata, request);
  const llmKwargs = request.withoutKwargs ? null : buildLlmKwargs(template, model, request.modelParameterOverrides ?? {});

  const body: Json = {
    id: prompt.id,
    prompt_name: prompt.name,
    version: version.version,
    workspace_id: 1,
    tags: prompt.tags,
    commit_message: version.commitMessage,
    prompt_template: template,
    metadata: version.metadata,
    llm_kwargs: llmKwargs,
    provider_base_url: null,
    custom_provider: null,
    provider_id: null,
    snippets: [],
    warning: warnings.length ? warnings.join("; ") : null,
    request_id: randomUUID().replace(/-/g, ""),
    ...(abChoice && request.label !== undefined ? { ab_release: { label: request.label, version: abChoice.version, segment: abChoice.segment } } : {}),
  };
  return { prompt, version, abChoice, model, llmKwargs, body };
}

/** `metadata_filters` as sent: an object (values are compared as strings). */
export function metadataFiltersOf(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? value : undefined;
}
