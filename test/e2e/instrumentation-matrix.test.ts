/**
 * The instrumentations through the real module hooks (the register preload) in child processes:
 * every supported SDK major, CommonJS and ESM. Each SDK version is copied under the package name
 * the hooks look for (`openai`, `@anthropic-ai/sdk`) into its own folder with the app.
 */
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { startOtlpReceiver, type OtlpReceiver } from "../../local/otlp/receiver.js";
import { fixture, ROOT, runNode } from "../helpers/child.js";

const MATRIX = join(ROOT, "test-artifacts", "matrix");

const VERSIONS = [
  { sdk: "openai", pkg: "openai", from: "openai-v4", label: "openai 4.x" },
  { sdk: "openai", pkg: "openai", from: "openai-v5", label: "openai 5.x" },
  { sdk: "openai", pkg: "openai", from: "openai-v6", label: "openai 6.x" },
  { sdk: "openai", pkg: "openai", from: "openai", label: "openai 7.x" },
  { sdk: "anthropic", pkg: "@anthropic-ai/sdk", from: "anthropic-v0-30", label: "@anthropic-ai/sdk 0.30 (the supported floor)" },
  { sdk: "anthropic", pkg: "@anthropic-ai/sdk", from: "anthropic-v0-133", label: "@anthropic-ai/sdk 0.133 (before built-in tracing)" },
  { sdk: "anthropic", pkg: "@anthropic-ai/sdk", from: "anthropic-v0-137", label: "@anthropic-ai/sdk 0.137 (built-in tracing)" },
  { sdk: "anthropic", pkg: "@anthropic-ai/sdk", from: "@anthropic-ai/sdk", label: "@anthropic-ai/sdk 1.x" },
] as const;

let mock: MockModelServer;
let receiver: OtlpReceiver;

function prepare(from: string, pkg: string): string {
  const dir = join(MATRIX, from.replace(/[@/]/g, "_"));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  cpSync(join(ROOT, "node_modules", from), join(dir, "node_modules", pkg), { recursive: true, dereference: true });
  for (const f of ["sdk-app.mjs", "sdk-app.cjs", "dual-build-app.mjs"]) cpSync(fixture(f), join(dir, f));
  return dir;
}

beforeAll(async () => {
  mock = await startMockModelServer();
  receiver = await startOtlpReceiver();
  for (const v of VERSIONS) prepare(v.from, v.pkg);
});
afterAll(async () => {
  await mock.close();
  await receiver.close();
});

async function run(dir: string, args: string[], sdk: string) {
  const before = receiver.spans.length;
  const result = await runNode(args, { PROMPTLAYER_OTLP_TRACES_ENDPOINT: receiver.url, MOCK_URL: mock.url, FIXTURE_SDK: sdk }, 20_000, dir);
  expect(result.stderr, result.stderr).toBe("");
  expect(result.stdout).toContain("ok true");
  return receiver.spans.slice(before);
}

describe.each(VERSIONS)("$label", ({ sdk, from }) => {
  const dir = () => join(MATRIX, from.replace(/[@/]/g, "_"));
  const model = sdk === "openai" ? "gpt-4o-mini" : "claude-sonnet-5-5";

  it.each([
    ["ESM (--import)", "--import", "sdk-app.mjs"],
    ["CommonJS (--require)", "--require", "sdk-app.cjs"],
  ])("%s: one conventions span per call, streaming included", async (_label, flag, app) => {
    const spans = await run(dir(), [flag, "promptlayer-otel/register", app], sdk);
    expect(spans.map((s) => s.name)).toEqual([`chat ${model}`, `chat ${model}`]);
    for (const s of spans) {
      expect(s.scope.name).toBe(`promptlayer-otel/${sdk}`);
      expect(s.attributes["gen_ai.provider.name"]).toBe(sdk);
      expect(s.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
      expect(typeof s.attributes["gen_ai.input.messages"]).toBe("string"); // init() captures content
    }
    expect(spans[1]!.attributes["gen_ai.request.stream"]).toBe(true);
  });
});

describe("openai loaded through both its CommonJS and ESM builds", () => {
  it("traces each call exactly once", async () => {
    const spans = await run(join(MATRIX, "openai"), ["--import", "promptlayer-otel/register", "dual-build-app.mjs"], "openai");
    expect(spans.map((s) => s.name)).toEqual(["chat gpt-4o-mini", "chat gpt-4o-mini"]);
  });
});
