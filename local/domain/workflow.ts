/**
 * Workflow definitions for the local backend: a list of named nodes, each depending on others.
 * Node types (`configuration` keys):
 *   VARIABLE         `value: {type: "string"|"number"|"boolean"|"json", value}` — a constant;
 *                    or `value: {type: "input", name}` — a workflow input variable.
 *   PROMPT_TEMPLATE  `template: {prompt_name, version?, label?}`, `input_variables?: {var: source}`
 *                    (default: each template variable from the node or input of the same name),
 *                    `provider?`, `model?` — runs a registry template against the mock models;
 *                    `mock_headers?` are sent with the model call (fault injection:
 *                    `x-mock-latency-ms`, `x-mock-status`, … — see local/mock/index.ts).
 *   TEMPLATE_STRING  `template`, `template_format?: "f-string"|"jinja2"` — renders text over the
 *                    inputs and the outputs of earlier nodes.
 *   CONDITIONAL      `source`, `operator` (equals, not_equals, contains, not_contains, matches,
 *                    is_empty, is_not_empty), `value?`, `then?`, `else?` — its value is the test's
 *                    boolean; the node named in the branch not taken (and whatever depends on it)
 *                    is SKIPPED.
 * A "source" names a node (its output) or a workflow input variable. Names must be unique, every
 * dependency must exist, and the graph must be acyclic; branch targets depend on their condition.
 */
import { ValidationError, type Issue } from "./errors.js";
import { asArray, isObject, type Json } from "./json.js";

export const NODE_TYPES = ["VARIABLE", "PROMPT_TEMPLATE", "TEMPLATE_STRING", "CONDITIONAL"] as const;
export type NodeType = (typeof NODE_TYPES)[number];
export const OPERATORS = ["equals", "not_equals", "contains", "not_contains", "matches", "is_empty", "is_not_empty"] as const;

export interface WorkflowNode {
  name: string;
  node_type: NodeType;
  is_output_node: boolean;
  dependencies: string[];
  configuration: Json;
}

export interface WorkflowDefinition {
  name: string;
  nodes: WorkflowNode[];
  commitMessage: string | null;
  releaseLabels: string[];
}

function checkNode(node: WorkflowNode, loc: Array<string | number>, issues: Issue[]): void {
  const c = node.configuration;
  const need = (key: string, ok: boolean, msg: string) => {
    if (!ok) issues.push({ loc: [...loc, "configuration", key], msg, type: "value_error" });
  };
  switch (node.node_type) {
    case "VARIABLE": {
      const v = c.value;
      need("value", isObject(v) && (v.type === "input" ? typeof v.name === "string" : "value" in v), "Expected {type, value} or {type: 'input', name}");
      break;
    }
    case "PROMPT_TEMPLATE":
      need("template", isObject(c.template) && typeof c.template.prompt_name === "string", "Expected {prompt_name, version?, label?}");
      need("input_variables", c.input_variables === undefined || (isObject(c.input_variables) && Object.values(c.input_variables).every((s) => typeof s === "string")), "Expected an object of source names");
      need("mock_headers", c.mock_headers === undefined || (isObject(c.mock_headers) && Object.values(c.mock_headers).every((s) => typeof s === "string")), "Expected an object of header values");
      break;
    case "TEMPLATE_STRING":
      need("template", typeof c.template === "string", "Expected a string");
      need("template_format", c.template_format === undefined || c.template_format === "f-string" || c.template_format === "jinja2", "Expected 'f-string' or 'jinja2'");
      break;
    case "CONDITIONAL":
      need("source", typeof c.source === "string", "Expected a node or input name");
      need("operator", (OPERATORS as readonly unknown[]).includes(c.operator), `Expected one of ${OPERATORS.join(", ")}`);
      need("then", c.then === undefined || typeof c.then === "string", "Expected a node name");
      need("else", c.else === undefined || typeof c.else === "string", "Expected a node name");
      break;
  }
}

/** Nodes in an order where each comes after its dependencies; throws on a cycle. */
export function topologicalOrder(nodes: readonly WorkflowNode[]): WorkflowNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, "visiting" | "done">();
  const order: WorkflowNode[] = [];
  const visit = (node: WorkflowNode, path: string[]) => {
    const s = state.get(node.name);
    if (s === "done") return;
    if (s === "visiting") throw new ValidationError([{ loc: ["body", "nodes"], msg: `Dependency cycle: ${[...path, node.name].join(" -> ")}`, type: "value_error" }]);
    state.set(node.name, "visiting");
    for (const dep of node.dependencies) {
      const d = byName.get(dep);
      if (d) visit(d, [...path, node.name]);
    }
    state.set(node.name, "done");
    order.push(node);
  };
  for (const n of nodes) visit(n, []);
  return order;
}

/** Validates an admin request creating a workflow (or a new version of one). */
export function parseWorkflowDefinition(body: Json): WorkflowDefinition {
  const issues: Issue[] = [];
  if (body.name === undefined || body.name === null) issues.push({ loc: ["body", "name"], msg: "Field required", type: "missing" });
  else if (typeof body.name !== "string") issues.push({ loc: ["body", "name"], msg: "Input should be a valid string", type: "string_type" });
  else if (!body.name.trim()) issues.push({ loc: ["body", "name"], msg: "String should have at least 1 non-blank character", type: "string_too_short" });
  if (!Array.isArray(body.nodes) || body.nodes.length === 0) issues.push({ loc: ["body", "nodes"], msg: "Expected a non-empty list of nodes", type: "list_type" });
  if (body.commit_message !== undefined && body.commit_message !== null && typeof body.commit_message !== "string") issues.push({ loc: ["body", "commit_message"], msg: "Input should be a valid string", type: "string_type" });
  if (body.release_labels !== undefined && (!Array.isArray(body.release_labels) || !body.release_labels.every((l) => typeof l === "string"))) {
    issues.push({ loc: ["body", "release_labels"], msg: "Input should be a list of strings", type: "list_type" });
  }
  const nodes: WorkflowNode[] = [];
  asArray(body.nodes).forEach((raw, i) => {
    const loc = ["body", "nodes", i];
    if (!isObject(raw)) return void issues.push({ loc, msg: "Input should be a valid dictionary", type: "dict_type" });
    if (typeof raw.name !== "string" || !raw.name) return void issues.push({ loc: [...loc, "name"], msg: "Field required", type: "missing" });
    if (!(NODE_TYPES as readonly unknown[]).includes(raw.node_type)) return void issues.push({ loc: [...loc, "node_type"], msg: `Input should be one of ${NODE_TYPES.join(", ")}`, type: "enum" });
    if (raw.dependencies !== undefined && (!Array.isArray(raw.dependencies) || !raw.dependencies.every((d) => typeof d === "string"))) {
      return void issues.push({ loc: [...loc, "dependencies"], msg: "Input should be a list of node names", type: "list_type" });
    }
    const node: WorkflowNode = {
      name: raw.name,
      node_type: raw.node_type as NodeType,
      is_output_node: raw.is_output_node === true,
      dependencies: [...((raw.dependencies as string[] | undefined) ?? [])],
      configuration: isObject(raw.configuration) ? raw.configuration : {},
    };
    checkNode(node, loc, issues);
    nodes.push(node);
  });
  const names = new Set<string>();
  nodes.forEach((n, i) => {
    if (names.has(n.name)) issues.push({ loc: ["body", "nodes", i, "name"], msg: `Duplicate node name '${n.name}'`, type: "value_error" });
    names.add(n.name);
  });
  // A branch target runs after its condition: make that dependency explicit.
  for (const n of nodes) {
    if (n.node_type !== "CONDITIONAL") continue;
    for (const key of ["then", "else"]) {
      const target = n.configuration[key];
      if (typeof target !== "string") continue;
      const t = nodes.find((m) => m.name === target);
      if (!t) issues.push({ loc: ["body", "nodes", nodes.indexOf(n), "configuration", key], msg: `Unknown node '${target}'`, type: "value_error" });
      else if (!t.dependencies.includes(n.name)) t.dependencies.push(n.name);
    }
  }
  nodes.forEach((n, i) =>
    n.dependencies.forEach((d, j) => {
      if (!names.has(d)) issues.push({ loc: ["body", "nodes", i, "dependencies", j], msg: `Unknown node '${d}'`, type: "value_error" });
    }),
  );
  if (nodes.length && !nodes.some((n) => n.is_output_node)) issues.push({ loc: ["body", "nodes"], msg: "At least one node must have is_output_node: true", type: "value_error" });
  if (issues.length) throw new ValidationError(issues);
  topologicalOrder(nodes);
  return {
    name: (body.name as string).trim(),
    nodes,
    commitMessage: typeof body.commit_message === "string" ? body.commit_message : null,
    releaseLabels: (body.release_labels as string[] | undefined) ?? [],
  };
}

/** Workflow input variables the definition reads (VARIABLE inputs, template sources that are not nodes). */
export function requiredInputs(nodes: readonly WorkflowNode[]): string[] {
  const names = new Set(nodes.map((n) => n.name));
  const inputs = new Set<string>();
  for (const n of nodes) {
    const c = n.configuration;
    if (n.node_type === "VARIABLE" && isObject(c.value) && c.value.type === "input") inputs.add(String(c.value.name));
    if (n.node_type === "PROMPT_TEMPLATE" && isObject(c.input_variables)) for (const s of Object.values(c.input_variables)) if (!names.has(String(s))) inputs.add(String(s));
    if (n.node_type === "CONDITIONAL" && typeof c.source === "string" && !names.has(c.source)) inputs.add(c.source);
  }
  return [...inputs];
}
