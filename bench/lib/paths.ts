/** Where things are, as absolute paths, so workers can run from any cwd. */
import { fileURLToPath } from "node:url";

export const BENCH_DIR = fileURLToPath(new URL("../", import.meta.url));
export const ROOT_DIR = fileURLToPath(new URL("../../", import.meta.url));
export const PEERS_DIR = fileURLToPath(new URL("../peers/", import.meta.url));
export const TS_RESOLVE_URL = new URL("./ts-resolve.ts", import.meta.url).href;
/** Scratch space (git-ignored): the dist snapshot and quick-run outputs. */
export const WORK_DIR = fileURLToPath(new URL("../.work/", import.meta.url));
/**
 * A copy of the built package taken when the run starts. Other people rebuild `dist/` while a
 * long run is going (tsup cleans the folder first), which would pull the code out from under a
 * worker; the snapshot keeps every worker of a run on the same build. It resolves its
 * dependencies from the root node_modules like dist/ does.
 */
export const DIST_SNAPSHOT = fileURLToPath(new URL("../.work/dist/", import.meta.url));

/** A file URL for an entry point of the snapshot, e.g. `distEntry("instrumentations")`. */
export function distEntry(name: "index" | "instrumentations" | "register"): string {
  return new URL(`../.work/dist/${name}.js`, import.meta.url).href;
}

export function workerPath(name: string): string {
  return fileURLToPath(new URL(`../workers/${name}`, import.meta.url));
}
