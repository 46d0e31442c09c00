/**
 * The template cache renders locally what the service would render: the cached answer equals the
 * uncached one from the local backend, with and without input variables, in both formats.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { PromptLayer } from "../../src/client/index.js";

const KEY = "pl_cache_parity";
let backend: LocalBackend;
let cached: PromptLayer;
let uncached: PromptLayer;

const message = (role: "system" | "user", text: string, format: "f-string" | "jinja2") => ({
  role,
  input_variables: [],
  template_format: format,
  content: [{ type: "text" as const, text }],
});

beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", apiKey: KEY, log: () => {}, providers: {} });
  cached = new PromptLayer({ apiKey: KEY, baseURL: backend.url, cacheTtlSeconds: 600 });
  uncached = new PromptLayer({ apiKey: KEY, baseURL: backend.url });
  const metadata = { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } };
  await uncached.templates.publish({
    promptName: "tone",
    promptTemplate: { type: "chat", input_variables: [], messages: [message("system", "Tone: {tone}", "f-string"), message("user", "Hi {{ name }}", "jinja2")] },
    metadata,
  });
});
afterAll(() => backend.close());

const shape = (t: Awaited<ReturnType<PromptLayer["templates"]["get"]>>) => ({ prompt: t!.prompt_template, kwargs: t!.llm_kwargs });

describe("cached and uncached templates agree", () => {
  it.each([
    ["no input variables (the service leaves the text raw)", undefined],
    ["all variables", { tone: "dry", name: "Ada" }],
  ])("%s", async (_label, inputVariables) => {
    const fromService = shape(await uncached.templates.get("tone", inputVariables ? { inputVariables } : {}));
    await cached.templates.get("tone", inputVariables ? { inputVariables } : {}); // fills the cache
    const fromCache = await cached.templates.fetch("tone", inputVariables ? { inputVariables } : {});
    expect(fromCache.cacheHit).toBe(true);
    expect(shape(fromCache.template)).toEqual(fromService);
  });
});
