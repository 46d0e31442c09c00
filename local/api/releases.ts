/**
 * A/B releases, admin (local only; the service configures them in its UI):
 *   POST   /api/local/releases        {prompt_name | prompt_id, label, split: [{version, percentage}],
 *                                     segments?: [{name?, metadata_filters: {k: v}, split}]} → 201
 *                                     Creates or replaces the release on that label (creating the label,
 *                                     pointed at the split's largest arm, if it does not exist).
 *   GET    /api/local/releases        every release
 *   DELETE /api/local/releases/{id}   the label reverts to its own version
 * While a release exists, `POST /prompt-templates/{name}` with that `label` serves a version
 * chosen from `metadata_filters.user_id` (else `externalUserId`, else at random) and says which
 * in `version`.
 */
import { parseReleaseConfig, releaseVersions } from "../domain/ab.js";
import { NotFoundError, ValidationError } from "../domain/errors.js";
import type { Json } from "../domain/json.js";
import type { ReleaseRow } from "../store/templates.js";
import { ok, type Reply } from "./http.js";
import type { RouteContext, Router } from "./router.js";
import { Fields, objectBody } from "./validate.js";

const releaseBody = (r: ReleaseRow): Json => ({ id: r.id, prompt_id: r.promptId, prompt_name: r.promptName, label: r.label, split: r.config.split, segments: r.config.segments, created_at: r.createdAt });

function createRelease(ctx: RouteContext): Reply {
  const body = objectBody(ctx.body);
  const f = new Fields(body);
  const name = f.string("prompt_name", { min: 1 });
  const id = f.int("prompt_id", { min: 1 });
  const label = f.string("label", { required: true, min: 1 });
  if (name === undefined && id === undefined && !f.issues.some((i) => i.loc[1] === "prompt_name" || i.loc[1] === "prompt_id")) {
    f.issues.push({ loc: ["body", "prompt_name"], msg: "Field required (or prompt_id)", type: "missing" });
  }
  let config;
  try {
    config = parseReleaseConfig(body);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    f.issues.push(...error.issues);
  }
  f.done();
  const templates = ctx.services.store.templates;
  const prompt = name !== undefined ? templates.find(name) : templates.byId(id!);
  if (!prompt) throw new NotFoundError(`Prompt template '${name ?? id}' not found`);
  const missing = releaseVersions(config!).filter((v) => !templates.version(prompt.id, v));
  if (missing.length) throw new NotFoundError(`Prompt template '${prompt.name}' has no version ${missing.join(", ")}`);
  const largest = [...config!.split].sort((a, b) => b.percentage - a.percentage)[0]!;
  const release = templates.saveRelease(prompt.id, label!, config!, templates.version(prompt.id, largest.version)!.id);
  return ok(releaseBody(release), 201);
}

function deleteRelease(ctx: RouteContext): Reply {
  const id = Number(ctx.params.id);
  if (!Number.isInteger(id) || !ctx.services.store.templates.deleteRelease(id)) throw new NotFoundError(`Release ${ctx.params.id} not found`);
  return ok({ success: true });
}

export function releaseRoutes(router: Router): void {
  router
    .add("POST", "/api/local/releases", { auth: "header" }, createRelease)
    .add("GET", "/api/local/releases", { auth: "header" }, (ctx) => ok({ items: ctx.services.store.templates.releases().map(releaseBody) }))
    .add("DELETE", "/api/local/releases/{id}", { auth: "header", readsBody: false }, deleteRelease);
}
