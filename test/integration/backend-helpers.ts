/** Shared by the backend-*.test.ts suites: a backend on an ephemeral port and a small JSON client. */
import { build } from "esbuild";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalBackend, type LocalBackend, type LocalBackendOptions } from "../../local/server.js";

export const KEY = "pl_test_local_key";

// Response bodies are whatever JSON the route returns; tests assert on them field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Client {
  backend: LocalBackend;
  url: string;
  /** JSON request with `X-API-KEY` (override with `key`, `null` for none). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call<T = any>(method: string, path: string, body?: unknown, options?: { key?: string | null; headers?: Record<string, string>; raw?: string | Buffer }): Promise<ApiResponse<T>>;
}

/** A backend on `:memory:`; workflow prompt nodes stay on its mock whatever provider keys the environment has. */
export async function startBackend(options: LocalBackendOptions = {}): Promise<Client> {
  const backend = await startLocalBackend({ dataDir: ":memory:", apiKey: KEY, log: () => {}, providers: {}, ...options });
  return {
    backend,
    url: backend.url,
    async call(method, path, body, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const key = opts.key === undefined ? KEY : opts.key;
      if (key !== null) headers["X-API-KEY"] = key;
      let payload: string | Buffer | undefined = opts.raw;
      if (payload === undefined && body !== undefined) {
        payload = JSON.stringify(body);
        headers["content-type"] ??= "application/json";
      }
      const res = await fetch(backend.url + path, { method, headers, body: payload });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed as never, headers: res.headers };
    },
  };
}

/** Runs `fn` over `items` with at most `width` in flight; results in input order. */
export async function pool<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

export const tempDir = (prefix = "pl-backend-") => mkdtempSync(join(tmpdir(), prefix));

/** A chat template in the service's publish shape. */
export function chatTemplate(messages: Array<{ role: string; text?: string; format?: "f-string" | "jinja2"; name?: string }>) {
  return {
    type: "chat",
    messages: messages.map((m) =>
      m.role === "placeholder"
        ? { role: "placeholder", name: m.name }
        : { role: m.role, content: [{ type: "text", text: m.text ?? "" }], ...(m.format ? { template_format: m.format } : {}) },
    ),
  };
}

/** Publishes through the REST route (SDK flat-copy shape) and returns the response body. */
export async function publish(client: Client, name: string, template: unknown, extra: Record<string, unknown> = {}) {
  const flat = { prompt_name: name, prompt_template: template, ...extra };
  const res = await client.call("POST", "/rest/prompt-templates", { prompt_template: flat, prompt_version: flat, release_labels: extra.release_labels ?? null });
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Bundles a TypeScript entry (importing the repo's sources) into one ESM file a plain `node` child
 * can run — the sources use `.js` import specifiers that Node's type stripping cannot resolve.
 */
export async function bundleForChild(entry: string, outDir = tempDir("pl-bundle-")): Promise<string> {
  const outfile = join(outDir, "entry.mjs");
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    outfile,
    // nunjucks is CommonJS and requires Node built-ins.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    logLevel: "error",
  });
  return outfile;
}

/** Every table of the backend's database, with `read(name)` applied (row counts, all rows…). */
export function eachTable<T>(client: Client, read: (db: Client["backend"]["store"]["db"]["raw"], table: string) => T): Record<string, T> {
  const db = client.backend.store.db.raw;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
  return Object.fromEntries(tables.map(({ name }) => [name, read(db, name)]));
}

/** Polls a workflow execution's results until they are ready; the answer of the final poll. */
export async function waitForExecution(client: Client, id: number, returnAllOutputs = false): Promise<ApiResponse> {
  for (let i = 0; i < 500; i++) {
    const res = await client.call("GET", `/workflow-version-execution-results?workflow_version_execution_id=${id}${returnAllOutputs ? "&return_all_outputs=true" : ""}`);
    if (res.status === 200) return res;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`execution ${id} did not finish`);
}
