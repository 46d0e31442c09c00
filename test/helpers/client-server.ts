/**
 * A small PromptLayer-speaking HTTP server for the client's tests: the endpoints the client uses
 * (CONTRACT §2), the auth styles of each, answer bodies shaped like the recorded cassettes, every
 * request recorded (raw body and headers) and scripted faults. Not the local backend — just
 * enough service for the client's promises to be checked over real HTTP.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const TEST_PL_KEY = "pl_test_key_0123456789";

type Json = Record<string, unknown>;

export interface RecordedCall {
  method: string;
  /** Path as sent, still percent-encoded, without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body text (for secret scans). */
  raw: string;
  body: Json;
}

export interface TemplateVersion {
  version: number;
  prompt_template: Json;
  metadata: Json | null;
  commit_message?: string | null;
  labels?: string[];
  /**
   * Labels of `labels` that reach this version through an A/B release: the answer then carries
   * `ab_release`, as the local backend's does.
   */
  abLabels?: string[];
}

export interface StoredTemplate {
  id: number;
  prompt_name: string;
  tags: string[];
  versions: TemplateVersion[];
}

export interface WorkflowScript {
  /** How many result polls answer 202 before the run is done (0: done at once). */
  pollsBeforeDone: number;
  /** The node map the results endpoint returns when done. */
  nodes: Json;
}

export interface Fault {
  /** Matches the start of the path, e.g. `/prompt-templates/`. */
  pathPrefix: string;
  status: number;
  /** How many requests get the fault. */
  times: number;
  body?: unknown;
  /** Instead of answering, destroy the socket (a connection error). */
  drop?: boolean;
  /** Wait before answering, in ms. */
  delayMs?: number;
}

export interface ClientTestServer {
  url: string;
  calls: RecordedCall[];
  templates: Map<string, StoredTemplate>;
  workflows: Map<string, WorkflowScript>;
  addTemplate(t: StoredTemplate): void;
  fault(f: Fault): void;
  callsTo(pathPrefix: string): RecordedCall[];
  reset(): void;
  close(): Promise<void>;
}

const LEGACY_AUTH = ["/track-request", "/library-track-metadata", "/library-track-score", "/library-track-prompt", "/track-group", "/create-group"];

/** The service renders `{var}` (f-string) and `{{ var }}` (jinja2) server-side. */
function renderText(text: string, format: unknown, vars: Json): string {
  const value = (k: string) => (vars[k] === undefined || vars[k] === null ? "" : String(vars[k]));
  if (format === "jinja2") return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => value(k));
  return text.replace(/\{\{/g, "\u0000").replace(/\}\}/g, "\u0001").replace(/\{(\w+)\}/g, (_, k: string) => value(k)).replace(/\u0000/g, "{").replace(/\u0001/g, "}");
}

function renderTemplate(pt: Json, vars: Json | undefined): Json {
  const copy = structuredClone(pt);
  if (!vars) return copy;
  const messages = Array.isArray(copy.messages) ? (copy.messages as Json[]) : [];
  for (const m of messages) {
    for (const b of Array.isArray(m.content) ? (m.content as Json[]) : []) if (typeof b.text === "string") b.text = renderText(b.text, m.template_format, vars);
  }
  for (const b of Array.isArray(copy.content) ? (copy.content as Json[]) : []) if (typeof b.text === "string") b.text = renderText(b.text, copy.template_format, vars);
  return copy;
}

const textOf = (m: Json): string => (Array.isArray(m.content) ? (m.content as Json[]).map((b) => String(b.text ?? "")).join("") : String(m.content ?? ""));

/** `llm_kwargs` per provider, shaped like the service's (CONTRACT §3). */
function llmKwargs(pt: Json, metadata: Json | null, provider: string | undefined, modelOverride: string | undefined): Json | null {
  const model = (metadata?.model ?? null) as Json | null;
  if (!model) return null;
  const name = modelOverride ?? String(model.name);
  const params = (model.parameters ?? {}) as Json;
  const messages = (Array.isArray(pt.messages) ? pt.messages : []) as Json[];
  switch (provider ?? model.provider) {
    case "anthropic": {
      const system = messages.filter((m) => m.role === "system").map(textOf).join("\n");
      return {
        model: name,
        max_tokens: 256,
        ...params,
        ...(system ? { system } : {}),
        messages: messages.filter((m) => m.role !== "system").map((m) => ({ role: m.role, content: [{ type: "text", text: textOf(m) }] })),
      };
    }
    case "google": {
      const system = messages.filter((m) => m.role === "system").map(textOf).join("\n");
      return {
        model: name,
        history: messages.filter((m) => m.role !== "system").map((m) => ({ role: m.role === "assistant" ? "model" : "user", parts: [{ text: textOf(m) }] })),
        generation_config: { ...params, ...(system ? { system_instruction: system } : {}) },
      };
    }
    default:
      if (model.api_type === "responses") {
        return { model: name, ...params, input: messages.map((m) => ({ role: m.role, content: [{ type: "input_text", text: textOf(m) }] })) };
      }
      return { model: name, ...params, messages: messages.map((m) => ({ role: m.role, content: textOf(m) })) };
  }
}

/** The assistant's text in a logged provider response, by function name. */
function replyText(functionName: string, r: Json): string {
  const arr = (v: unknown) => (Array.isArray(v) ? (v as Json[]) : []);
  if (functionName.includes("chat.completions")) return String((arr(r.choices)[0]?.message as Json | undefined)?.content ?? "");
  if (functionName.includes("responses")) return arr(r.output).flatMap((o) => arr(o.content)).map((c) => String(c.text ?? "")).join("");
  if (functionName.startsWith("anthropic")) return arr(r.content).map((b) => String(b.text ?? "")).join("");
  if (functionName.startsWith("google")) return arr((arr(r.candidates)[0]?.content as Json | undefined)?.parts).map((p) => String(p.text ?? "")).join("");
  return "";
}

export async function startClientTestServer(): Promise<ClientTestServer> {
  const calls: RecordedCall[] = [];
  const templates = new Map<string, StoredTemplate>();
  const workflows = new Map<string, WorkflowScript>();
  const executions = new Map<number, { script: WorkflowScript; polls: number }>();
  const faults: Fault[] = [];
  let nextId = 1000;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };

  function findVersion(t: StoredTemplate, body: Json): TemplateVersion | undefined {
    if (typeof body.version === "number") return t.versions.find((v) => v.version === body.version);
    if (typeof body.label === "string") return t.versions.find((v) => v.labels?.includes(body.label as string));
    return t.versions.at(-1);
  }

  function route(req: IncomingMessage, call: RecordedCall, res: ServerResponse): void {
    const { method, path, body, query } = call;
    const legacy = LEGACY_AUTH.includes(path);
    const authorized = legacy ? body.api_key === TEST_PL_KEY : req.headers["x-api-key"] === TEST_PL_KEY;
    if (!authorized) return send(res, 401, { success: false, message: "Invalid API key" });

    let m: RegExpExecArray | null;
    if (method === "POST" && (m = /^\/prompt-templates\/([^/]+)$/.exec(path))) {
      const name = decodeURIComponent(m[1]!);
      const t = templates.get(name);
      const v = t && findVersion(t, body);
      if (!t || !v) return send(res, 404, { success: false, message: `Prompt template ${name} not found` });
      const vars = body.skip_input_variable_rendering ? undefined : (body.input_variables as Json | undefined);
      const rendered = renderTemplate(v.prompt_template, vars);
      return send(res, 200, {
        id: t.id,
        prompt_name: t.prompt_name,
        tags: t.tags,
        workspace_id: 1,
        commit_message: v.commit_message ?? null,
        metadata: v.metadata,
        prompt_template: rendered,
        llm_kwargs: llmKwargs(rendered, v.metadata, body.provider as string | undefined, body.model as string | undefined),
        provider_base_url: null,
        custom_provider: null,
        version: v.version,
        snippets: [],
        warning: null,
        ...(typeof body.label === "string" && body.version === undefined && v.abLabels?.includes(body.label) ? { ab_release: { label: body.label, version: v.version, segment: null } } : {}),
      });
    }
    if (method === "GET" && path === "/prompt-templates") {
      const page = Number(query.get("page") ?? 1);
      const perPage = Number(query.get("per_page") ?? 30);
      const all = [...templates.values()].map((t) => {
        const v = t.versions.at(-1)!;
        return { id: t.id, prompt_name: t.prompt_name, tags: t.tags, folder_id: null, prompt_template: v.prompt_template, version: v.version, commit_message: v.commit_message ?? null, metadata: v.metadata, parent_folder_name: null, full_folder_path: null };
      });
      const pages = Math.max(1, Math.ceil(all.length / perPage));
      return send(res, 200, {
        items: all.slice((page - 1) * perPage, page * perPage),
        page,
        per_page: perPage,
        pages,
        total: all.length,
        has_next: page < pages,
        has_prev: page > 1,
        next_num: page < pages ? page + 1 : null,
        prev_num: page > 1 ? page - 1 : null,
      });
    }
    if (method === "POST" && path === "/rest/prompt-templates") {
      const head = body.prompt_template as Json;
      const ver = body.prompt_version as Json;
      const name = String(head.prompt_name);
      const t = templates.get(name) ?? { id: nextId++, prompt_name: name, tags: (head.tags as string[]) ?? [], versions: [] };
      const version: TemplateVersion = { version: t.versions.length + 1, prompt_template: ver.prompt_template as Json, metadata: (ver.metadata as Json) ?? null, commit_message: (ver.commit_message as string) ?? null, labels: (body.release_labels as string[]) ?? [] };
      t.versions.push(version);
      templates.set(name, t);
      return send(res, 201, { id: t.id, prompt_name: name, prompt_version_id: nextId++, version_number: version.version, tags: t.tags, release_labels: body.release_labels ?? null, prompt_template: version.prompt_template, metadata: version.metadata, commit_message: version.commit_message, external_ids: [] });
    }
    if (method === "POST" && path === "/log-request") {
      return send(res, 201, { id: nextId++, prompt_id: body.prompt_id ?? null, prompt_version_number: body.prompt_version_number ?? null, span_id: null, status: body.status ?? "SUCCESS", prompt_version: { prompt_template: body.input, commit_message: null, metadata: null } });
    }
    if (method === "POST" && path === "/track-request") {
      const t = [...templates.values()].find((x) => x.id === body.prompt_id);
      const v = t?.versions.find((x) => x.version === body.prompt_version);
      const kwargs = (body.kwargs ?? {}) as Json;
      const blueprint = v
        ? {
            prompt_template: {
              ...renderTemplate(v.prompt_template, body.prompt_input_variables as Json),
              messages: [
                ...((renderTemplate(v.prompt_template, body.prompt_input_variables as Json).messages as Json[]) ?? []),
                { role: "assistant", content: [{ type: "text", text: replyText(String(body.function_name), (body.request_response ?? {}) as Json) }], input_variables: [], template_format: "f-string" },
              ],
            },
            commit_message: null,
            metadata: { model: { ...((v.metadata?.model as Json) ?? {}), parameters: { stream: kwargs.stream } } },
            provider_base_url_name: null,
            report_id: null,
            inference_client_name: null,
            server: true,
          }
        : null;
      return send(res, 200, { success: true, request_id: nextId++, prompt_blueprint: blueprint, message: "Request tracked successfully" });
    }
    if (method === "POST" && ["/library-track-metadata", "/library-track-score", "/library-track-prompt", "/track-group"].includes(path)) {
      return send(res, 200, { success: true });
    }
    if (method === "POST" && path === "/create-group") return send(res, 200, { success: true, id: nextId++ });
    if (method === "POST" && (m = /^\/workflows\/([^/]+)\/run$/.exec(path))) {
      const script = workflows.get(decodeURIComponent(m[1]!));
      if (!script) return send(res, 404, { success: false, message: "Workflow not found" });
      const id = nextId++;
      executions.set(id, { script, polls: 0 });
      return send(res, 201, { success: true, message: "Workflow execution created successfully", warning: null, workflow_version_execution_id: id });
    }
    if (method === "GET" && path === "/workflow-version-execution-results") {
      const exec = executions.get(Number(query.get("workflow_version_execution_id")));
      if (!exec) return send(res, 404, { success: false, message: "Execution not found" });
      const done = exec.polls >= exec.script.pollsBeforeDone;
      exec.polls++;
      if (!done) {
        const running = Object.fromEntries(Object.entries(exec.script.nodes).map(([k, n]) => [k, { ...(n as Json), status: "RUNNING", value: null }]));
        return send(res, 202, running);
      }
      if (query.get("return_all_outputs") === "true") return send(res, 200, exec.script.nodes);
      const out = Object.values(exec.script.nodes).find((n) => (n as Json).is_output_node && (n as Json).status === "SUCCESS") as Json | undefined;
      return send(res, 200, out?.value ?? null);
    }
    send(res, 404, { success: false, message: `No route for ${method} ${path}` });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const target = new URL(req.url ?? "/", "http://x");
      const rawPath = (req.url ?? "/").split("?")[0]!;
      let body: Json = {};
      try {
        body = raw ? (JSON.parse(raw) as Json) : {};
      } catch {
        return send(res, 400, { success: false, message: "Body is not JSON" });
      }
      const call: RecordedCall = { method: req.method ?? "GET", path: rawPath, query: target.searchParams, headers: { ...req.headers }, raw, body };
      calls.push(call);
      const fault = faults.find((f) => f.times > 0 && rawPath.startsWith(f.pathPrefix));
      const answer = () => {
        if (fault) {
          fault.times--;
          if (fault.drop) return res.socket?.destroy();
          if (fault.status > 0) return send(res, fault.status, fault.body ?? { success: false, message: `Injected ${fault.status}` });
        }
        route(req, call, res);
      };
      if (fault?.delayMs) setTimeout(answer, fault.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    templates,
    workflows,
    addTemplate: (t) => void templates.set(t.prompt_name, t),
    fault: (f) => void faults.push({ ...f }),
    callsTo: (prefix) => calls.filter((c) => c.path.startsWith(prefix)),
    reset() {
      calls.length = 0;
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A chat template in the registry's shape (CONTRACT §3). */
export function chatTemplate(
  id: number,
  name: string,
  model: { provider: string; name: string; api_type?: string; parameters?: Json },
  messages: Array<{ role: string; text: string; format?: "f-string" | "jinja2" }>,
  extra: Partial<TemplateVersion> = {},
): StoredTemplate {
  return {
    id,
    prompt_name: name,
    tags: [],
    versions: [
      {
        version: 1,
        prompt_template: {
          type: "chat",
          input_variables: [],
          tools: null,
          messages: messages.map((m) => ({
            role: m.role,
            content: [{ type: "text", text: m.text }],
            input_variables: [],
            template_format: m.format ?? "f-string",
            name: null,
            raw_request_display_role: "",
            dataset_examples: [],
          })),
        },
        metadata: { model: { parameters: {}, ...model } },
        commit_message: null,
        ...extra,
      },
    ],
  };
}
