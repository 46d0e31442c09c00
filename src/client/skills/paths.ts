/**
 * Which paths may name a file in a skill collection. The client checks before sending and the
 * local backend checks again on arrival; both use this one rule so they refuse the same paths.
 */

/** Providers a skill collection can target (the SDKs' list, CONTRACT §2.9). */
export const SKILL_PROVIDERS = ["claude_code", "openai", "openclaw"] as const;
export type SkillProvider = (typeof SKILL_PROVIDERS)[number];

export const isSkillProvider = (v: unknown): v is SkillProvider => typeof v === "string" && (SKILL_PROVIDERS as readonly string[]).includes(v);

/**
 * Why `path` cannot name a skill file, or undefined when it can. Paths are relative, use `/`,
 * and have no `..` (escapes the collection when written to disk), `.` or empty segments (two
 * spellings of one file would become two files of a version).
 */
export function skillPathProblem(path: unknown): string | undefined {
  if (typeof path !== "string" || path.length === 0) return "expected a non-empty string";
  if (path.includes("\0")) return "must not contain NUL characters";
  if (path.includes("\\")) return "must use / as the separator (no backslashes)";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "must be relative (no leading / or drive letter)";
  const segments = path.split("/");
  if (segments.includes("..")) return "must not contain .. segments";
  if (segments.some((s) => s === "" || s === ".")) return "must not contain empty or . segments";
  return undefined;
}
