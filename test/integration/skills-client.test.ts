/**
 * `pl.skills` against the local backend: publish, pull (JSON and zip), new versions from updates,
 * moves and deletes, labels, rename, and the errors on both sides of the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import {
  PromptLayer,
  PromptLayerBadRequestError,
  PromptLayerNotFoundError,
  PromptLayerUnprocessableEntityError,
  PromptLayerValidationError,
  type SkillProvider,
} from "../../src/index.js";
import { readZip } from "../../src/client/skills/zip.js";
import { createConsoleLogger, setLogger } from "../../src/logger.js";

let backend: LocalBackend;
let pl: PromptLayer;
let lenient: PromptLayer;
let calls: Array<{ method: string; url: string; body: unknown }>;

beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", apiKey: "pl_skills_test", log: () => {} });
  calls = [];
  // Records what goes on the wire, then sends it.
  const recording: typeof fetch = async (input, init) => {
    calls.push({ method: init?.method ?? "GET", url: String(input), body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined });
    return fetch(input, init);
  };
  pl = new PromptLayer({ apiKey: backend.apiKey, baseURL: backend.url, fetch: recording }, { sleep: async () => {} });
  lenient = new PromptLayer({ apiKey: backend.apiKey, baseURL: backend.url, throwOnError: false }, { sleep: async () => {} });
  setLogger(createConsoleLogger("none"));
});
afterAll(async () => {
  setLogger(createConsoleLogger());
  await backend.close();
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const unzipToObject = (bytes: Uint8Array) => Object.fromEntries(readZip(bytes).map((e) => [e.path, text(e.data)]));
const lastCall = () => calls.at(-1)!;

const FILES = { "refunds/SKILL.md": "# Refunds\nWithin 14 days.", "refunds/policy.txt": "No questions asked.", "README.md": "Support skills ✓" };

describe("publish and pull", () => {
  it("publishes files and pulls them back as JSON and as a zip", async () => {
    const published = await pl.skills.publish({ name: "support-skills", provider: "claude_code", files: FILES, commitMessage: "first", folderId: 3 });
    expect(lastCall().body).toEqual({
      name: "support-skills",
      folder_id: 3,
      provider: "claude_code",
      files: Object.entries(FILES).map(([path, content]) => ({ path, content })),
      commit_message: "first",
    });
    expect(published).toMatchObject({ success: true, skill_collection: { name: "support-skills", provider: "claude_code", folder_id: 3, root_path: "/support-skills" }, version: { number: 1 } });
    expect(published!.skill_collection.id).toMatch(/^[0-9a-f-]{36}$/);

    const pulled = await pl.skills.pull("support-skills");
    expect(pulled).toMatchObject({ success: true, skill_collection: { id: published!.skill_collection.id }, files: FILES, version: { number: 1, commit_message: "first", provider: "claude_code" } });
    expect(pulled!.version!.file_paths).toEqual(["README.md", "refunds/SKILL.md", "refunds/policy.txt"]);
    // by id and by root path too
    expect((await pl.skills.pull(published!.skill_collection.id))!.files).toEqual(FILES);
    expect((await pl.skills.pull("/support-skills"))!.files).toEqual(FILES);

    const zip = await pl.skills.pull("support-skills", { format: "zip" });
    expect(zip).toBeInstanceOf(Uint8Array);
    expect(new URL(lastCall().url).search).toBe("?format=zip");
    expect(unzipToObject(zip!)).toEqual(FILES);
    // The same version pulled twice is the same archive.
    expect(Buffer.from((await pl.skills.pull("support-skills", { format: "zip", version: 1 }))!).equals(Buffer.from(zip!))).toBe(true);
  });

  it("publishes from a zip (unpacked client-side, sent as JSON files)", async () => {
    const zip = await pl.skills.pull("support-skills", { format: "zip" });
    const published = await pl.skills.publish({ name: "support-copy", provider: "openai", zipFile: zip!, fileName: "support.zip" });
    expect((lastCall().body as { files: unknown[] }).files).toHaveLength(3);
    expect(published!.skill_collection.provider).toBe("openai");
    expect((await pl.skills.pull("support-copy"))!.files).toEqual(FILES);
  });

  it("publishes a collection without files: no version yet", async () => {
    await pl.skills.publish({ name: "empty-skills", provider: "openclaw" });
    expect(await pl.skills.pull("empty-skills")).toMatchObject({ files: {}, version: null });
    expect(readZip((await pl.skills.pull("empty-skills", { format: "zip" }))!)).toEqual([]);
  });
});

describe("update", () => {
  it("saves version 2 from file updates, moves and deletes, sending {old_path, new_path}", async () => {
    await pl.skills.publish({ name: "agent-kit", provider: "claude_code", files: [{ path: "a.md", content: "A" }, { path: "b.md", content: "B" }, { path: "old/c.md", content: "C" }] });
    const updated = await pl.skills.update("agent-kit", {
      fileUpdates: [{ path: "a.md", content: "A2" }, { path: "new/d.md", content: "D" }],
      moves: [{ oldPath: "old/c.md", newPath: "kept/c.md" }],
      deletes: ["b.md"],
      commitMessage: "reshuffle",
      releaseLabel: "prod",
    });
    expect(lastCall().url).toMatch(/\/api\/public\/v2\/skill-collections\/agent-kit\/versions$/);
    expect(lastCall().body).toEqual({
      file_updates: [{ path: "a.md", content: "A2" }, { path: "new/d.md", content: "D" }],
      moves: [{ old_path: "old/c.md", new_path: "kept/c.md" }],
      deletes: ["b.md"],
      commit_message: "reshuffle",
      release_label: "prod",
    });
    expect(updated).toMatchObject({ success: true, skill_collection: { name: "agent-kit" }, version: { number: 2, release_label: "prod", commit_message: "reshuffle" } });
    expect(updated!.version!.file_paths).toEqual(["a.md", "kept/c.md", "new/d.md"]);

    expect((await pl.skills.pull("agent-kit"))!.files).toEqual({ "a.md": "A2", "kept/c.md": "C", "new/d.md": "D" });
    // Version 1 is untouched.
    expect((await pl.skills.pull("agent-kit", { version: 1 }))!.files).toEqual({ "a.md": "A", "b.md": "B", "old/c.md": "C" });
  });

  it("pulls by label and by version; a label moves with releaseLabel", async () => {
    await pl.skills.update("agent-kit", { fileUpdates: [{ path: "a.md", content: "A3" }], provider: "openai" });
    expect(await pl.skills.pull("agent-kit", { label: "prod" })).toMatchObject({ files: { "a.md": "A2" }, version: { number: 2, release_label: "prod" } });
    expect(await pl.skills.pull("agent-kit")).toMatchObject({ files: { "a.md": "A3" }, version: { number: 3, release_label: null, provider: "openai" }, skill_collection: { provider: "openai" } });
    expect(new URL(calls.at(-2)!.url).search).toBe("?label=prod");

    await pl.skills.update("agent-kit", { releaseLabel: "prod", commitMessage: "promote" });
    expect(await pl.skills.pull("agent-kit", { label: "prod" })).toMatchObject({ files: { "a.md": "A3" }, version: { number: 4, commit_message: "promote" } });
    expect(unzipToObject((await pl.skills.pull("agent-kit", { label: "prod", format: "zip" }))!)).toEqual({ "a.md": "A3", "kept/c.md": "C", "new/d.md": "D" });
    await expect(pl.skills.pull("agent-kit", { label: "staging" })).rejects.toBeInstanceOf(PromptLayerNotFoundError);
    await expect(pl.skills.pull("agent-kit", { version: 99 })).rejects.toBeInstanceOf(PromptLayerNotFoundError);
  });

  it("renames, then saves the version under the collection's id", async () => {
    const { skill_collection } = (await pl.skills.pull("agent-kit"))!;
    const renamed = await pl.skills.update("agent-kit", { name: "agent-kit-2", fileUpdates: [{ path: "e.md", content: "E" }] });
    const [patch, post] = calls.slice(-2);
    expect(patch).toMatchObject({ method: "PATCH", body: { name: "agent-kit-2" } });
    expect(patch!.url).toMatch(/\/skill-collections\/agent-kit$/);
    expect(post!.url).toMatch(new RegExp(`/skill-collections/${skill_collection.id}/versions$`));
    expect(renamed).toMatchObject({ skill_collection: { id: skill_collection.id, name: "agent-kit-2" }, version: { number: 5 } });
    await expect(pl.skills.pull("agent-kit")).rejects.toBeInstanceOf(PromptLayerNotFoundError);
    expect((await pl.skills.pull("agent-kit-2"))!.files["e.md"]).toBe("E");

    // A rename alone: one PATCH, no version.
    const before = calls.length;
    const only = await pl.skills.update("agent-kit-2", { name: "agent-kit" });
    expect(calls.slice(before).map((c) => c.method)).toEqual(["PATCH"]);
    expect(only).toEqual({ success: true, skill_collection: expect.objectContaining({ name: "agent-kit" }) });
    // Taken names are refused.
    await expect(pl.skills.update("agent-kit", { name: "support-skills" })).rejects.toBeInstanceOf(PromptLayerBadRequestError);
    await expect(pl.skills.publish({ name: "support-skills", provider: "openai", files: {} })).rejects.toBeInstanceOf(PromptLayerBadRequestError);
  });
});

describe("validation", () => {
  const refused = async (call: () => Promise<unknown>, param: string | RegExp) => {
    const before = calls.length;
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PromptLayerValidationError);
    expect((error as PromptLayerValidationError).param).toMatch(param);
    expect(calls.length).toBe(before); // nothing was sent
    return error as PromptLayerValidationError;
  };

  it("refuses bad providers, unsafe paths and non-string contents before sending", async () => {
    await refused(() => pl.skills.publish({ name: "x", provider: "anthropic" as SkillProvider, files: {} }), "provider");
    const traversal = await refused(() => pl.skills.publish({ name: "x", provider: "openai", files: [{ path: "../etc/passwd", content: "root" }] }), "files[0].path");
    expect(traversal.message).toContain(".. segments");
    await refused(() => pl.skills.publish({ name: "x", provider: "openai", files: { "/etc/passwd": "root" } }), /^files/);
    await refused(() => pl.skills.publish({ name: "x", provider: "openai", files: { "a\\b.md": "x" } }), /^files/);
    await refused(() => pl.skills.publish({ name: "x", provider: "openai", files: [{ path: "a.md", content: 42 as unknown as string }] }), "files[0].content");
    await refused(() => pl.skills.publish({ name: "x", provider: "openai", files: [{ path: "a.md", content: "1" }, { path: "a.md", content: "2" }] }), "files");
    await refused(() => pl.skills.update("agent-kit", { moves: [{ oldPath: "a.md", newPath: "x/../../b.md" }] }), "moves[0].newPath");
    await refused(() => pl.skills.update("agent-kit", { deletes: ["./a.md"] }), "deletes[0]");
    await refused(() => pl.skills.update("agent-kit", { provider: "gpt" as SkillProvider }), "provider");
    await refused(() => pl.skills.update("agent-kit", { fileUpdates: [] }), "params");
    const jsShape = await refused(() => pl.skills.update("agent-kit", { moves: [{ from: "a.md", to: "b.md" } as never] }), "moves[0]");
    expect(jsShape.message).toContain("{oldPath, newPath}");
    await refused(() => pl.skills.pull("agent-kit", { label: "prod", version: 1 }), "version");
    await refused(() => pl.skills.publish({ name: "x", provider: "openai", files: {}, zipFile: new Uint8Array() }), "zipFile");
  });

  it("surfaces the backend's 422 for a move of a missing file, saving nothing", async () => {
    const before = (await pl.skills.pull("agent-kit"))!.version!.number;
    const error = await pl.skills
      .update("agent-kit", { fileUpdates: [{ path: "z.md", content: "Z" }], moves: [{ oldPath: "missing.md", newPath: "found.md" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromptLayerUnprocessableEntityError);
    expect((error as PromptLayerUnprocessableEntityError).body).toEqual({
      detail: [{ loc: ["body", "moves", 0, "old_path"], msg: "File 'missing.md' does not exist in the current version", type: "value_error" }],
    });
    expect((error as Error).message).toContain("body.moves.0.old_path");
    expect((await pl.skills.pull("agent-kit"))!.version!.number).toBe(before);
  });

  it("throws PromptLayerNotFoundError for an unknown collection, and returns null with throwOnError: false", async () => {
    const error = await pl.skills.pull("no-such-skills").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromptLayerNotFoundError);
    expect((error as PromptLayerNotFoundError).body).toMatchObject({ success: false, message: "Skill collection 'no-such-skills' not found" });
    await expect(pl.skills.update("no-such-skills", { deletes: ["a.md"] })).rejects.toBeInstanceOf(PromptLayerNotFoundError);
    await expect(pl.skills.update("no-such-skills", { name: "n" })).rejects.toBeInstanceOf(PromptLayerNotFoundError);

    await expect(lenient.skills.pull("no-such-skills")).resolves.toBeNull();
    await expect(lenient.skills.pull("no-such-skills", { format: "zip" })).resolves.toBeNull();
    await expect(lenient.skills.update("no-such-skills", { name: "n" })).resolves.toBeNull();
    await expect(lenient.skills.publish({ name: "x", provider: "nope" as SkillProvider })).resolves.toBeNull();
    await expect(lenient.skills.update("agent-kit", { moves: [{ oldPath: "missing.md", newPath: "b.md" }] })).resolves.toBeNull();
  });
});
