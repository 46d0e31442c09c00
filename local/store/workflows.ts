/** Workflows, their versions and labels, and executions with one result row per node. */
import type { WorkflowNode } from "../domain/workflow.js";
import type { Json } from "../domain/json.js";
import { fromJson, nowIso, toJson, type Db } from "./db.js";

export interface WorkflowRow {
  id: number;
  name: string;
  createdAt: string;
}

export interface WorkflowVersionRow {
  id: number;
  workflowId: number;
  version: number;
  nodes: WorkflowNode[];
  commitMessage: string | null;
  createdAt: string;
}

export type NodeStatus = "QUEUED" | "RUNNING" | "SUCCESS" | "FAILED" | "SKIPPED";
export const FINAL_STATUSES: readonly NodeStatus[] = ["SUCCESS", "FAILED", "SKIPPED"];

export interface NodeResultRow {
  nodeName: string;
  status: NodeStatus;
  value: unknown;
  errorMessage: string | null;
  rawErrorMessage: string | null;
  isOutputNode: boolean;
}

export interface ExecutionRow {
  id: number;
  workflowVersionId: number;
  inputVariables: Json;
  metadata: Json | null;
  status: "RUNNING" | "SUCCESS" | "FAILED";
  callbackUrl: string | null;
  createdAt: string;
  finishedAt: string | null;
}

type Raw = Record<string, unknown>;

const workflow = (r: Raw): WorkflowRow => ({ id: Number(r.id), name: String(r.name), createdAt: String(r.created_at) });
const wversion = (r: Raw): WorkflowVersionRow => ({
  id: Number(r.id),
  workflowId: Number(r.workflow_id),
  version: Number(r.version),
  nodes: fromJson<WorkflowNode[]>(r.nodes, []),
  commitMessage: r.commit_message === null ? null : String(r.commit_message),
  createdAt: String(r.created_at),
});
const execution = (r: Raw): ExecutionRow => ({
  id: Number(r.id),
  workflowVersionId: Number(r.workflow_version_id),
  inputVariables: fromJson<Json>(r.input_variables, {}),
  metadata: fromJson<Json | null>(r.metadata, null),
  status: String(r.status) as ExecutionRow["status"],
  callbackUrl: r.callback_url === null ? null : String(r.callback_url),
  createdAt: String(r.created_at),
  finishedAt: r.finished_at === null ? null : String(r.finished_at),
});

export class WorkflowStore {
  constructor(private readonly db: Db) {}

  /** Creates the workflow on first save; every save adds the next version and moves `releaseLabels` to it. */
  save(name: string, nodes: WorkflowNode[], commitMessage: string | null, releaseLabels: string[]): { workflow: WorkflowRow; version: WorkflowVersionRow } {
    return this.db.transaction(() => {
      const now = nowIso();
      const existing = this.db.get("SELECT * FROM workflows WHERE name = $name", { name });
      const workflowId = existing ? Number(existing.id) : this.db.run("INSERT INTO workflows (name, created_at) VALUES ($name, $now)", { name, now }).lastInsertRowid;
      const next = (this.db.get<{ v: number | null }>("SELECT MAX(version) AS v FROM workflow_versions WHERE workflow_id = $workflowId", { workflowId })?.v ?? 0) + 1;
      const versionId = this.db.run(
        "INSERT INTO workflow_versions (workflow_id, version, nodes, commit_message, created_at) VALUES ($workflowId, $version, $nodes, $commit, $now)",
        { workflowId, version: next, nodes: toJson(nodes), commit: commitMessage, now },
      ).lastInsertRowid;
      for (const label of releaseLabels) {
        this.db.run(
          `INSERT INTO workflow_labels (workflow_id, name, version_id) VALUES ($workflowId, $label, $versionId)
           ON CONFLICT (workflow_id, name) DO UPDATE SET version_id = excluded.version_id`,
          { workflowId, label, versionId },
        );
      }
      return { workflow: this.byId(workflowId)!, version: this.versionById(versionId)! };
    });
  }

  byId(id: number): WorkflowRow | undefined {
    const r = this.db.get("SELECT * FROM workflows WHERE id = $id", { id });
    return r ? workflow(r) : undefined;
  }

  /** By name, else by numeric id. */
  find(identifier: string): WorkflowRow | undefined {
    const r = this.db.get("SELECT * FROM workflows WHERE name = $name", { name: identifier });
    if (r) return workflow(r);
    return /^\d+$/.test(identifier) ? this.byId(Number(identifier)) : undefined;
  }

  list(): WorkflowRow[] {
    return this.db.all("SELECT * FROM workflows ORDER BY id").map(workflow);
  }

  versionById(id: number): WorkflowVersionRow | undefined {
    const r = this.db.get("SELECT * FROM workflow_versions WHERE id = $id", { id });
    return r ? wversion(r) : undefined;
  }

  version(workflowId: number, versionNumber: number): WorkflowVersionRow | undefined {
    const r = this.db.get("SELECT * FROM workflow_versions WHERE workflow_id = $workflowId AND version = $version", { workflowId, version: versionNumber });
    return r ? wversion(r) : undefined;
  }

  latest(workflowId: number): WorkflowVersionRow | undefined {
    const r = this.db.get("SELECT * FROM workflow_versions WHERE workflow_id = $workflowId ORDER BY version DESC LIMIT 1", { workflowId });
    return r ? wversion(r) : undefined;
  }

  labelled(workflowId: number, label: string): WorkflowVersionRow | undefined {
    const r = this.db.get(
      "SELECT v.* FROM workflow_labels l JOIN workflow_versions v ON v.id = l.version_id WHERE l.workflow_id = $workflowId AND l.name = $label",
      { workflowId, label },
    );
    return r ? wversion(r) : undefined;
  }

  labelsOf(versionId: number): string[] {
    return this.db.all("SELECT name FROM workflow_labels WHERE version_id = $versionId ORDER BY name", { versionId }).map((r) => String(r.name));
  }

  // ---- executions ----

  startExecution(version: WorkflowVersionRow, inputVariables: Json, metadata: Json | null, callbackUrl: string | null): ExecutionRow {
    return this.db.transaction(() => {
      const id = this.db.run(
        "INSERT INTO workflow_executions (workflow_version_id, input_variables, metadata, status, callback_url, created_at) VALUES ($versionId, $inputs, $metadata, 'RUNNING', $callback, $now)",
        { versionId: version.id, inputs: toJson(inputVariables), metadata: toJson(metadata), callback: callbackUrl, now: nowIso() },
      ).lastInsertRowid;
      version.nodes.forEach((n, position) =>
        this.db.run(
          "INSERT INTO workflow_node_results (execution_id, position, node_name, status, is_output_node) VALUES ($id, $position, $name, 'QUEUED', $output)",
          { id, position, name: n.name, output: n.is_output_node ? 1 : 0 },
        ),
      );
      return this.execution(id)!;
    });
  }

  execution(id: number): ExecutionRow | undefined {
    const r = this.db.get("SELECT * FROM workflow_executions WHERE id = $id", { id });
    return r ? execution(r) : undefined;
  }

  setNode(executionId: number, nodeName: string, status: NodeStatus, value: unknown = null, errorMessage: string | null = null, rawErrorMessage: string | null = null): void {
    this.db.run(
      "UPDATE workflow_node_results SET status = $status, value = $value, error_message = $error, raw_error_message = $raw WHERE execution_id = $id AND node_name = $name",
      { id: executionId, name: nodeName, status, value: toJson(value ?? null), error: errorMessage, raw: rawErrorMessage },
    );
  }

  finishExecution(id: number, status: "SUCCESS" | "FAILED"): void {
    this.db.run("UPDATE workflow_executions SET status = $status, finished_at = $now WHERE id = $id", { id, status, now: nowIso() });
  }

  results(executionId: number): NodeResultRow[] {
    return this.db.all("SELECT * FROM workflow_node_results WHERE execution_id = $id ORDER BY position", { id: executionId }).map((r) => ({
      nodeName: String(r.node_name),
      status: String(r.status) as NodeStatus,
      value: fromJson<unknown>(r.value, null),
      errorMessage: r.error_message === null ? null : String(r.error_message),
      rawErrorMessage: r.raw_error_message === null ? null : String(r.raw_error_message),
      isOutputNode: Number(r.is_output_node) === 1,
    }));
  }

  /**
   * Executions cut off by a previous shutdown or crash can never finish: mark them failed so a
   * poller gets an answer instead of 202 forever.
   */
  failInterrupted(): number {
    return this.db.transaction(() => {
      const message = "The local backend stopped while this node was pending";
      this.db.run(
        `UPDATE workflow_node_results SET status = 'FAILED', error_message = $message, raw_error_message = $message
         WHERE status IN ('QUEUED', 'RUNNING') AND execution_id IN (SELECT id FROM workflow_executions WHERE status = 'RUNNING')`,
        { message },
      );
      return this.db.run("UPDATE workflow_executions SET status = 'FAILED', finished_at = $now WHERE status = 'RUNNING'", { now: nowIso() }).changes;
    });
  }
}
