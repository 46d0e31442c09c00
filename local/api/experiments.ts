/**
 * Experiment results, local only (X-API-KEY):
 *   GET /api/local/experiments                          {items: [summary]}, one per A/B release
 *   GET /api/local/experiments/{release_id}             the report of a release
 *   GET /api/local/experiments/{prompt_name}/{label}    the report of a prompt's label; still
 *                                                       answers after the release is deleted, from
 *                                                       the requests that were served under it
 * Shapes and the statistical choices: domain/experiment.ts (`ExperimentSummary`, `ExperimentReport`).
 */
import { buildReport, SCORE_NAME, summarize, type ExperimentReport, type ExperimentSubject } from "../domain/experiment.js";
import { NotFoundError } from "../domain/errors.js";
import type { LocalStore } from "../store/index.js";
import type { ReleaseRow } from "../store/templates.js";
import { ok, type Reply } from "./http.js";
import type { RouteContext, Router } from "./router.js";

const subjectOf = (r: ReleaseRow): ExperimentSubject => ({ releaseId: r.id, promptId: r.promptId, promptName: r.promptName, label: r.label, config: r.config, createdAt: r.createdAt });

const reportOf = (store: LocalStore, subject: ExperimentSubject): ExperimentReport => buildReport(subject, store.experiments.data(subject.promptId, subject.label, SCORE_NAME));

function byRelease(ctx: RouteContext): Reply {
  const store = ctx.services.store;
  const id = Number(ctx.params.id);
  const release = Number.isInteger(id) ? store.templates.releases().find((r) => r.id === id) : undefined;
  if (!release) throw new NotFoundError(`Release ${ctx.params.id} not found`);
  return ok(reportOf(store, subjectOf(release)));
}

function byLabel(ctx: RouteContext): Reply {
  const store = ctx.services.store;
  const { prompt_name: name, label } = ctx.params as { prompt_name: string; label: string };
  const prompt = store.templates.find(name);
  if (!prompt) throw new NotFoundError(`Prompt template '${name}' not found`);
  const release = store.templates.release(prompt.id, label);
  const report = reportOf(store, release ? subjectOf(release) : { releaseId: null, promptId: prompt.id, promptName: prompt.name, label, config: null, createdAt: null });
  if (!release && report.requests === 0) throw new NotFoundError(`Prompt template '${prompt.name}' has no A/B release and no experiment traffic on label '${label}'`);
  return ok(report);
}

export function experimentRoutes(router: Router): void {
  router
    .add("GET", "/api/local/experiments", { auth: "header" }, (ctx) => ok({ items: ctx.services.store.templates.releases().map((r) => summarize(reportOf(ctx.services.store, subjectOf(r)))) }))
    .add("GET", "/api/local/experiments/{id}", { auth: "header" }, byRelease)
    .add("GET", "/api/local/experiments/{prompt_name}/{label}", { auth: "header" }, byLabel);
}
