/**
 * The local backend's skill-collection routes over raw HTTP: the wire shapes a client other than
 * ours would see, the service's error bodies, and the checks the client cannot bypass for it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { readZip } from "../../src/client/skills/zip.js";

const KEY = "pl_skills_backend_key";
const BASE = "/api/public/v2/skill-collections";
let backend: LocalBackend;

beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", apiKey: KEY, log: () => {} });
});
afterAll(() => backend.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = { "x-api-key": KEY }): Promise<{ status: number; body: any; headers: Headers; bytes: Uint8Array }> {
  const res = await fetch(backend.url + path, { method, headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const bytes = new Uint8Array(await res.arrayBuffer());
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, headers: res.headers, bytes };
}

describe("skill collection routes", () => {
  it("create → 201 in the spec's shape; version → 201; pull JSON and zip", async () => {
    const created = await call("POST", BASE, { name: "Ops Skills", provider: "claude_code", files: [{ path: "b.md", content: "B" }, { path: "a.md" }], commit_message: "init" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      success: true,
      external_ids: [],
      skill_collection: { name: "Ops Skills", root_path: "/ops-skills", provider: "claude_code", folder_id: null, workspace_id: 1, is_deleted: false, external_ids: [] },
      version: { number: 1, file_paths: ["a.md", "b.md"], commit_message: "init", release_label: null, archived: false },
    });
    const id = created.body.skill_collection.id as string;

    const saved = await call("POST", `${BASE}/${id}/versions`, { file_updates: [{ path: "c.md", content: "C" }], release_label: "prod" });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ success: true, version: { skill_collection_id: id, number: 2, release_label: "prod", root_path_at_version: "/ops-skills", file_paths: ["a.md", "b.md", "c.md"] } });

    const pulled = await call("GET", `${BASE}/${encodeURIComponent("Ops Skills")}?label=prod`);
    expect(pulled.body).toMatchObject({ success: true, files: { "a.md": "", "b.md": "B", "c.md": "C" }, version: { number: 2, release_label: "prod" } });

    const zip = await call("GET", `${BASE}/${encodeURIComponent("/ops-skills")}?format=zip&version=1`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get("content-type")).toBe("application/zip");
    expect(zip.headers.get("content-disposition")).toBe('attachment; filename="ops-skills-v1.zip"');
    expect(readZip(zip.bytes).map((e) => e.path)).toEqual(["a.md", "b.md"]);
  });

  it("answers 422 in the service's validation shape for traversal, bad providers and missing moves, saving nothing", async () => {
    const traversal = await call("POST", BASE, { name: "evil", provider: "openai", files: [{ path: "../etc/passwd", content: "x" }, { path: "/abs", content: "y" }] });
    expect(traversal.status).toBe(422);
    expect(traversal.body).toEqual({
      detail: [
        { loc: ["body", "files", 0, "path"], msg: "Path '../etc/passwd' must not contain .. segments", type: "value_error" },
        { loc: ["body", "files", 1, "path"], msg: "Path '/abs' must be relative (no leading / or drive letter)", type: "value_error" },
      ],
    });
    expect((await call("GET", `${BASE}/evil`)).status).toBe(404);

    const provider = await call("POST", BASE, { name: "p", provider: "anthropic" });
    expect(provider.status).toBe(422);
    expect(provider.body.detail[0]).toMatchObject({ loc: ["body", "provider"], type: "enum" });

    const bad = await call("POST", `${BASE}/Ops%20Skills/versions`, {
      deletes: ["nope.md"],
      moves: [{ old_path: "gone.md", new_path: "x.md" }, { old_path: "a.md", new_path: "b.md" }, { old_path: "a.md" }],
      file_updates: [{ path: "ok.md", content: "fine" }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toEqual([
      { loc: ["body", "moves", 2, "new_path"], msg: "Field required", type: "missing" },
    ]);
    const conflicts = await call("POST", `${BASE}/Ops%20Skills/versions`, {
      deletes: ["nope.md"],
      moves: [{ old_path: "gone.md", new_path: "x.md" }, { old_path: "a.md", new_path: "b.md" }],
      file_updates: [{ path: "ok.md", content: "fine" }],
    });
    expect(conflicts.status).toBe(422);
    expect(conflicts.body.detail).toEqual([
      { loc: ["body", "deletes", 0], msg: "File 'nope.md' does not exist in the current version", type: "value_error" },
      { loc: ["body", "moves", 0, "old_path"], msg: "File 'gone.md' does not exist in the current version", type: "value_error" },
      { loc: ["body", "moves", 1, "new_path"], msg: "File 'b.md' already exists", type: "value_error" },
    ]);
    expect((await call("GET", `${BASE}/Ops%20Skills`)).body.version.number).toBe(2);
  });

  it("applies deletes, then moves in order, then updates: a path freed by a delete or a move can be reused", async () => {
    const res = await call("POST", `${BASE}/Ops%20Skills/versions`, {
      deletes: ["b.md"],
      moves: [{ old_path: "a.md", new_path: "b.md" }, { old_path: "c.md", new_path: "a.md" }],
      file_updates: [{ path: "c.md", content: "new C" }],
    });
    expect(res.status).toBe(201);
    expect((await call("GET", `${BASE}/Ops%20Skills`)).body.files).toEqual({ "a.md": "C", "b.md": "", "c.md": "new C" });
  });

  it("answers 404 {success:false, message}, 400 for label+version, 401 without the key, 415 for multipart", async () => {
    const missing = await call("PATCH", `${BASE}/ghost`, { name: "x" });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, message: "Skill collection 'ghost' not found" });
    expect((await call("POST", `${BASE}/ghost/versions`, {})).status).toBe(404);

    const both = await call("GET", `${BASE}/Ops%20Skills?label=prod&version=1`);
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({ success: false, message: "label and version are mutually exclusive" });
    expect((await call("GET", `${BASE}/Ops%20Skills?format=tar`)).status).toBe(422);

    expect((await call("GET", `${BASE}/Ops%20Skills`, undefined, {})).status).toBe(401);
    expect((await call("GET", `${BASE}/Ops%20Skills`, undefined, { "x-api-key": "wrong" })).status).toBe(401);

    const form = new FormData();
    form.append("metadata", JSON.stringify({ name: "m", provider: "openai" }));
    const multipart = await fetch(backend.url + BASE, { method: "POST", headers: { "x-api-key": KEY }, body: form });
    expect(multipart.status).toBe(415);
  });

  it("keeps collections, versions and labels across a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pl-skills-"));
    const first = await startLocalBackend({ dataDir, apiKey: KEY, log: () => {} });
    const headers = { "x-api-key": KEY, "content-type": "application/json" };
    await fetch(`${first.url}${BASE}`, { method: "POST", headers, body: JSON.stringify({ name: "durable", provider: "openclaw", files: [{ path: "x.md", content: "1" }] }) });
    await fetch(`${first.url}${BASE}/durable/versions`, { method: "POST", headers, body: JSON.stringify({ file_updates: [{ path: "x.md", content: "2" }], release_label: "prod" }) });
    await first.close();
    const second = await startLocalBackend({ dataDir, apiKey: KEY, log: () => {} });
    try {
      const res = await fetch(`${second.url}${BASE}/durable?label=prod`, { headers });
      expect(await res.json()).toMatchObject({ files: { "x.md": "2" }, version: { number: 2, release_label: "prod", provider: "openclaw" } });
    } finally {
      await second.close();
    }
  });
});
