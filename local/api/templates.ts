/**
 * Prompt registry routes (CONTRACT §2.1–2.3):
 *   POST /prompt-templates/{identifier}         get (render, A/B, llm_kwargs)
 *   GET  /prompt-templates/{identifier}         raw get (OAS; query version, label, include_llm_kwargs)
 *   GET  /prompt-templates/{identifier}/labels  release labels
 *   GET  /prompt-templates                      list with paging and filters
 *   POST /rest/prompt-templates                 publish a new version (201)
 */
import { NotFoundError, ValidationError } from "../domain/errors.js";
import { isObject, type Json } from "../domain/json.js";
import { buildLlmKwargs } from "../domain/llm-kwargs.js";
import { normalizePromptTemplate } from "../domain/prompt-template.js";
import { metadataFiltersOf, resolvePrompt } from "../registry/resolve.js";
import type { PromptRow, VersionRow } from "../store/templates.js";
import { ok, type Reply } from "./http.js";
import type { RouteContext, Router } from "./router.js";
import { Fields, objectBody, queryObject } from "./validate.js";

function getTemplate(ctx: RouteContext): Reply {
  const body = objectBody(ctx.body, true);
  const f = new Fields(body);
  const request = {
    version: f.int("version", { min: 1 }),
    label: f.string("label"),
    provider: f.string("provider"),
    model: f.string("model"),
    inputVariables: f.object("input_variables"),
    metadataFilters: metadataFiltersOf(f.object("metadata_filters")),
    modelParameterOverrides: f.object("model_parameter_overrides"),
    skipRendering: f.bool("skip_input_variable_rendering"),
  };
  f.done();
  return ok(resolvePrompt(ctx.services.store, ctx.params.identifier!, request).body);
}

function getTemplateRaw(ctx: RouteContext): Reply {
  const f = new Fields(queryObject(ctx.query), ["query"]);
  const request = { version: f.int("version", { min: 1 }), label: f.string("label"), withoutKwargs: !f.bool("include_llm_kwargs") };
  f.done();
  return ok(resolvePrompt(ctx.services.store, ctx.params.identifier!, request).body);
}

function labels(ctx: RouteContext): Reply {
  const prompt = ctx.services.store.templates.find(ctx.params.identifier!);
  if (!prompt) throw new NotFoundError(`Prompt template '${ctx.params.identifier}' not found`);
  return ok({
    release_labels: ctx.services.store.templates.labels(prompt.id).map((l) => ({
      prompt_version_id: l.versionId,
      prompt_version_number: l.versionNumber,
      release_label: l.name,
      release_label_id: l.id,
    })),
  });
}

function listItem(prompt: PromptRow, version: VersionRow): Json {
  const model = isObject(version.metadata) && isObject(version.metadata.model) ? version.metadata.model : {};
  const llmKwargs = typeof model.provider === "string"
    ? buildLlmKwargs(version.promptTemplate, {
        provider: model.provider,
        name: typeof model.name === "string" ? model.name : undefined,
        parameters: isObject(model.parameters) ? model.parameters : {},
        apiType: typeof model.api_type === "string" ? model.api_type : undefined,
      })
    : null;
  return {
    id: prompt.id,
    prompt_name: prompt.name,
    tags: prompt.tags,
    folder_id: null,
    prompt_template: version.promptTemplate,
    version: version.version,
    commit_message: version.commitMessage,
    metadata: version.metadata,
    parent_folder_name: null,
    full_folder_path: null,
    llm_kwargs: llmKwargs,
    external_ids: [],
    is_snippet: false,
  };
}

/** The last page a list can ask for (2^31 − 1, like a 32-bit page column): far past any real list. */
const MAX_PAGE = 2_147_483_647;

function list(ctx: RouteContext): Reply {
  const f = new Fields(queryObject(ctx.query), ["query"]);
  // Bounded so that the row offset, (page - 1) × per_page, stays a small exact integer for SQLite.
  const page = f.int("page", { min: 1, max: MAX_PAGE }) ?? 1;
  const perPage = f.int("per_page", { min: 1, max: 1000 }) ?? 30;
  const label = f.string("label");
  const name = f.string("name");
  const status = f.oneOf("status", ["active", "deleted", "all"] as const) ?? "active";
  const sortBy = f.oneOf("sort_by", ["created_at", "updated_at", "name", "id"] as const) ?? "created_at";
  const sortOrder = f.oneOf("sort_order", ["asc", "desc"] as const) ?? "desc";
  f.done();
  // `tags` may repeat (`tags=a&tags=b`) or be comma-separated; all must match.
  const tags = ctx.query.getAll("tags").flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
  const { items, total } = ctx.services.store.templates.list({ page, perPage, label, name, tags, status, sortBy, sortOrder });
  const pages = Math.ceil(total / perPage);
  return ok({
    items: items.map((i) => listItem(i.prompt, i.version)),
    page,
    per_page: perPage,
    pages,
    total,
    has_next: page < pages,
    has_prev: page > 1,
    next_num: page < pages ? page + 1 : null,
    prev_num: page > 1 ? page - 1 : null,
  });
}

/**
 * The publish body comes in two shapes: the OAS nesting (`prompt_template: {prompt_name, tags}`,
 * `prompt_version: {prompt_template, commit_message, metadata}`) and the SDKs' flat object copied
 * into both (so `prompt_template.prompt_template` is the template). A bare flat object with a
 * top-level `prompt_name` is accepted too.
 */
function publish(ctx: RouteContext): Reply {
  const body = objectBody(ctx.body);
  const f = new Fields(body);
  const outer = f.object("prompt_template");
  const versionPart = f.object("prompt_version");
  f.done();
  const flat = outer === undefined || (typeof body.prompt_name === "string" && outer.type !== undefined);
  const meta: Json = flat ? body : outer;
  const ver: Json = versionPart ?? (flat ? body : outer);
  const pick = (key: string) => (ver[key] !== undefined && ver[key] !== null ? ver[key] : meta[key]);

  const name = flat ? body.prompt_name : (outer.prompt_name ?? versionPart?.prompt_name);
  const templateLoc = versionPart?.prompt_template !== undefined ? ["body", "prompt_version", "prompt_template"] : flat ? ["body", "prompt_template"] : ["body", "prompt_template", "prompt_template"];
  const rawTemplate = versionPart?.prompt_template ?? (flat ? body.prompt_template : outer.prompt_template);

  const check = new Fields({ prompt_name: name, commit_message: pick("commit_message"), metadata: pick("metadata"), tags: meta.tags ?? ver.tags, release_labels: body.release_labels ?? ver.release_labels ?? meta.release_labels }, flat ? ["body"] : ["body", "prompt_template"]);
  const promptName = check.string("prompt_name", { required: true, min: 1, max: 512 });
  const commitMessage = check.string("commit_message", { max: 72 }) ?? null;
  const metadata = check.object("metadata") ?? null;
  const tags = check.stringArray("tags");
  const releaseLabels = check.stringArray("release_labels") ?? [];
  const issues = [...check.issues];
  let template: Json = {};
  if (rawTemplate === undefined || rawTemplate === null) issues.push({ loc: templateLoc, msg: "Field required", type: "missing" });
  else {
    try {
      template = normalizePromptTemplate(rawTemplate, templateLoc);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length) throw new ValidationError(issues);

  const { prompt, version } = ctx.services.store.templates.publish({ name: promptName!, promptTemplate: template, metadata, commitMessage, tags, releaseLabels });
  return ok(
    {
      id: prompt.id,
      prompt_name: prompt.name,
      prompt_version_id: version.id,
      version_number: version.version,
      tags: prompt.tags,
      release_labels: releaseLabels.length ? releaseLabels : null,
      prompt_template: version.promptTemplate,
      metadata: version.metadata,
      commit_message: version.commitMessage,
      external_ids: [],
    },
    201,
  );
}

export function templateRoutes(router: Router): void {
  router
    .add("POST", "/prompt-templates/{identifier}", { auth: "header" }, getTemplate)
    .add("GET", "/prompt-templates/{identifier}", { auth: "header" }, getTemplateRaw)
    .add("GET", "/prompt-templates/{identifier}/labels", { auth: "header" }, labels)
    .add("GET", "/prompt-templates", { auth: "header" }, list)
    .add("POST", "/rest/prompt-templates", { auth: "header" }, publish);
}
