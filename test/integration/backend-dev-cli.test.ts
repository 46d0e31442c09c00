import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleForChild, tempDir } from "./backend-helpers.js";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const dirs: string[] = [];
let cli: string;

beforeAll(async () => {
  const out = tempDir("pl-cli-");
  dirs.push(out);
  cli = await bundleForChild(CLI, out);
}, 60_000);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on("exit", (code) => setImmediate(() => resolve({ code, stdout, stderr }))));
  const output = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        if (stdout.includes(text)) {
          clearInterval(timer);
          resolve(stdout);
        }
      }, 20);
      void done.then(() => {
        clearInterval(timer);
        reject(new Error(`exited before printing "${text}": ${stderr}`));
      });
    });
  return { child, done, output };
}

describe("promptlayer-otel dev", () => {
  it("prints the URL, a generated key and the env vars, serves the seeded API, and stops cleanly on SIGTERM", async () => {
    const dataDir = tempDir("pl-dev-data-");
    dirs.push(dataDir);
    const run = runCli(["dev", "--port", "0", "--data-dir", dataDir]);
    const stdout = await run.output("Press Ctrl+C to stop.");
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
    const key = /API key: (pl_local_[0-9a-f]{32})\s+\(generated/.exec(stdout)![1]!;
    for (const line of [`PROMPTLAYER_BASE_URL=${url}`, `PROMPTLAYER_API_KEY=${key}`, `OPENAI_BASE_URL=${url}/v1`, `ANTHROPIC_BASE_URL=${url}`, `GEMINI_BASE_URL=${url}`]) expect(stdout).toContain(line);
    // No provider keys in its environment: workflow prompt nodes run on the mock.
    expect(stdout).toContain("Workflow prompt nodes call:\n  OpenAI:     the mock (set OPENAI_API_KEY before starting for the real one)\n  Anthropic:  the mock (set ANTHROPIC_API_KEY before starting for the real one)\n  Gemini:     the mock (set GEMINI_API_KEY before starting for the real one)\n");

    const templates = await fetch(`${url}/prompt-templates`, { headers: { "x-api-key": key } });
    expect(templates.status).toBe(200);
    const names = ((await templates.json()) as { items: Array<{ prompt_name: string }> }).items.map((i) => i.prompt_name);
    expect(names).toContain("support-reply");

    run.child.kill("SIGTERM");
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Stopped.");
  }, 30_000);

  it("uses PROMPTLAYER_API_KEY when set, and says which real providers workflows will call (never the keys)", async () => {
    const run = runCli(["dev", "--port", "0", "--data-dir", ":memory:", "--no-seed"], { PROMPTLAYER_API_KEY: "my-own-key", OPENAI_API_KEY: "sk-dev-banner-secret", OPENAI_BASE_URL: "http://127.0.0.1:9/v1", GEMINI_API_KEY: "gem-dev-banner-secret" });
    const stdout = await run.output("Press Ctrl+C to stop.");
    expect(stdout).toContain("API key: my-own-key\n");
    expect(stdout).toContain("  OpenAI:     http://127.0.0.1:9/v1\n  Anthropic:  the mock (set ANTHROPIC_API_KEY before starting for the real one)\n  Gemini:     https://generativelanguage.googleapis.com\n");
    expect(stdout).not.toContain("banner-secret");
    run.child.kill("SIGINT");
    expect((await run.done).code).toBe(0);
  }, 30_000);

  it("exits 2 with usage for a bad port", async () => {
    const result = await runCli(["dev", "--port", "http"]).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--port must be an integer from 0 to 65535");
    expect(result.stderr).toContain("Usage: promptlayer-otel dev");
  }, 30_000);
});
