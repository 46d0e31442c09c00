/** Package versions read from disk (some packages, e.g. @anthropic-ai/sdk, do not export package.json). */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function packageVersion(nodeModulesParent: string, name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(nodeModulesParent, "node_modules", name, "package.json"), "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

export function ownVersion(rootDir: string): string {
  return (JSON.parse(readFileSync(join(rootDir, "package.json"), "utf8")) as { version: string }).version;
}
