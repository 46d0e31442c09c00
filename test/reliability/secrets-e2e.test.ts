/**
 * Every feature at once — the demo agent under the register preload: run() against a registry
 * prompt, direct OpenAI and Anthropic calls (streamed, with a tool), a workflow, traces exported
 * over OTLP — with sentinel keys. Afterwards no stored row of the PromptLayer side (request logs,
 * spans, events, templates…) contains a provider key or the PromptLayer key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { ROOT, runNode } from "../helpers/child.js";

const PL_KEY = "pl-SENTINEL-promptlayer-91c2";
const OPENAI_KEY = "sk-SENTINEL-openai-4d7e";
const ANTHROPIC_KEY = "sk-ant-SENTINEL-anthropic-0b55";

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", seed: true, apiKey: PL_KEY, log: () => {}, providers: {} });
});
afterAll(() => backend.close());

function everyStoredRow(): string {
  const db = backend.store.db.raw;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
  return JSON.stringify(Object.fromEntries(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()])));
}

describe("secrets across every feature", () => {
  it("no provider key and no PromptLayer key in anything stored on the PromptLayer side", async () => {
    const result = await runNode(["--import", "promptlayer-otel/register", `${ROOT}/dist/demo-agent.js`], {
      PROMPTLAYER_BASE_URL: backend.url,
      PROMPTLAYER_API_KEY: PL_KEY,
      OPENAI_BASE_URL: `${backend.url}/v1`,
      OPENAI_API_KEY: OPENAI_KEY,
      ANTHROPIC_BASE_URL: backend.url,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    }, 60_000);
    expect(result.code, result.stderr).toBe(0);
    const stored = everyStoredRow();
    // The run really happened and was stored: logs and spans are there.
    expect(stored).toContain("support-reply");
    expect(stored).toContain("chat gpt-4o-mini");
    expect(stored).not.toContain("SENTINEL");
    expect(result.stdout + result.stderr).not.toContain("SENTINEL");
  });
});
