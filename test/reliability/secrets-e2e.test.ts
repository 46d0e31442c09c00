/**
 * Every feature at once — the demo agent under the register preload: run() against a registry
 * prompt, direct OpenAI and Anthropic calls (streamed, with a tool), a workflow, traces exported
 * over OTLP — with sentinel keys. Afterwards no stored row of the PromptLayer side (request logs,
 * spans, events, templates…) contains a provider key or the PromptLayer key, and every request the
 * process sent — recorded by a proxy in front of the backend — carries each key only to where it
 * belongs: a provider's key in that provider's auth header, the PromptLayer key in `X-API-KEY` (or
 * the legacy `api_key` body field) of PromptLayer API calls and the trace export.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { ROOT, runNode } from "../helpers/child.js";
import { startRecordingProxy, type RecordedRequest } from "../helpers/recording-proxy.js";

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
    const proxy = await startRecordingProxy(backend.url);
    let result: Awaited<ReturnType<typeof runNode>>;
    try {
      result = await runNode(["--import", "promptlayer-otel/register", `${ROOT}/dist/demo-agent.js`], {
        PROMPTLAYER_BASE_URL: proxy.url,
        PROMPTLAYER_API_KEY: PL_KEY,
        OPENAI_BASE_URL: `${proxy.url}/v1`,
        OPENAI_API_KEY: OPENAI_KEY,
        ANTHROPIC_BASE_URL: proxy.url,
        ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      }, 60_000);
    } finally {
      await proxy.close();
    }
    expect(result.code, result.stderr).toBe(0);
    checkWhereKeysWent(proxy.requests);
    const stored = everyStoredRow();
    // The run really happened and was stored: logs and spans are there.
    expect(stored).toContain("support-reply");
    expect(stored).toContain("chat gpt-4o-mini");
    expect(stored).not.toContain("SENTINEL");
    expect(result.stdout + result.stderr).not.toContain("SENTINEL");
  });
});

/** Each key only where it belongs, in every request the process sent. */
function checkWhereKeysWent(requests: RecordedRequest[]): void {
  const isOpenAI = (r: RecordedRequest) => /^\/v1\/(chat\/completions|responses|embeddings|completions)\b/.test(r.path);
  const isAnthropic = (r: RecordedRequest) => r.path.startsWith("/v1/messages");
  expect(requests.filter(isOpenAI).length, "OpenAI calls went through the proxy").toBeGreaterThan(0);
  expect(requests.filter(isAnthropic).length, "Anthropic calls went through the proxy").toBeGreaterThan(0);
  expect(requests.filter((r) => r.path === "/v1/traces").length, "the trace export went through the proxy").toBeGreaterThan(0);
  for (const r of requests) {
    const headers = { ...r.headers };
    const where = `${r.method} ${r.path}`;
    if (isOpenAI(r)) {
      expect(headers.authorization, where).toBe(`Bearer ${OPENAI_KEY}`);
      delete headers.authorization;
    } else if (isAnthropic(r)) {
      // @anthropic-ai/sdk 1.x sends its key as a bearer token, 0.x as x-api-key.
      const sent = headers["x-api-key"] ?? headers.authorization?.replace(/^Bearer /, "");
      expect(sent, where).toBe(ANTHROPIC_KEY);
      delete headers["x-api-key"];
      delete headers.authorization;
    } else {
      // A PromptLayer API call or the trace export: the PromptLayer key in its header, nothing else.
      expect(headers["x-api-key"], where).toBe(PL_KEY);
      delete headers["x-api-key"];
    }
    // The legacy body field is the one other place the PromptLayer key belongs.
    const body = r.body.replaceAll(`"api_key":"${PL_KEY}"`, '"api_key":"<pl>"');
    expect(JSON.stringify(headers) + body, where).not.toContain("SENTINEL");
  }
}
