import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { ROOT, runNode } from "../helpers/child.js";

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", seed: true });
});
afterAll(() => backend.close());

const env = () => ({
  PROMPTLAYER_BASE_URL: backend.url,
  PROMPTLAYER_API_KEY: backend.apiKey,
  OPENAI_BASE_URL: `${backend.url}/v1`,
  OPENAI_API_KEY: "sk-local",
  ANTHROPIC_BASE_URL: backend.url,
  ANTHROPIC_API_KEY: "sk-ant-local",
});

/** Runs one example against the local backend; it must exit 0 and print nothing to stderr. */
async function run(file: string): Promise<string> {
  const result = await runNode([`${ROOT}/examples/${file}`], env(), 30_000);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe("");
  return result.stdout;
}

/** What each client example must print. Every `examples/client-*.ts` needs an entry. */
const EXAMPLES: Record<string, (out: string) => void> = {
  "client-tour.ts": (out) => {
    expect(out).toMatch(/templates\.publish → tour-greeting v1/);
    expect(out).toContain("Greet Ada in five words.");
    expect(out).toMatch(/templates\.iterate → \d+ templates/);
    expect(out).toMatch(/templates\.page\s+→ 2 of \d+ \(page 1 of \d+\)/);
    expect(out).toMatch(/templates\.all\s+→ tour-greeting\n/);
    expect(out).toContain("templates.invalidate → cache hit before: true, after: false");
    expect(out).toMatch(/run\s+→ request \d+/);
    expect(out).toMatch(/run \(stream\)\s+→ [1-9]\d* chunks, request \d+/);
    expect(out).toMatch(/track\.score\s+→ true/);
    expect(out).toMatch(/track\.metadata\s+→ true/);
    expect(out).toMatch(/group\.create\s+→ \d+ track\.group → true/);
    expect(out).toMatch(/logRequest\s+→ request \d+/);
    expect(out).toMatch(/track\.prompt\s+→ true/);
    expect(out).toMatch(/runWorkflow\s+→ Refunds are issued within 14 days/);
    expect(out).toMatch(/validation\s+→ .*score/);
  },
  "client-quickstart.ts": (out) => {
    expect(out).toContain("reply:");
    expect(out).toMatch(/logged as request \d+/);
  },
  "client-wrappers.ts": (out) => {
    expect(out).toContain("openai reply      → Mock reply to: Say hello in three words.");
    expect(out).toContain("openai stream     → Mock reply to: Count to three.");
    expect(out).toContain("anthropic reply   → Mock reply to: Say goodbye in three words.");
    const logged = [...out.matchAll(/logged\s+→ request (\d+) \((\S+)\)/g)].map((m) => m[2]).sort();
    expect(logged).toEqual(["anthropic.messages.create", "openai.chat.completions.create", "openai.chat.completions.create"]);
    expect(out).toMatch(/track\.score\s+→ true/);
  },
  "client-errors.ts": (out) => {
    expect(out).toMatch(/not found\s+→ PromptLayerNotFoundError status 404: .*not found/);
    expect(out).toMatch(/wrong key\s+→ PromptLayerAuthenticationError status 401/);
    expect(out).toMatch(/validation\s+→ PromptLayerValidationError: Invalid score/);
    expect(out).toMatch(/unreachable\s+→ PromptLayerConnectionError: .*ECONNREFUSED/);
    expect(out).toMatch(/instanceof\s+→ PromptLayerNotFoundError, body: \{/);
    expect(out).toContain("throwOnError:false→ templates.get: null | track.score: false | templates.all: []");
    expect(out.match(/^client logger\s+→ /gm)).toHaveLength(3);
    expect(out).toMatch(/lenient run\(\)\s+→ PromptLayerNotFoundError/);
    expect(out.match(/^package logger\s+→ templates\.get\("no-such-template"\) failed/gm)).toHaveLength(1);
    expect(out).toContain("silenced          → (nothing logged)");
  },
  "client-traces.ts": (out) => {
    expect(out).toMatch(/logged requests: \d+, \d+/);
    expect(out).toContain("traces: 1");
    const tree = new RegExp(
      [
        "invoke_agent note-writer .*",
        "├─ promptlayer\\.run traces-outline .*prompt=traces-outline@prod v1",
        "│  ├─ promptlayer\\.template\\.fetch traces-outline .*",
        "│  └─ chat gpt-4o-mini .*prompt=traces-outline@prod v1 logged-by-run",
        "└─ promptlayer\\.run traces-polish .*prompt=traces-polish@prod v1",
        "   ├─ promptlayer\\.template\\.fetch traces-polish .*",
        "   └─ chat claude-haiku-4-5 .*prompt=traces-polish@prod v1 logged-by-run",
      ].join("\\n"),
    );
    expect(out).toMatch(tree);
  },
};

describe("the client examples, against the local backend", () => {
  it("has assertions for every examples/client-*.ts", () => {
    const files = readdirSync(`${ROOT}/examples`).filter((f) => /^client-.*\.ts$/.test(f));
    expect(files.sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  for (const [file, check] of Object.entries(EXAMPLES)) {
    it(`examples/${file} runs and prints what it shows`, async () => {
      check(await run(file));
    });
  }
});
