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

describe("f-string edge cases render the same on the backend and in the cache", () => {
  it.each([
    ["a non-ASCII variable name", "Hola {nombre_ñ}", { nombre_ñ: "Ana" }],
    ["a float spec on a string (Python refuses: the text is kept)", "Price {x:.2f}", { x: "abc" }],
    ["an integer spec on a float (Python refuses: the text is kept)", "Count {x:d}", { x: 1.5 }],
    ["format specs Python accepts", "{n:>6.1f}|{n:,}|{s!r}|{s:^7}", { n: 12345.678, s: "hi" }],
    ["JSON braces and escaped braces", 'Return {"a": {v}} and {{literal}}', { v: 1 }],
    ["attribute and index access", "{user.name} / {items[1]}", { user: { name: "Bo" }, items: ["a", "b"] }],
  ])("%s", async (_label, text, inputVariables) => {
    const name = `edge-${Math.random().toString(36).slice(2, 8)}`;
    await uncached.templates.publish({
      promptName: name,
      promptTemplate: { type: "chat", input_variables: [], messages: [message("user", text, "f-string")] },
      metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } },
    });
    const fromService = shape(await uncached.templates.get(name, { inputVariables }));
    await cached.templates.get(name, { inputVariables });
    const fromCache = await cached.templates.fetch(name, { inputVariables });
    expect(fromCache.cacheHit).toBe(true);
    expect(shape(fromCache.template)).toEqual(fromService);
  });
});
