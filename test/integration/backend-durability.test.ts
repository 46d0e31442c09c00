import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS, SchemaVersionError } from "../../local/store/migrations.js";
import { openStore } from "../../local/store/index.js";
import { startLocalBackend } from "../../local/server.js";
import { bundleForChild, chatTemplate, KEY, tempDir as makeTempDir } from "./backend-helpers.js";

const dirs: string[] = [];
const tempDir = (prefix?: string) => {
  const dir = makeTempDir(prefix);
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const SERVER = fileURLToPath(new URL("../../local/server.ts", import.meta.url));
let childEntry: string;

beforeAll(async () => {
  // A child process that runs the backend on the data dir given as argv[2] and prints its URL.
  const dir = tempDir("pl-child-src-");
  const source = join(dir, "child.ts");
  writeFileSync(
    source,
    `import { startLocalBackend } from ${JSON.stringify(SERVER)};
const backend = await startLocalBackend({ dataDir: process.argv[2], apiKey: ${JSON.stringify(KEY)}, log: () => {} });
console.log("READY " + backend.url);`,
  );
  childEntry = await bundleForChild(source, tempDir("pl-bundle-"));
}, 60_000);

async function startChild(dataDir: string) {
  const child = spawn(process.execPath, [childEntry, dataDir], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`child exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  return { child, url, exited };
}

const post = async (url: string, path: string, body: unknown, legacy = false) => {
  const res = await fetch(url + path, { method: "POST", headers: { "content-type": "application/json", ...(legacy ? {} : { "x-api-key": KEY }) }, body: JSON.stringify(legacy ? { ...(body as object), api_key: KEY } : body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

const otlpSpan = (traceId: string) => ({
  resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "durable" } }] }, scopeSpans: [{ scope: { name: "t" }, spans: [{
    traceId, spanId: "1111111111111111", name: "chat gpt-4o", kind: 3, startTimeUnixNano: "1767323045000000000", endTimeUnixNano: "1767323046000000000",
    attributes: [
      { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
      { key: "gen_ai.provider.name", value: { stringValue: "openai" } },
      { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
    ],
  }] }] }],
});

describe("durability", () => {
  it("keeps every acknowledged write when the server process is SIGKILLed", async () => {
    const dataDir = tempDir();
    const { child, url, exited } = await startChild(dataDir);
    const flat = { prompt_name: "durable", prompt_template: chatTemplate([{ role: "user", text: "{q}" }]) };
    expect((await post(url, "/rest/prompt-templates", { prompt_template: flat, prompt_version: flat })).status).toBe(201);
    const logged = await post(url, "/log-request", { provider: "openai", model: "gpt-4o", input: chatTemplate([{ role: "user", text: "a" }]), output: chatTemplate([{ role: "assistant", text: "b" }]), request_start_time: 1, request_end_time: 2 });
    expect(logged.status).toBe(201);
    const tracked = await post(url, "/track-request", { function_name: "openai.chat.completions.create", kwargs: { model: "gpt-4o", messages: [] }, request_response: {}, request_start_time: 1, request_end_time: 2 }, true);
    expect(tracked.status).toBe(200);
    expect((await post(url, "/library-track-score", { request_id: tracked.body.request_id, score: 77 }, true)).status).toBe(200);
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const otlp = await fetch(`${url}/v1/traces`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": KEY }, body: JSON.stringify(otlpSpan(traceId)) });
    expect(otlp.status).toBe(200);

    // No shutdown hooks, no flush: the process is gone the moment the last reply was read.
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const store = openStore(dataDir);
    try {
      expect(store.templates.find("durable")!.name).toBe("durable");
      expect(store.requests.get(logged.body.id)!.source).toBe("log-request");
      expect(store.requests.get(tracked.body.request_id)!.score).toBe(77);
      expect(store.spans.spansOf(traceId)).toHaveLength(1);
      expect(store.requests.byTrace(traceId).map((r) => r.source)).toEqual(["otlp"]);
    } finally {
      store.close();
    }
  }, 30_000);

  it("fails executions cut off by a kill instead of leaving them running forever", async () => {
    const dataDir = tempDir();
    const { child, url, exited } = await startChild(dataDir);
    const flat = { prompt_name: "slow", prompt_template: chatTemplate([{ role: "user", text: "hi" }]) };
    await post(url, "/rest/prompt-templates", { prompt_template: flat, prompt_version: flat });
    await post(url, "/api/local/workflows", { name: "slow", nodes: [{ name: "ask", node_type: "PROMPT_TEMPLATE", is_output_node: true, configuration: { template: { prompt_name: "slow" }, mock_headers: { "x-mock-latency-ms": "30000" } } }] });
    const run = await post(url, "/workflows/slow/run", { input_variables: {} });
    const id = run.body.workflow_version_execution_id;
    const polled = await fetch(`${url}/workflow-version-execution-results?workflow_version_execution_id=${id}&return_all_outputs=true`, { headers: { "x-api-key": KEY } });
    expect(polled.status).toBe(202);
    child.kill("SIGKILL");
    await exited;

    const backend = await startLocalBackend({ dataDir, apiKey: KEY, log: () => {} });
    try {
      const res = await fetch(`${backend.url}/workflow-version-execution-results?workflow_version_execution_id=${id}&return_all_outputs=true`, { headers: { "x-api-key": KEY } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Record<string, { status: string }>).ask!.status).toBe("FAILED");
    } finally {
      await backend.close();
    }
  }, 30_000);

  it("serves the same data after a restart on the same data directory, without reusing ids", async () => {
    const dataDir = tempDir();
    const first = await startLocalBackend({ dataDir, apiKey: KEY, seed: true, log: () => {} });
    const tracked = await post(first.url, "/track-request", { function_name: "openai.chat.completions.create", kwargs: { model: "gpt-4o", messages: [] }, request_response: {}, request_start_time: 1, request_end_time: 2 }, true);
    // Committed data is on disk before close(): a second connection sees it.
    const peek = openStore(dataDir);
    expect(peek.requests.get(tracked.body.request_id)).toBeDefined();
    peek.close();
    await first.close();

    const second = await startLocalBackend({ dataDir, apiKey: KEY, seed: true, log: () => {} });
    try {
      const template = await post(second.url, "/prompt-templates/support-reply", {});
      // Seeding again on restart adds no version.
      expect(template.body.version).toBe(1);
      const again = await post(second.url, "/track-request", { function_name: "openai.chat.completions.create", kwargs: { model: "gpt-4o", messages: [] }, request_response: {}, request_start_time: 1, request_end_time: 2 }, true);
      expect(again.body.request_id).toBeGreaterThan(tracked.body.request_id);
      expect(second.store.requests.get(tracked.body.request_id)).toBeDefined();
    } finally {
      await second.close();
    }
  });

  it("runs in WAL mode with full sync, and records its schema version", async () => {
    const dataDir = tempDir();
    const store = openStore(dataDir);
    try {
      expect(store.db.get<{ journal_mode: string }>("PRAGMA journal_mode")!.journal_mode).toBe("wal");
      expect(store.db.get<{ synchronous: number }>("PRAGMA synchronous")!.synchronous).toBe(2);
      expect(store.db.all("SELECT version, name FROM schema_migrations ORDER BY version")).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
    } finally {
      store.close();
    }
    // A database from a newer backend is refused rather than misread.
    const raw = new DatabaseSync(join(dataDir, "promptlayer.db"));
    raw.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'now')");
    raw.close();
    expect(() => openStore(dataDir)).toThrow(SchemaVersionError);
  });
});

