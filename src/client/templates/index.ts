/**
 * `pl.templates`: get (with the optional cache and local rendering), list, iterate, publish,
 * invalidate. Parameters are camelCase; templates come back with the service's keys.
 */
import {
  PromptLayerConnectionError,
  PromptLayerInternalServerError,
  PromptLayerRateLimitError,
  PromptLayerTimeoutError,
} from "../../errors.js";
import type { Fallible } from "../fallback.js";
import { pathSegment, type HttpClient } from "../http.js";
import type {
  ExperimentAssignment,
  PromptTemplate,
  PromptTemplateContent,
  PromptTemplateListItem,
  PromptTemplatePage,
  PublishedTemplate,
  TemplateMetadata,
} from "../types.js";
import { compact, deepCopy, isPlainObject, requireInt, requireObject, requireString, requireStringArray, requireStringMap } from "../validate.js";
import { bypassesCache, cacheKey, type TemplateCache } from "./cache.js";
import { isLocallyRenderable, renderTemplateInPlace } from "./render.js";

export interface GetTemplateParams {
  /** Version number; default: the latest (or the label's). */
  version?: number;
  /** Release label, e.g. `prod`. */
  label?: string;
  /** Variables to render into the template (and into `llm_kwargs`). */
  inputVariables?: Record<string, unknown>;
  /** Provider whose `llm_kwargs` shape to return, e.g. `openai`, `anthropic`. */
  provider?: string;
  /** Model whose default parameters go into `llm_kwargs`. */
  model?: string;
  /** Picks the A/B release segment; bypasses the cache. */
  metadataFilters?: Record<string, string>;
  /** Parameters the service merges in, translated per model; bypasses the cache. */
  modelParameterOverrides?: Record<string, unknown>;
  /**
   * The end user, for A/B releases: sent as the `user_id` metadata filter, which is what picks the
   * user's version. When an A/B release chose it, the result's `experiment` says so
   * (`{label, variant, segment?}`; `version` is the variant). Bypasses the cache.
   */
  externalUserId?: string;
}

export interface ListTemplatesParams {
  page?: number;
  perPage?: number;
  label?: string;
  /** Case-insensitive partial match. */
  name?: string;
  /** Templates having all of these tags. */
  tags?: string[];
  status?: "active" | "deleted" | "all";
  externalSource?: string;
  externalId?: string;
  createdByEmail?: string;
  createdAfter?: Date | string;
  createdBefore?: Date | string;
  updatedAfter?: Date | string;
  updatedBefore?: Date | string;
  sortBy?: "created_at" | "updated_at" | "name" | "id";
  sortOrder?: "asc" | "desc";
  isSnippet?: boolean;
}

export interface PublishTemplateParams {
  promptName: string;
  promptTemplate: PromptTemplateContent;
  tags?: string[];
  /** At most 72 characters. */
  commitMessage?: string;
  metadata?: TemplateMetadata;
  folderId?: number;
  workspaceId?: number;
  releaseLabels?: string[];
  externalIds?: Array<{ source: string; external_id: string }>;
  providerBaseUrlName?: string;
  providerId?: number;
  reportId?: number;
  inferenceClientName?: string;
}

/** A fetched template and where it came from. */
export interface FetchedTemplate {
  template: PromptTemplate;
  cacheHit: boolean;
}

/** Errors after which a stale cached template may stand in (the service is struggling, not saying no). */
function isTransient(error: unknown): boolean {
  return (
    error instanceof PromptLayerInternalServerError ||
    error instanceof PromptLayerRateLimitError ||
    error instanceof PromptLayerConnectionError ||
    error instanceof PromptLayerTimeoutError
  );
}

/**
 * The experiment behind an answer, from the `ab_release` the local backend adds when an A/B release
 * chose the version. Without it (a plain label, or the service, which does not say) there is none.
 */
export function experimentOf(template: PromptTemplate | null | undefined): ExperimentAssignment | undefined {
  const choice: unknown = template?.ab_release;
  if (!isPlainObject(choice) || typeof choice.label !== "string" || !Number.isInteger(choice.version)) return undefined;
  return { label: choice.label, variant: choice.version as number, ...(typeof choice.segment === "string" ? { segment: choice.segment } : {}) };
}

function iso(v: Date | string | undefined): string | undefined {
  return v instanceof Date ? v.toISOString() : v;
}

function validateGet(name: string, p: GetTemplateParams): void {
  requireString("name", name);
  if (p.version !== undefined) requireInt("version", p.version, 1);
  if (p.inputVariables !== undefined) requireObject("inputVariables", p.inputVariables);
  if (p.metadataFilters !== undefined) requireStringMap("metadataFilters", p.metadataFilters);
  if (p.modelParameterOverrides !== undefined) requireObject("modelParameterOverrides", p.modelParameterOverrides);
  if (p.externalUserId !== undefined) requireString("externalUserId", p.externalUserId);
}

export class Templates {
  constructor(
    private readonly http: HttpClient,
    private readonly cache: TemplateCache,
    private readonly fallible: Fallible,
  ) {}

  /**
   * `POST /prompt-templates/{name}`. Returns the template (service keys), or `null` when it
   * failed and `throwOnError` is false.
   */
  async get(name: string, params: GetTemplateParams = {}): Promise<PromptTemplate | null> {
    return this.fallible(`templates.get("${name}")`, null, async () => (await this.fetch(name, params)).template);
  }

  /** Like `get`, but always throws on failure and says whether the cache answered. */
  async fetch(name: string, given: GetTemplateParams = {}): Promise<FetchedTemplate> {
    validateGet(name, given);
    const params = given.externalUserId === undefined ? given : { ...given, metadataFilters: { ...given.metadataFilters, user_id: given.externalUserId } };
    if (!this.cache.enabled || bypassesCache(params)) return { template: await this.request(name, params), cacheHit: false };

    const key = cacheKey({ name, ...params });
    const vars = params.inputVariables ?? {};
    const hasVars = Object.keys(vars).length > 0;
    // The service renders only when given input_variables; without them it answers the raw text.
    const render = (template: PromptTemplate) => (params.inputVariables === undefined ? Promise.resolve(template) : renderTemplateInPlace(template, vars, this.http.logger));
    const found = this.cache.lookup(key);
    if (found?.fresh) {
      if (found.entry.renderable) return { template: await render(deepCopy(found.entry.template)), cacheHit: true };
      if (!hasVars) return { template: deepCopy(found.entry.template), cacheHit: true };
      return { template: await this.request(name, params), cacheHit: false };
    }

    let raw: PromptTemplate;
    try {
      raw = await this.request(name, { version: params.version, label: params.label, provider: params.provider, model: params.model }, true);
    } catch (error) {
      const stale = found?.entry;
      if (stale && isTransient(error) && (stale.renderable || !hasVars)) {
        this.http.logger.warn(`templates.get("${name}"): ${(error as Error).message}; serving the cached copy fetched earlier`);
        const copy = deepCopy(stale.template);
        return { template: stale.renderable ? await render(copy) : copy, cacheHit: true };
      }
      throw error;
    }
    const renderable = isLocallyRenderable(raw);
    // An A/B release chooses per request (per user): caching its answer would pin every caller to
    // the arm drawn first.
    if (!raw.experiment) this.cache.store(key, name, raw, renderable);
    if (renderable) return { template: await render(deepCopy(raw)), cacheHit: false };
    // Placeholders and variable tools need the service: ask again, with the variables.
    return { template: hasVars ? await this.request(name, params) : raw, cacheHit: false };
  }

  private async request(name: string, p: GetTemplateParams, skipRendering = false): Promise<PromptTemplate> {
    const body = compact({
      version: p.version,
      label: p.label,
      provider: p.provider,
      model: p.model,
      input_variables: skipRendering ? undefined : p.inputVariables,
      metadata_filters: skipRendering ? undefined : p.metadataFilters,
      model_parameter_overrides: skipRendering ? undefined : p.modelParameterOverrides,
      skip_input_variable_rendering: skipRendering ? true : undefined,
    });
    const { data } = await this.http.request<PromptTemplate>({ method: "POST", path: `/prompt-templates/${pathSegment(name)}`, body });
    if (data?.warning) this.http.logger.warn(`templates.get("${name}"): ${data.warning}`);
    const experiment = experimentOf(data);
    if (experiment) data.experiment = experiment;
    return data;
  }

  /** One page of `GET /prompt-templates`, with its paging fields. */
  async page(params: ListTemplatesParams = {}): Promise<PromptTemplatePage> {
    if (params.page !== undefined) requireInt("page", params.page, 1);
    if (params.perPage !== undefined) requireInt("perPage", params.perPage, 1);
    if (params.tags !== undefined) requireStringArray("tags", params.tags);
    const { data } = await this.http.request<PromptTemplatePage>({
      method: "GET",
      path: "/prompt-templates",
      query: {
        page: params.page,
        per_page: params.perPage,
        label: params.label,
        name: params.name,
        tags: params.tags,
        status: params.status,
        external_source: params.externalSource,
        external_id: params.externalId,
        created_by_email: params.createdByEmail,
        created_after: iso(params.createdAfter),
        created_before: iso(params.createdBefore),
        updated_after: iso(params.updatedAfter),
        updated_before: iso(params.updatedBefore),
        sort_by: params.sortBy,
        sort_order: params.sortOrder,
        is_snippet: params.isSnippet,
      },
    });
    return data;
  }

  /** The templates of one page (default: page 1, the service's page size); `[]` on failure when `throwOnError` is false. */
  async all(params: ListTemplatesParams = {}): Promise<PromptTemplateListItem[]> {
    return this.fallible("templates.all", [] as PromptTemplateListItem[], async () => (await this.page(params)).items);
  }

  /** Every template matching `params`, page after page until `has_next` is false. */
  async *iterate(params: ListTemplatesParams = {}): AsyncGenerator<PromptTemplateListItem, void, undefined> {
    let page = params.page ?? 1;
    for (;;) {
      const result = await this.fallible("templates.iterate", null, () => this.page({ ...params, page }));
      if (!result) return;
      yield* result.items;
      if (!result.has_next || result.items.length === 0) return;
      page = result.next_num ?? page + 1;
    }
  }

  /** `POST /rest/prompt-templates`: a new version of `promptName`. Drops that name from the cache. */
  async publish(params: PublishTemplateParams): Promise<PublishedTemplate | null> {
    return this.fallible(`templates.publish("${params.promptName}")`, null, async () => {
      requireString("promptName", params.promptName, { max: 512 });
      requireObject("promptTemplate", params.promptTemplate);
      if (params.commitMessage !== undefined) requireString("commitMessage", params.commitMessage, { max: 72 });
      if (params.tags !== undefined) requireStringArray("tags", params.tags);
      if (params.releaseLabels !== undefined) requireStringArray("releaseLabels", params.releaseLabels);
      const body = compact({
        prompt_template: compact({ prompt_name: params.promptName, tags: params.tags, folder_id: params.folderId, workspace_id: params.workspaceId }),
        prompt_version: compact({
          prompt_template: params.promptTemplate,
          commit_message: params.commitMessage,
          metadata: params.metadata,
          provider_base_url_name: params.providerBaseUrlName,
          provider_id: params.providerId,
          report_id: params.reportId,
          inference_client_name: params.inferenceClientName,
        }),
        release_labels: params.releaseLabels,
        external_ids: params.externalIds,
      });
      try {
        const { data } = await this.http.request<PublishedTemplate>({ method: "POST", path: "/rest/prompt-templates", body });
        return data;
      } finally {
        // Even a failed publish may have created a version: the next get must ask the service.
        this.cache.invalidate(params.promptName);
      }
    });
  }

  /** Drops cached copies of `name`, or of every template. */
  invalidate(name?: string): void {
    this.cache.invalidate(name);
  }
}
