/**
 * Runs workflow executions in the background: nodes in dependency order, each result written as
 * it settles (QUEUED → RUNNING → SUCCESS | FAILED | SKIPPED), so `GET
 * /workflow-version-execution-results` can be polled. A node whose dependency failed fails; one
 * whose dependency was skipped (the branch a CONDITIONAL did not take) is skipped.
 */
import { blueprint } from "../domain/blueprint.js";
import { asObject, asString, isObject, type Json } from "../domain/json.js";
import { readProviderCall } from "../domain/provider-io.js";
import { topologicalOrder, type WorkflowNode } from "../domain/workflow.js";
import { renderFString } from "../render/fstring.js";
import { renderJinja2 } from "../render/jinja2.js";
import { resolvePrompt } from "../registry/resolve.js";
import type { LocalStore } from "../store/index.js";
import type { ExecutionRow, NodeResultRow, WorkflowVersionRow } from "../store/workflows.js";
import { callModel, ModelCallError } from "./model-call.js";
import type { ResolvedProviders } from "./providers.js";

export interface RunnerOptions {
  /** Base URL of the server whose mock model endpoints answer the calls no provider account covers. */
  baseUrl: () => string;
  /** Real provider accounts for prompt nodes (see providers.ts); none: every call goes to the mock. */
  providers?: ResolvedProviders;
  log: (message: string) => void;
}

/** A node could not produce a value; `raw` is the underlying error text. */
class NodeError extends Error {
  constructor(
    message: string,
    readonly raw: string = message,
  ) {
    super(message);
  }
}

const text = (v: unknown): string => (typeof v === "string" ? v : v === null || v === undefined ? "" : JSON.stringify(v));

function testCondition(operator: string, left: unknown, right: unknown): boolean {
  const l = text(left);
  const r = text(right);
  switch (operator) {
    case "equals":
      return l === r;
    case "not_equals":
      return l !== r;
    case "contains":
      return l.toLowerCase().includes(r.toLowerCase());
    case "not_contains":
      return !l.toLowerCase().includes(r.toLowerCase());
    case "matches":
      try {
        return new RegExp(r).test(l);
      } catch {
        throw new NodeError(`Invalid regular expression: ${r}`);
      }
    case "is_empty":
      return l.trim() === "";
    case "is_not_empty":
      return l.trim() !== "";
    default:
      throw new NodeError(`Unknown operator ${operator}`);
  }
}

export class WorkflowRunner {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly store: LocalStore,
    private readonly options: RunnerOptions,
  ) {}

  /** Records a new execution (all nodes QUEUED) and runs it in the background. */
  start(version: WorkflowVersionRow, inputVariables: Json, metadata: Json | null, callbackUrl: string | null): ExecutionRow {
    const execution = this.store.workflows.startExecution(version, inputVariables, metadata, callbackUrl);
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.execute(execution, version))
      .catch((error: unknown) => this.options.log(`workflow execution ${execution.id} crashed: ${(error as Error).stack ?? String(error)}`))
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return execution;
  }

  /** Resolves when every execution started so far has finished. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  private async execute(execution: ExecutionRow, version: WorkflowVersionRow): Promise<void> {
    const wf = this.store.workflows;
    const status = new Map<string, NodeResultRow["status"]>();
    const values: Json = {};
    const skippedByBranch = new Set<string>();
    for (const node of topologicalOrder(version.nodes)) {
      const failedDep = node.dependencies.find((d) => status.get(d) === "FAILED");
      if (failedDep) {
        const message = `Upstream node '${failedDep}' failed`;
        wf.setNode(execution.id, node.name, "FAILED", null, message, message);
        status.set(node.name, "FAILED");
        continue;
      }
      if (skippedByBranch.has(node.name) || node.dependencies.some((d) => status.get(d) === "SKIPPED")) {
        wf.setNode(execution.id, node.name, "SKIPPED");
        status.set(node.name, "SKIPPED");
        continue;
      }
      wf.setNode(execution.id, node.name, "RUNNING");
      try {
        const value = await this.evaluate(node, { ...execution.inputVariables, ...values }, execution);
        if (node.node_type === "CONDITIONAL") {
          const notTaken = value === true ? node.configuration.else : node.configuration.then;
          if (typeof notTaken === "string") skippedByBranch.add(notTaken);
        }
        values[node.name] = value;
        wf.setNode(execution.id, node.name, "SUCCESS", value);
        status.set(node.name, "SUCCESS");
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        wf.setNode(execution.id, node.name, "FAILED", null, message, error instanceof NodeError || error instanceof ModelCallError ? error.raw : message);
        status.set(node.name, "FAILED");
      }
    }
    const succeeded = version.nodes.some((n) => n.is_output_node && status.get(n.name) === "SUCCESS");
    wf.finishExecution(execution.id, succeeded ? "SUCCESS" : "FAILED");
    if (execution.callbackUrl) await this.callback(execution.id, execution.callbackUrl);
  }

  private async evaluate(node: WorkflowNode, scope: Json, execution: ExecutionRow): Promise<unknown> {
    const c = node.configuration;
    switch (node.node_type) {
      case "VARIABLE": {
        const v = asObject(c.value);
        if (v.type === "input") {
          const name = String(v.name);
          if (!Object.hasOwn(scope, name)) throw new NodeError(`Missing input variable '${name}'`);
          return scope[name];
        }
        if (v.type === "json" && typeof v.value === "string") {
          try {
            return JSON.parse(v.value);
          } catch {
            throw new NodeError("The JSON value does not parse");
          }
        }
        return v.value;
      }
      case "TEMPLATE_STRING":
        return (c.template_format === "jinja2" ? renderJinja2 : renderFString)(String(c.template), scope).text;
      case "CONDITIONAL": {
        const source = String(c.source);
        if (!Object.hasOwn(scope, source)) throw new NodeError(`Unknown source '${source}'`);
        return testCondition(String(c.operator), scope[source], c.value);
      }
      case "PROMPT_TEMPLATE":
        return this.runPrompt(node, scope, execution);
    }
  }

  private async runPrompt(node: WorkflowNode, scope: Json, execution: ExecutionRow): Promise<string> {
    const c = node.configuration;
    const ref = asObject(c.template);
    let variables: Json = scope;
    if (isObject(c.input_variables)) {
      variables = {};
      for (const [name, source] of Object.entries(c.input_variables)) variables[name] = scope[String(source)];
    }
    const resolved = resolvePrompt(this.store, String(ref.prompt_name), {
      version: typeof ref.version === "number" ? ref.version : undefined,
      label: asString(ref.label),
      provider: asString(c.provider),
      model: asString(c.model),
      inputVariables: variables,
      metadataFilters: execution.metadata ?? undefined,
    });
    const started = new Date().toISOString();
    const headers = isObject(c.mock_headers) ? (c.mock_headers as Record<string, string>) : {};
    const endpoints = { mockBaseUrl: this.options.baseUrl(), providers: this.options.providers ?? {} };
    const result = await callModel(endpoints, resolved.model, resolved.llmKwargs ?? {}, resolved.version.promptTemplate.type, headers);
    const call = readProviderCall(resolved.model.provider, result.functionName, result.kwargs, result.response);
    this.store.requests.insert({
      source: "workflow",
      providerType: resolved.model.provider,
      engine: call.model,
      functionName: result.functionName,
      functionArgs: [],
      functionKwargs: result.kwargs,
      requestResponse: result.response,
      promptBlueprint: blueprint(call.promptTemplate, { provider: resolved.model.provider, name: call.model, parameters: call.parameters }),
      requestStartTime: started,
      requestEndTime: new Date().toISOString(),
      promptId: resolved.prompt.id,
      promptVersionNumber: resolved.version.version,
      promptInputVariables: variables,
      inputTokens: call.usage.inputTokens,
      outputTokens: call.usage.outputTokens,
      price: 0,
      score: 0,
      tags: ["workflow"],
      // model_endpoint: "mock", or the provider whose real endpoint answered.
      metadata: { workflow_version_execution_id: String(execution.id), workflow_node: node.name, model_endpoint: result.endpoint },
      status: "SUCCESS",
      errorType: null,
      errorMessage: null,
      spanId: null,
      traceId: null,
      originSpan: null,
    });
    return result.text;
  }

  /** `callback_url`: POST the completion message the realtime channel would carry (best effort). */
  private async callback(executionId: number, url: string): Promise<void> {
    const results = this.store.workflows.results(executionId);
    const output = results.find((r) => r.isOutputNode && r.status === "SUCCESS");
    try {
      await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ workflow_version_execution_id: executionId, result_code: output ? "OK" : "FAILED", final_output: output ? output.value : null }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      this.options.log(`workflow callback to ${url} failed: ${(error as Error).message}`);
    }
  }
}
