/**
 * The isolated installs under bench/peers/<line>/: the peer instrumentations with the SDK
 * versions they patch, kept out of the root install (other OpenTelemetry lines, other SDK majors).
 * Installed on first use with the ordinary npm client.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PEERS_DIR } from "./paths.js";

export const LINES = ["v6", "v7"] as const;

export function ensurePeers(log: (line: string) => void): void {
  for (const line of LINES) {
    const dir = join(PEERS_DIR, line);
    if (existsSync(join(dir, "node_modules"))) continue;
    log(`installing bench/peers/${line} (one-time)…`);
    // `npm` from the PATH that `npm run` set up (the repo's pinned toolchain).
    const r = spawnSync("npm", ["install", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error"], { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`npm install in bench/peers/${line} failed (${r.status})`);
  }
}
