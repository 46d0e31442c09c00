/**
 * Skill collections (CONTRACT §2.9), `X-API-KEY` auth:
 *   POST  /api/public/v2/skill-collections                        create {name, folder_id?, provider?, files?: [{path, content}],
 *                                                                  commit_message?} → 201; version 1 holds `files` (none without files)
 *   GET   /api/public/v2/skill-collections/{identifier}           pull by id, name or root path; query `label` | `version`,
 *                                                                  `format=zip` for the archive
 *   PATCH /api/public/v2/skill-collections/{identifier}           rename {name}
 *   POST  /api/public/v2/skill-collections/{identifier}/versions  new version {file_updates, moves: [{old_path, new_path}], deletes,
 *                                                                  commit_message, release_label, provider} → 201
 * A new version starts from the latest one and applies deletes, then moves (in order), then file
 * updates; if any of them cannot apply, nothing is saved and the 422 lists every problem.
 * JSON bodies only: the service's multipart upload (field names disagree across clients) is not
 * imitated, and gets 415.
 */
import { writeZip } from "../../src/client/skills/zip.js";
import { SKILL_PROVIDERS, skillPathProblem } from "../../src/client/skills/paths.js";
import { BadRequestError, NotFoundError, ValidationError, type Issue } from "../domain/errors.js";
import { isObject, type Json } from "../domain/json.js";
import type { SkillCollectionRow, SkillStore, SkillVersionRow } from "../store/skills.js";
import { ok, type Reply } from "./http.js";
import type { RouteContext, Router } from "./router.js";
import { Fields, objectBody, queryObject } from "./validate.js";

const BASE = "/api/public/v2/skill-collections";

type Loc = Array<string | number>;
interface Move {
  oldPath: string;
  newPath: string;
}

// ---- response bodies (the service's SkillCollection / SkillCollectionVersion) ----

const collectionBody = (c: SkillCollectionRow): Json => ({
  id: c.id,
  workspace_id: 1,
  folder_id: c.folderId,
  root_path: c.rootPath,
  name: c.name,
  provider: c.provider,
  is_deleted: false,
  created_by: null,
  created_at: c.createdAt,
  updated_by: null,
  updated_at: c.updatedAt,
  external_ids: [],
});

function versionBody(store: SkillStore, v: SkillVersionRow, files: ReadonlyMap<string, string>, label?: string): Json {
  return {
    id: v.id,
    skill_collection_id: v.collectionId,
    workspace_id: 1,
    number: v.number,
    root_path_at_version: v.rootPathAtVersion,
    provider: v.provider,
    file_paths: [...files.keys()],
    commit_message: v.commitMessage,
    // Pulled by label: that label; otherwise the one last pointed at this version, if any.
    release_label: label ?? store.labelOf(v.id),
    archived: false,
    created_by: null,
    user_email: null,
    created_at: v.createdAt,
  };
}

// ---- body parts ----

function pathIssue(path: unknown, loc: Loc, issues: Issue[]): string | undefined {
  const problem = skillPathProblem(path);
  if (problem === undefined) return path as string;
  issues.push({ loc, msg: typeof path === "string" ? `Path '${path}' ${problem}` : "Input should be a valid string", type: typeof path === "string" ? "value_error" : "string_type" });
  return undefined;
}

function listOf(body: Json, key: string, issues: Issue[]): unknown[] {
  const v = body[key];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  issues.push({ loc: ["body", key], msg: "Input should be a valid list", type: "list_type" });
  return [];
}

/** `[{path, content}]` (content defaults to "", as in the spec) → path → content; duplicates are refused. */
function parseFiles(body: Json, key: string, issues: Issue[]): Map<string, string> {
  const files = new Map<string, string>();
  listOf(body, key, issues).forEach((item, i) => {
    if (!isObject(item)) return void issues.push({ loc: ["body", key, i], msg: "Input should be a valid dictionary", type: "dict_type" });
    const path = pathIssue(item.path, ["body", key, i, "path"], issues);
    const content = item.content ?? "";
    if (typeof content !== "string") return void issues.push({ loc: ["body", key, i, "content"], msg: "Input should be a valid string", type: "string_type" });
    if (path === undefined) return;
    if (files.has(path)) return void issues.push({ loc: ["body", key, i, "path"], msg: `Path '${path}' appears more than once`, type: "value_error" });
    files.set(path, content);
  });
  return files;
}

function parseMoves(body: Json, issues: Issue[]): Move[] {
  const moves: Move[] = [];
  listOf(body, "moves", issues).forEach((item, i) => {
    if (!isObject(item)) return void issues.push({ loc: ["body", "moves", i], msg: "Input should be a valid dictionary", type: "dict_type" });
    const missing = (["old_path", "new_path"] as const).filter((k) => item[k] === undefined || item[k] === null);
    for (const k of missing) issues.push({ loc: ["body", "moves", i, k], msg: "Field required", type: "missing" });
    if (missing.length) return;
    const oldPath = pathIssue(item.old_path, ["body", "moves", i, "old_path"], issues);
    const newPath = pathIssue(item.new_path, ["body", "moves", i, "new_path"], issues);
    if (oldPath !== undefined && newPath !== undefined) moves.push({ oldPath, newPath });
  });
  return moves;
}

function parseDeletes(body: Json, issues: Issue[]): string[] {
  return listOf(body, "deletes", issues).flatMap((item, i) => pathIssue(item, ["body", "deletes", i], issues) ?? []);
}

/** The file set of the next version, or the reasons it cannot be made. */
function applyChanges(base: ReadonlyMap<string, string>, deletes: string[], moves: Move[], updates: ReadonlyMap<string, string>, issues: Issue[]): Map<string, string> {
  const files = new Map(base);
  deletes.forEach((path, i) => {
    if (!files.delete(path)) issues.push({ loc: ["body", "deletes", i], msg: `File '${path}' does not exist in the current version`, type: "value_error" });
  });
  moves.forEach(({ oldPath, newPath }, i) => {
    const content = files.get(oldPath);
    if (content === undefined) return void issues.push({ loc: ["body", "moves", i, "old_path"], msg: `File '${oldPath}' does not exist in the current version`, type: "value_error" });
    if (newPath !== oldPath && files.has(newPath)) return void issues.push({ loc: ["body", "moves", i, "new_path"], msg: `File '${newPath}' already exists`, type: "value_error" });
    files.delete(oldPath);
    files.set(newPath, content);
  });
  for (const [path, content] of updates) files.set(path, content);
  return byPath(files);
}

/** Sorted by path, so `file_paths` and archives list a version's files in a stable order. */
const byPath = (files: ReadonlyMap<string, string>) => new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** `/support-skills` from "Support skills": where the collection's files live when written out. */
function rootPathOf(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[-.]+|-+$/g, "");
  return `/${slug || "skills"}`;
}

function found(ctx: RouteContext): SkillCollectionRow {
  const c = ctx.services.store.skills.find(ctx.params.identifier!);
  if (!c) throw new NotFoundError(`Skill collection '${ctx.params.identifier}' not found`);
  return c;
}

function requireFreeName(store: SkillStore, name: string, self?: string): void {
  const holder = store.byName(name);
  if (holder && holder.id !== self) throw new BadRequestError(`A skill collection named '${name}' already exists`);
}

// ---- handlers ----

function create(ctx: RouteContext): Reply {
  const body = objectBody(ctx.body);
  const f = new Fields(body);
  const name = f.string("name", { required: true, min: 1, max: 512 });
  const folderId = f.int("folder_id", { min: 1 });
  const provider = f.oneOf("provider", SKILL_PROVIDERS);
  const commitMessage = f.string("commit_message");
  const files = parseFiles(body, "files", f.issues);
  f.done();
  const store = ctx.services.store.skills;
  requireFreeName(store, name!);
  const sorted = byPath(files);
  const first = sorted.size ? { files: sorted, commitMessage: commitMessage ?? null, provider: provider ?? null, releaseLabel: null } : undefined;
  const { collection, version } = store.create({ name: name!, rootPath: rootPathOf(name!), folderId: folderId ?? null, provider: provider ?? null }, first);
  return ok({ success: true, skill_collection: collectionBody(collection), external_ids: [], version: version ? versionBody(store, version, sorted) : null }, 201);
}

function pull(ctx: RouteContext): Reply {
  const f = new Fields(queryObject(ctx.query), ["query"]);
  const label = f.string("label", { min: 1 });
  const number = f.int("version", { min: 1 });
  const format = f.oneOf("format", ["json", "zip"] as const);
  f.done();
  if (label !== undefined && number !== undefined) throw new BadRequestError("label and version are mutually exclusive");
  const store = ctx.services.store.skills;
  const c = found(ctx);
  const v = label !== undefined ? store.labelled(c.id, label) : number !== undefined ? store.version(c.id, number) : store.latest(c.id);
  if (!v && label !== undefined) throw new NotFoundError(`Skill collection '${c.name}' has no release label '${label}'`);
  if (!v && number !== undefined) throw new NotFoundError(`Skill collection '${c.name}' has no version ${number}`);
  const files = v ? store.files(v.id) : new Map<string, string>();
  if (format === "zip") {
    // The version's date as every entry's time: pulling one version twice gives the same bytes.
    const archive = writeZip([...files].map(([path, data]) => ({ path, data })), { date: new Date(v?.createdAt ?? c.createdAt) });
    const fileName = `${c.rootPath.replace(/^\//, "")}${v ? `-v${v.number}` : ""}.zip`;
    return { status: 200, body: archive, headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${fileName}"` } };
  }
  return ok({ success: true, skill_collection: collectionBody(c), files: Object.fromEntries(files), version: v ? versionBody(store, v, files, label) : null });
}

function rename(ctx: RouteContext): Reply {
  const f = new Fields(objectBody(ctx.body));
  const name = f.string("name", { required: true, min: 1, max: 512 });
  f.done();
  const store = ctx.services.store.skills;
  const c = found(ctx);
  requireFreeName(store, name!, c.id);
  return ok({ success: true, skill_collection: collectionBody(store.rename(c.id, name!)) });
}

function saveVersion(ctx: RouteContext): Reply {
  const body = objectBody(ctx.body, true);
  const f = new Fields(body);
  const commitMessage = f.string("commit_message");
  const releaseLabel = f.string("release_label", { min: 1 });
  const provider = f.oneOf("provider", SKILL_PROVIDERS);
  const updates = parseFiles(body, "file_updates", f.issues);
  const moves = parseMoves(body, f.issues);
  const deletes = parseDeletes(body, f.issues);
  f.done();
  const store = ctx.services.store.skills;
  const c = found(ctx);
  const latest = store.latest(c.id);
  const issues: Issue[] = [];
  const files = applyChanges(latest ? store.files(latest.id) : new Map(), deletes, moves, updates, issues);
  if (issues.length) throw new ValidationError(issues);
  const version = store.saveVersion(c.id, { files, commitMessage: commitMessage ?? null, provider: provider ?? null, releaseLabel: releaseLabel ?? null });
  return ok({ success: true, skill_collection: collectionBody(store.find(c.id)!), version: versionBody(store, version, files) }, 201);
}

export function skillRoutes(router: Router): void {
  router
    .add("POST", BASE, { auth: "header" }, create)
    .add("GET", `${BASE}/{identifier}`, { auth: "header" }, pull)
    .add("PATCH", `${BASE}/{identifier}`, { auth: "header" }, rename)
    .add("POST", `${BASE}/{identifier}/versions`, { auth: "header" }, saveVersion);
}
