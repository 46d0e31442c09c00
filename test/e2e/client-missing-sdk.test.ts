/**
 * The provider SDKs are optional and loaded on first use: a missing one is a
 * PromptLayerMissingDependencyError naming the package to install, from run() and from the
 * pl.openai() / pl.anthropic() wrappers. Simulated without uninstalling anything: the app in
 * `fixtures/missing-sdk.mjs` makes the packages unresolvable with a module resolve hook.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { PromptLayer } from "../../src/client/index.js";
import { fixture, runNode } from "../helpers/child.js";

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", log: () => {} });
  const pl = new PromptLayer({ apiKey: backend.apiKey, baseURL: backend.url });
  const template = { type: "chat" as const, input_variables: [], messages: [{ role: "user", input_variables: [], template_format: "f-string" as const, content: [{ type: "text", text: "Hi" }] }] };
  await pl.templates.publish({ promptName: "sdk-openai", promptTemplate: template, metadata: { model: { provider: "openai", name: "gpt-4o-mini" } } });
  await pl.templates.publish({ promptName: "sdk-anthropic", promptTemplate: template, metadata: { model: { provider: "anthropic", name: "claude-haiku-4-5" } } });
});
afterAll(() => backend.close());

describe("a provider SDK that is not installed", () => {
  it("is a PromptLayerMissingDependencyError naming the package, from run() and the wrappers; installed later, it loads", async () => {
    const result = await runNode([fixture("missing-sdk.mjs")], {
      PROMPTLAYER_BASE_URL: backend.url,
      PROMPTLAYER_API_KEY: backend.apiKey,
      OPENAI_BASE_URL: `${backend.url}/v1`,
      OPENAI_API_KEY: "sk-local",
      ANTHROPIC_BASE_URL: backend.url,
      ANTHROPIC_API_KEY: "sk-ant-local",
      PROMPTLAYER_LOG_LEVEL: "none",
    });
    expect(result.code, result.stderr).toBe(0);
    const steps = Object.fromEntries(
      result.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { step: string; [k: string]: unknown })
        .map((s) => [s.step, s]),
    );
    const missing = (packageName: string) => ({
      ok: false,
      missingDependency: true,
      name: "PromptLayerMissingDependencyError",
      packageName,
      message: expect.stringContaining(`npm install ${packageName}`),
    });
    expect(steps["run openai"]).toMatchObject(missing("openai"));
    expect(steps["pl.openai()"]).toMatchObject(missing("openai"));
    expect(steps["run anthropic"]).toMatchObject(missing("@anthropic-ai/sdk"));
    expect(steps["pl.anthropic()"]).toMatchObject(missing("@anthropic-ai/sdk"));
    expect(steps["run openai, installed"]).toMatchObject({ ok: true, value: expect.any(Number) });
    expect(steps["run anthropic, installed"]).toMatchObject({ ok: true, value: expect.any(Number) });
  });
});
