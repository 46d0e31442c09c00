/**
 * `pl.runWorkflow()` (CONTRACT §2.7): start a run, then poll its results until every node is
 * final. Polling instead of the SDKs' websocket push: no extra dependency, no subscription that
 * can start too late (JS bug §9.7) — a run that finished before the first poll is simply
 * answered 200 by that poll.
 *
 * `timeout` bounds the whole call: every request (the start, each poll, the HTTP layer's retries
 * and the waits between them) is aborted when it runs out, so a slow or hung service cannot hold
 * the caller past it.
 */
import { PromptLayerAPIError, PromptLayerTimeoutError, PromptLayerWorkflowError } from "../errors.js";
import { pathSegment, type HttpClient } from "./http.js";
import { abortableSleep, defaultSleep, type Sleep } from "./retry.js";
import type { WorkflowNodeResult, WorkflowNodeResults, WorkflowRunStarted } from "./types.js";
import { compact, isPlainObject, requireInt, requireObject, requireString, requireStringMap } from "./validate.js";

export const DEFAULT_WORKFLOW_TIMEOUT_MS = 3_600_000;
/** Waits between polls: quick at first (short runs), then every 5 s. */
export const POLL_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 5_000] as const;

export interface RunWorkflowParams {
  workflowName: string;
  inputVariables?: Record<string, unknown>;
  metadata?: Record<string, string>;
  workflowLabelName?: string;
  workflowVersion?: number;
  /** Return every node's result instead of the output node's value. */
  returnAllOutputs?: boolean;
  /**
   * Upper bound on the whole call — start, polls, retries — in milliseconds. Default one hour.
   * A start cut short by it may still have started the run on the service.
   */
  timeout?: number;
}

function isNodeResult(v: unknown): v is WorkflowNodeResult {
  return isPlainObject(v) && typeof v.status === "string" && "is_output_node" in v;
}

/** Whether a results body is the node map (rather than a bare output value). */
export function isNodeResults(v: unknown): v is WorkflowNodeResults {
  return isPlainObject(v) && Object.keys(v).length > 0 && Object.values(v).every(isNodeResult);
}

/**
 * What `runWorkflow` returns for a finished run: the node map with `returnAllOutputs`, else the
 * value of the first successful output node. No successful output node is a typed error.
 */
export function workflowOutput(executionId: number, results: unknown, returnAllOutputs: boolean): unknown {
  if (!isNodeResults(results)) return results; // the service already reduced it to the bare value
  const outputs = Object.entries(results).filter(([, n]) => n.is_output_node);
  if (outputs.length === 0) throw new PromptLayerWorkflowError(`Workflow run ${executionId} has no output node`, executionId, results);
  const success = outputs.find(([, n]) => n.status === "SUCCESS");
  if (!success) {
    const failed = Object.entries(results)
      .filter(([, n]) => n.status !== "SUCCESS")
      .map(([name, n]) => `${name}: ${n.status}${n.error_message ? ` (${n.error_message})` : ""}`)
      .join("; ");
    throw new PromptLayerWorkflowError(`Workflow run ${executionId} finished without a successful output node: ${failed}`, executionId, results);
  }
  return returnAllOutputs ? results : success[1].value;
}

/** `setTimeout`'s limit (about 24.8 days); a longer timeout is left to the checks between polls. */
const MAX_TIMER_MS = 2_147_483_647;

export async function runWorkflow(http: HttpClient, params: RunWorkflowParams, sleep: Sleep = defaultSleep): Promise<unknown> {
  requireString("workflowName", params.workflowName);
  if (params.inputVariables !== undefined) requireObject("inputVariables", params.inputVariables);
  if (params.metadata !== undefined) requireStringMap("metadata", params.metadata);
  if (params.workflowVersion !== undefined) requireInt("workflowVersion", params.workflowVersion, 1);
  const timeout = params.timeout === undefined ? DEFAULT_WORKFLOW_TIMEOUT_MS : requireInt("timeout", params.timeout, 1);
  const returnAllOutputs = params.returnAllOutputs ?? false;
  const deadline = Date.now() + timeout;
  let executionId: number | undefined;
  const timedOut = () =>
    executionId === undefined
      ? new PromptLayerTimeoutError(`Workflow "${params.workflowName}" did not start within ${timeout} ms (the run may still have started)`, timeout)
      : new PromptLayerTimeoutError(`Workflow "${params.workflowName}" (run ${executionId}) did not finish within ${timeout} ms`, timeout);

  // Cuts short whatever request or wait is under way when the time is up.
  const controller = new AbortController();
  const expired = new Error("runWorkflow timeout");
  const timer = timeout <= MAX_TIMER_MS ? setTimeout(() => controller.abort(expired), timeout) : undefined;
  timer?.unref?.();
  const signal = controller.signal;
  try {
    const { data: started } = await http.request<WorkflowRunStarted>({
      method: "POST",
      path: `/workflows/${pathSegment(params.workflowName)}/run`,
      body: compact({
        input_variables: params.inputVariables ?? {},
        metadata: params.metadata,
        workflow_label_name: params.workflowLabelName,
        workflow_version_number: params.workflowVersion,
        return_all_outputs: returnAllOutputs,
      }),
      idempotent: false,
      signal,
    });
    const id = started?.workflow_version_execution_id;
    if (!started?.success || typeof id !== "number") {
      throw new PromptLayerAPIError(`Workflow "${params.workflowName}" did not start: ${started?.message ?? "no execution id in the answer"}`);
    }
    executionId = id;

    for (let poll = 0; ; poll++) {
      // Always all outputs: node statuses tell a failed run from a finished one.
      const { status, data } = await http.request<unknown>({
        method: "GET",
        path: "/workflow-version-execution-results",
        query: { workflow_version_execution_id: id, return_all_outputs: true },
        signal,
      });
      if (status !== 202) return workflowOutput(id, data, returnAllOutputs);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw timedOut();
      await abortableSleep(sleep, Math.min(POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)]!, remaining), signal);
      // A wait cut to the deadline ends there: no poll that would be aborted as it starts.
      if (Date.now() >= deadline) throw timedOut();
    }
  } catch (error) {
    if (error === expired) throw timedOut();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
