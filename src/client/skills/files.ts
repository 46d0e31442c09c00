/**
 * Turning `skills.*` arguments into the service's file lists: files given as an array, a
 * path → content map or a zip archive; moves; deletes. Every path passes `skillPathProblem`
 * before anything is sent, so a bad path fails here with the parameter named.
 */
import { PromptLayerValidationError } from "../../errors.js";
import { isPlainObject } from "../validate.js";
import { skillPathProblem } from "./paths.js";
import { readZip } from "./zip.js";

export interface SkillFile {
  /** Relative, `/`-separated, e.g. `refunds/SKILL.md`. */
  path: string;
  content: string;
}

export interface SkillFileMove {
  oldPath: string;
  newPath: string;
}

/** The service's shapes. */
export interface WireFile {
  path: string;
  content: string;
}
export interface WireMove {
  old_path: string;
  new_path: string;
}

export function requirePath(param: string, path: unknown): string {
  const problem = skillPathProblem(path);
  if (problem) throw new PromptLayerValidationError(param, typeof path === "string" ? `${JSON.stringify(path)} ${problem}` : problem);
  return path as string;
}

function noDuplicates(param: string, files: readonly WireFile[]): WireFile[] {
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new PromptLayerValidationError(param, `path ${JSON.stringify(f.path)} appears more than once`);
    seen.add(f.path);
  }
  return [...files];
}

/** `[{path, content}]` or `{path: content}` → `[{path, content}]`. */
export function normalizeFiles(param: string, files: unknown): WireFile[] {
  if (Array.isArray(files)) {
    return noDuplicates(
      param,
      files.map((f: unknown, i) => {
        if (!isPlainObject(f)) throw new PromptLayerValidationError(`${param}[${i}]`, "expected {path, content}");
        const path = requirePath(`${param}[${i}].path`, f.path);
        if (typeof f.content !== "string") throw new PromptLayerValidationError(`${param}[${i}].content`, "expected a string");
        return { path, content: f.content };
      }),
    );
  }
  if (isPlainObject(files)) {
    return Object.entries(files).map(([path, content]) => {
      requirePath(`${param}["${path}"]`, path);
      if (typeof content !== "string") throw new PromptLayerValidationError(`${param}["${path}"]`, "content must be a string");
      return { path, content };
    });
  }
  throw new PromptLayerValidationError(param, "expected an array of {path, content} or an object mapping paths to contents");
}

/**
 * The text files of a zip archive. File contents travel as JSON strings, so each entry must be
 * UTF-8 text; a binary entry is refused rather than mangled.
 */
export function filesFromZip(zipFile: unknown, fileName = "zipFile"): WireFile[] {
  const bytes = zipFile instanceof Uint8Array ? zipFile : zipFile instanceof ArrayBuffer ? new Uint8Array(zipFile) : undefined;
  if (!bytes) throw new PromptLayerValidationError("zipFile", "expected a Uint8Array (or Buffer, or ArrayBuffer) holding a zip archive");
  const text = new TextDecoder("utf-8", { fatal: true });
  const files = readZip(bytes).map((entry) => {
    const path = requirePath("zipFile", entry.path);
    try {
      return { path, content: text.decode(entry.data) };
    } catch {
      throw new PromptLayerValidationError("zipFile", `entry ${JSON.stringify(path)} of ${fileName} is not UTF-8 text; skill files are sent as text`);
    }
  });
  return noDuplicates("zipFile", files);
}

/** `[{oldPath, newPath}]` → `[{old_path, new_path}]` (CONTRACT §9 item 12: not promptlayer-js's `{from, to}`). */
export function normalizeMoves(param: string, moves: unknown): WireMove[] {
  if (!Array.isArray(moves)) throw new PromptLayerValidationError(param, "expected an array of {oldPath, newPath}");
  return moves.map((m: unknown, i) => {
    if (!isPlainObject(m)) throw new PromptLayerValidationError(`${param}[${i}]`, "expected {oldPath, newPath}");
    if (m.oldPath === undefined && m.newPath === undefined && ("from" in m || "to" in m)) {
      throw new PromptLayerValidationError(`${param}[${i}]`, "expected {oldPath, newPath}; the {from, to} shape of promptlayer-js is not what the API takes");
    }
    return { old_path: requirePath(`${param}[${i}].oldPath`, m.oldPath), new_path: requirePath(`${param}[${i}].newPath`, m.newPath) };
  });
}

export function normalizeDeletes(param: string, deletes: unknown): string[] {
  if (!Array.isArray(deletes)) throw new PromptLayerValidationError(param, "expected an array of paths");
  return deletes.map((d: unknown, i) => requirePath(`${param}[${i}]`, d));
}
