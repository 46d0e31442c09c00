/**
 * Replays the recorded PromptLayer traffic (../shared/reference/cassettes, the Python SDK against
 * the real service) against the local backend: each recorded request body is sent as recorded
 * (key and ids swapped for ours) and the response must have the recorded status and the recorded
 * keys and value types, recursively — values themselves differ.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY, publish, startBackend, type Client } from "./backend-helpers.js";

const DIR = fileURLToPath(new URL("../../../shared/reference/cassettes", import.meta.url));

interface Interaction {
  request: { body: string | null; headers: Record<string, string[]>; method: string; uri: string };
  response: { body: { string: string }; status: { code: number } };
}

const cassettes = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((file) => ({ file, interactions: (parse(readFileSync(join(DIR, file), "utf8")) as { interactions: Interaction[] }).interactions.filter((i) => i.request.uri.startsWith("http://localhost:8000")) }))
  .filter((c) => c.interactions.length > 0);

// Publishing cassettes first: later ones fetch the templates they create.
const ORDER = (file: string) => (file.includes("publish") || file.includes("provider_base_url") ? 0 : file.includes("arun_workflow") ? 1 : 2);
cassettes.sort((a, b) => ORDER(a.file) - ORDER(b.file) || a.file.localeCompare(b.file));

type Kind = "request" | "group" | "prompt" | "workflow" | "execution";
const ids = new Map<string, number>(); // `${kind}:${recorded}` → ours

function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** Problems where `ours` lacks a recorded key or has another type; a recorded null accepts anything. */
function shapeDiff(recorded: unknown, ours: unknown, path = "$"): string[] {
  if (recorded === null) return [];
  if (typeOf(recorded) !== typeOf(ours)) return [`${path}: recorded ${typeOf(recorded)}, got ${typeOf(ours)}`];
  if (Array.isArray(recorded)) {
    const list = ours as unknown[];
    if (recorded.length === 0 || list.length === 0) return [];
    // Each recorded element must match the shape of some element of ours.
    return recorded.flatMap((r, i) => {
      const diffs = list.map((o) => shapeDiff(r, o, `${path}[${i}]`));
      return diffs.some((d) => d.length === 0) ? [] : diffs[0]!;
    });
  }
  if (typeof recorded === "object") {
    const o = ours as Record<string, unknown>;
    return Object.entries(recorded as Record<string, unknown>).flatMap(([k, v]) => (k in o ? shapeDiff(v, o[k], `${path}.${k}`) : [`${path}.${k}: missing`]));
  }
  return [];
}

function remember(kind: Kind, recorded: unknown, ours: unknown): void {
  if (typeof recorded === "number" && typeof ours === "number") ids.set(`${kind}:${recorded}`, ours);
}

const mapped = (kind: Kind, recorded: unknown): unknown => (typeof recorded === "number" ? (ids.get(`${kind}:${recorded}`) ?? recorded) : recorded);

function rewriteBody(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  if (out.api_key !== undefined) out.api_key = KEY;
  if ("request_id" in out) out.request_id = mapped("request", out.request_id);
  if ("group_id" in out) out.group_id = mapped("group", out.group_id);
  if ("prompt_id" in out) out.prompt_id = mapped("prompt", out.prompt_id);
  return out;
}

function rewritePath(uri: string): string {
  const url = new URL(uri);
  url.pathname = url.pathname.replace(/^\/workflows\/(\d+)\/run$/, (_, id: string) => `/workflows/${mapped("workflow", Number(id))}/run`);
  const exec = url.searchParams.get("workflow_version_execution_id");
  if (exec) url.searchParams.set("workflow_version_execution_id", String(mapped("execution", Number(exec))));
  return url.pathname + url.search;
}

function learnIds(path: string, recorded: unknown, ours: unknown): void {
  if (typeof recorded !== "object" || recorded === null || typeof ours !== "object" || ours === null) return;
  const r = recorded as Record<string, unknown>;
  const o = ours as Record<string, unknown>;
  if (path.startsWith("/prompt-templates/") || path === "/rest/prompt-templates") remember("prompt", r.id, o.id);
  if (path === "/track-request") remember("request", r.request_id, o.request_id);
  if (path === "/create-group") remember("group", r.id, o.id);
  if (path.startsWith("/workflows/") && path.endsWith("/run")) remember("execution", r.workflow_version_execution_id, o.workflow_version_execution_id);
  if (path.startsWith("/workflows/") && typeof r.workflow === "object") remember("workflow", (r.workflow as Record<string, unknown>).id, (o.workflow as Record<string, unknown> | undefined)?.id);
}

let client: Client;
beforeAll(async () => {
  client = await startBackend();
  // What the recordings assume exists beyond what they publish themselves, published from the
  // recorded responses so that stored data matches the recording.
  const recordedBody = (file: string, path: string) => {
    const i = cassettes.find((c) => c.file === file)!.interactions.find((x) => x.request.uri.includes(path))!;
    return JSON.parse(i.response.body.string) as Record<string, unknown>;
  };
  const seeds = [recordedBody("test_run_logs_error_on_llm_auth_failure.yaml", "/prompt-templates/"), ...(recordedBody("test_get_all_templates.yaml", "/prompt-templates").items as Array<Record<string, unknown>>)];
  for (const t of seeds.filter((t) => t.prompt_name !== "sample_template")) {
    await publish(client, String(t.prompt_name), t.prompt_template, { metadata: t.metadata, commit_message: t.commit_message, tags: t.tags });
  }
  const wf = await client.call("POST", "/api/local/workflows", { name: "analyze_1", nodes: [{ name: "Node 1", node_type: "TEMPLATE_STRING", is_output_node: true, configuration: { template: "AAA" } }] });
  expect(wf.status).toBe(201);
  // The result cassettes poll execution 717, recorded elsewhere: run one and wait for it.
  const run = await client.call("POST", "/workflows/analyze_1/run", { input_variables: {} });
  for (let i = 0; i < 100 && (await client.call("GET", `/workflow-version-execution-results?workflow_version_execution_id=${run.body.workflow_version_execution_id}`)).status === 202; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  ids.set("execution:717", run.body.workflow_version_execution_id);
});
afterAll(() => client.backend.close());

describe("replaying the recorded PromptLayer traffic", () => {
  it("has cassettes to replay", () => {
    expect(cassettes.length).toBeGreaterThanOrEqual(20);
  });

  for (const { file, interactions } of cassettes) {
    it(`answers ${file.replace(/\.yaml$/, "")} with the recorded statuses, keys and types`, async () => {
      for (const interaction of interactions) {
        const { request, response } = interaction;
        const path = rewritePath(request.uri);
        const headerNames = Object.keys(request.headers).map((h) => h.toLowerCase());
        const raw = request.body ? (JSON.parse(request.body) as unknown) : null;
        const body = raw !== null && typeof raw === "object" ? rewriteBody(raw as Record<string, unknown>) : undefined;
        const res = await client.call(request.method, path, request.method === "GET" ? undefined : body, { key: headerNames.includes("x-api-key") ? KEY : null });
        const recorded = JSON.parse(response.body.string) as unknown;
        expect(res.status, `${request.method} ${path}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(response.status.code);
        expect(shapeDiff(recorded, res.body), `${request.method} ${path}`).toEqual([]);
        learnIds(new URL(request.uri).pathname, recorded, res.body);
      }
    });
  }
});
