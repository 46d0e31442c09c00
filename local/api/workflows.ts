/**
 * Workflow routes (CONTRACT §2.7):
 *   POST /workflows/{name_or_id}/run              start (201; 202 with callback_url), runs in the background
 *   GET  /workflows/{id_or_name}                  definition (query version | label)
 *   GET  /workflow-version-execution-results      202 while running, then 200 with the results
 *   POST /ws-token-request-library                token in the service's shape; there is no realtime
 *                                                 channel locally, so clients poll the results route
 * Admin (local only):
 *   POST /api/local/workflows   {name, nodes, commit_message?, release_labels?} → 201 new version
 *                               (node types: see domain/workflow.ts)
 *   GET  /api/local/workflows   every workflow with its latest version
 */
import { randomBytes } from "node:crypto";
import { BadRequestError, NotFoundError } from "../domain/errors.js";
import type { Json } from "../domain/json.js";
import { parseWorkflowDefinition, requiredInputs } from "../domain/workflow.js";
import { FINAL_STATUSES, type WorkflowRow, type WorkflowVersionRow } from "../store/workflows.js";
import { ok, type Reply } from "./http.js";
import type { RouteContext, Router, Services } from "./router.js";
import { Fields, objectBody, queryObject } from "./validate.js";

function pickVersion(services: Services, identifier: string, version: number | undefined, label: string | undefined): { workflow: WorkflowRow; version: WorkflowVersionRow } {
  const store = services.store.workflows;
  const workflow = store.find(identifier);
  if (!workflow) throw new NotFoundError(`Workflow '${identifier}' not found`);
  if (version !== undefined && label !== undefined) throw new BadRequestError("Provide either a version or a label, not both");
  const v = version !== undefined ? store.version(workflow.id, version) : label !== undefined ? store.labelled(workflow.id, label) : store.latest(workflow.id);
  if (!v) throw new NotFoundError(version !== undefined ? `Version ${version} of workflow '${workflow.name}' not found` : `Release label '${label}' of workflow '${workflow.name}' not found`);
  return { workflow, version: v };
}

function definitionBody(services: Services, workflow: WorkflowRow, version: WorkflowVersionRow): Json {
  return {
    success: true,
    // The Python SDK resolves names to ids through `workflow.id` (cassette); OAS documents `workflow_id`.
    workflow: { id: workflow.id, workspace_id: 1, user_id: null, name: workflow.name, is_draft: false, is_deleted: false },
    workflow_id: workflow.id,
    workflow_name: workflow.name,
    version: version.version,
    version_number: version.version,
    workflow_version_id: version.id,
    commit_message: version.commitMessage,
    required_input_variables: Object.fromEntries(requiredInputs(version.nodes).map((n) => [n, "string"])),
    release_labels: services.store.workflows.labelsOf(version.id),
    created_at: version.createdAt,
    nodes: version.nodes.map((n, i) => ({ id: `${version.id}-${i}`, workflow_version_id: version.id, ...n })),
    edges: [],
    external_ids: [],
  };
}

function getWorkflow(ctx: RouteContext): Reply {
  const f = new Fields(queryObject(ctx.query), ["query"]);
  const version = f.int("version", { min: 1 });
  const label = f.string("label");
  f.done();
  const picked = pickVersion(ctx.services, ctx.params.identifier!, version, label);
  return ok(definitionBody(ctx.services, picked.workflow, picked.version));
}

function run(ctx: RouteContext): Reply {
  const body = objectBody(ctx.body, true);
  const f = new Fields(body);
  const inputVariables = f.object("input_variables") ?? {};
  const metadata = f.object("metadata") ?? null;
  const label = f.string("workflow_label_name");
  const versionNumber = f.int("workflow_version_number", { min: 1 });
  f.bool("return_all_outputs");
  const callbackUrl = f.string("callback_url");
  if (callbackUrl !== undefined && !/^https?:\/\//.test(callbackUrl)) f.issues.push({ loc: ["body", "callback_url"], msg: "Input should be an http(s) URL", type: "url_parsing" });
  f.done();
  const { version } = pickVersion(ctx.services, ctx.params.identifier!, versionNumber, label);
  const missing = requiredInputs(version.nodes).filter((name) => !Object.hasOwn(inputVariables, name));
  const execution = ctx.services.workflows.start(version, inputVariables, metadata, callbackUrl ?? null);
  return ok(
    {
      success: true,
      message: callbackUrl ? "Workflow execution accepted" : "Workflow execution created successfully",
      warning: missing.length ? `Missing input variables: ${missing.join(", ")}` : null,
      workflow_version_execution_id: execution.id,
    },
    callbackUrl ? 202 : 201,
  );
}

function results(ctx: RouteContext): Reply {
  const f = new Fields(queryObject(ctx.query), ["query"]);
  const id = f.int("workflow_version_execution_id", { required: true, min: 1 });
  const all = f.bool("return_all_outputs") ?? false;
  f.done();
  const store = ctx.services.store.workflows;
  if (!store.execution(id!)) throw new NotFoundError(`Workflow version execution ${id} not found`);
  const rows = store.results(id!);
  const status = rows.every((r) => FINAL_STATUSES.includes(r.status)) ? 200 : 202;
  if (all) {
    const map: Json = {};
    for (const r of rows) map[r.nodeName] = { status: r.status, value: r.value, error_message: r.errorMessage, raw_error_message: r.rawErrorMessage, is_output_node: r.isOutputNode };
    return ok(map, status);
  }
  const output = rows.find((r) => r.isOutputNode && r.status === "SUCCESS");
  if (status === 202 || output) return ok(output ? output.value : null, status);
  const failed = rows.find((r) => r.status === "FAILED");
  throw new BadRequestError(`Workflow execution ${id} finished without a successful output node${failed ? `: ${failed.nodeName}: ${failed.errorMessage}` : ""}`);
}

function wsToken(ctx: RouteContext): Reply {
  const capability = ctx.query.get("capability") ?? "";
  const issued = Date.now();
  return ok(
    {
      success: true,
      token_details: {
        expires: issued + 3_600_000,
        token: randomBytes(24).toString("base64url"),
        issued,
        capability: { "user:1": ["presence", "subscribe"], ...(capability ? { [capability]: ["presence", "subscribe"] } : {}) },
        clientId: "1",
      },
      messaging_backend: "none",
    },
    201,
  );
}

function createWorkflow(ctx: RouteContext): Reply {
  const definition = parseWorkflowDefinition(objectBody(ctx.body));
  const { workflow, version } = ctx.services.store.workflows.save(definition.name, definition.nodes, definition.commitMessage, definition.releaseLabels);
  return ok(definitionBody(ctx.services, workflow, version), 201);
}

function listWorkflows(ctx: RouteContext): Reply {
  const store = ctx.services.store.workflows;
  return ok({
    items: store.list().map((w) => {
      const latest = store.latest(w.id);
      return { id: w.id, name: w.name, created_at: w.createdAt, latest_version: latest?.version ?? null, release_labels: latest ? store.labelsOf(latest.id) : [] };
    }),
  });
}

export function workflowRoutes(router: Router): void {
  router
    .add("POST", "/workflows/{identifier}/run", { auth: "header" }, run)
    .add("GET", "/workflows/{identifier}", { auth: "header" }, getWorkflow)
    .add("GET", "/workflow-version-execution-results", { auth: "header" }, results)
    .add("POST", "/ws-token-request-library", { auth: "header", readsBody: true }, wsToken)
    .add("POST", "/api/local/workflows", { auth: "header" }, createWorkflow)
    .add("GET", "/api/local/workflows", { auth: "header" }, listWorkflows);
}
