/**
 * The JSON read API for the local web page (X-API-KEY; newest first; pages with a cursor):
 *   GET /api/local/health                                   {ok: true} (no key: for readiness checks)
 *   GET /api/local/requests?limit=50&before_id=&prompt_name=&trace_id=
 *                                                           {items: [request log rows], next_before_id}
 *   GET /api/local/requests/{id}                            one row (the /log-request response shape) + groups
 *   GET /api/local/templates                                {items: [{id, prompt_name, tags, latest_version,
 *                                                            labels: {label: version}, releases}]}
 *   GET /api/local/templates/{identifier}                   {…, versions: [{version, commit_message,
 *                                                            prompt_template, metadata, created_at}]}
 * Traces: see traces.ts; workflows, releases and experiments: workflows.ts, releases.ts, experiments.ts.
 */
import { NotFoundError } from "../domain/errors.js";
import type { Json } from "../domain/json.js";
import type { LocalStore } from "../store/index.js";
import type { PromptRow } from "../store/templates.js";
import { ok, type Reply } from "./http.js";
import { requestLogBody } from "./request-view.js";
import type { RouteContext, Router } from "./router.js";
import { Fields, queryObject } from "./validate.js";

function listRequests(ctx: RouteContext): Reply {
  const f = new Fields(queryObject(ctx.query), ["query"]);
  const limit = f.int("limit", { min: 1, max: 500 }) ?? 50;
  const beforeId = f.int("before_id", { min: 1 });
  const promptName = f.string("prompt_name");
  const traceId = f.string("trace_id");
  f.done();
  const store = ctx.services.store;
  let promptId: number | undefined;
  if (promptName !== undefined) {
    const prompt = store.templates.find(promptName);
    if (!prompt) return ok({ items: [], next_before_id: null });
    promptId = prompt.id;
  }
  const rows = store.requests.list({ limit, beforeId, promptId, traceId: traceId?.toLowerCase() });
  return ok({ items: rows.map((r) => ({ ...requestLogBody(r, store), source: r.source })), next_before_id: rows.length === limit ? rows.at(-1)!.id : null });
}

function getRequest(ctx: RouteContext): Reply {
  const store = ctx.services.store;
  const id = Number(ctx.params.id);
  const row = Number.isInteger(id) ? store.requests.get(id) : undefined;
  if (!row) throw new NotFoundError(`Request ${ctx.params.id} not found`);
  return ok({ ...requestLogBody(row, store), source: row.source, group_ids: store.requests.groups(row.id), prompt_blueprint: row.promptBlueprint });
}

function templateSummary(store: LocalStore, prompt: PromptRow): Json {
  const labels = store.templates.labels(prompt.id);
  return {
    id: prompt.id,
    prompt_name: prompt.name,
    tags: prompt.tags,
    latest_version: store.templates.latest(prompt.id)?.version ?? null,
    labels: Object.fromEntries(labels.map((l) => [l.name, l.versionNumber])),
    releases: store.templates
      .releases()
      .filter((r) => r.promptId === prompt.id)
      .map((r) => ({ id: r.id, label: r.label, split: r.config.split, segments: r.config.segments })),
    created_at: prompt.createdAt,
    updated_at: prompt.updatedAt,
  };
}

function listTemplates(ctx: RouteContext): Reply {
  const store = ctx.services.store;
  const { items } = store.templates.list({ page: 1, perPage: 10_000, tags: [], status: "all", sortBy: "name", sortOrder: "asc" });
  return ok({ items: items.map((i) => templateSummary(store, i.prompt)) });
}

function getTemplate(ctx: RouteContext): Reply {
  const store = ctx.services.store;
  const prompt = store.templates.find(ctx.params.identifier!);
  if (!prompt) throw new NotFoundError(`Prompt template '${ctx.params.identifier}' not found`);
  return ok({
    ...templateSummary(store, prompt),
    versions: store.templates.versions(prompt.id).map((v) => ({ version: v.version, commit_message: v.commitMessage, prompt_template: v.promptTemplate, metadata: v.metadata, created_at: v.createdAt })),
  });
}

export function readRoutes(router: Router): void {
  router
    .add("GET", "/api/local/health", { auth: "none" }, () => ok({ ok: true }))
    .add("GET", "/api/local/requests", { auth: "header" }, listRequests)
    .add("GET", "/api/local/requests/{id}", { auth: "header" }, getRequest)
    .add("GET", "/api/local/templates", { auth: "header" }, listTemplates)
    .add("GET", "/api/local/templates/{identifier}", { auth: "header" }, getTemplate);
}
