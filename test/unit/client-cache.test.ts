import { describe, expect, it } from "vitest";
import { fallible } from "../../src/client/fallback.js";
import type { ApiRequest, ApiResponse, HttpClient } from "../../src/client/http.js";
import { bypassesCache, cacheKey, NON_RENDERABLE_TTL_MS, TemplateCache } from "../../src/client/templates/cache.js";
import { Templates } from "../../src/client/templates/index.js";
import type { PromptTemplate } from "../../src/client/types.js";
import {
  PromptLayerBadRequestError,
  PromptLayerConnectionError,
  PromptLayerInternalServerError,
  PromptLayerNotFoundError,
  PromptLayerRateLimitError,
  PromptLayerTimeoutError,
} from "../../src/errors.js";
import { createConsoleLogger, logger, setLogger } from "../../src/logger.js";

function tpl(text: string, extra: Partial<PromptTemplate> = {}): PromptTemplate {
  return {
    id: 1,
    prompt_name: "greet",
    version: 3,
    prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text }], template_format: "f-string" }] },
    llm_kwargs: { model: "gpt", messages: [{ role: "user", content: text }] },
    ...extra,
  };
}

/** A stand-in for the HTTP layer: records bodies, answers from a queue or a default. */
class FakeHttp {
  readonly logger = logger;
  readonly requests: ApiRequest[] = [];
  readonly queue: Array<PromptTemplate | Error> = [];
  constructor(public answer: PromptTemplate | Error) {}
  async request<T>(req: ApiRequest): Promise<ApiResponse<T>> {
    this.requests.push(req);
    const next = this.queue.shift() ?? this.answer;
    if (next instanceof Error) throw next;
    return { status: 200, data: structuredClone(next) as T };
  }
}

function setup(ttlSeconds = 60, answer: PromptTemplate = tpl("Hi {name}")) {
  let now = 1_000_000;
  const http = new FakeHttp(answer);
  const cache = new TemplateCache(ttlSeconds * 1000, () => now);
  const templates = new Templates(http as unknown as HttpClient, cache, fallible(true));
  return { http, cache, templates, advance: (ms: number) => (now += ms) };
}

const text = (t: PromptTemplate | null) => {
  const pt = t!.prompt_template;
  if (pt.type !== "chat") throw new Error("chat expected");
  return (pt.messages[0]!.content as Array<{ text: string }>)[0]!.text;
};

describe("cache key and bypass", () => {
  it("keys by name, version, label, provider and model only", () => {
    expect(cacheKey({ name: "a" })).toBe(cacheKey({ name: "a", version: undefined }));
    expect(new Set([cacheKey({ name: "a" }), cacheKey({ name: "a", version: 1 }), cacheKey({ name: "a", label: "prod" }), cacheKey({ name: "a", provider: "openai" }), cacheKey({ name: "a", model: "m" }), cacheKey({ name: "b" })]).size).toBe(6);
  });

  it("bypasses the cache for metadata filters and model parameter overrides, but not for empty ones", () => {
    expect(bypassesCache({ metadataFilters: { plan: "pro" } })).toBe(true);
    expect(bypassesCache({ modelParameterOverrides: { temperature: 0 } })).toBe(true);
    expect(bypassesCache({ metadataFilters: {}, modelParameterOverrides: {} })).toBe(false);
  });
});

describe("templates.get with the cache on", () => {
  it("fetches once without variables and with skip_input_variable_rendering, then renders each caller's variables locally", async () => {
    const { http, templates } = setup();
    expect(text(await templates.get("greet", { inputVariables: { name: "Ada" } }))).toBe("Hi Ada");
    expect(text(await templates.get("greet", { inputVariables: { name: "Bo" } }))).toBe("Hi Bo");
    expect(http.requests).toHaveLength(1);
    expect(http.requests[0]!.body).toEqual({ skip_input_variable_rendering: true });
    const again = await templates.fetch("greet", { inputVariables: { name: "Cy" } });
    expect(again.cacheHit).toBe(true);
    expect(again.template.llm_kwargs).toEqual({ model: "gpt", messages: [{ role: "user", content: "Hi Cy" }] });
  });

  it("stores a deep copy: changing a returned template does not change the next one", async () => {
    const { templates } = setup();
    const first = (await templates.get("greet"))!;
    if (first.prompt_template.type === "chat") first.prompt_template.messages[0]!.content = [{ type: "text", text: "tampered" }];
    expect(text(await templates.get("greet"))).toBe("Hi {name}"); // no variables: the raw text, as the service answers
  });

  it("refetches when the entry is older than the TTL", async () => {
    const { http, templates, advance } = setup(10);
    await templates.get("greet");
    advance(9_999);
    await templates.get("greet");
    expect(http.requests).toHaveLength(1);
    advance(1);
    await templates.get("greet");
    expect(http.requests).toHaveLength(2);
  });

  it("sends metadata filters and overrides to the service every time, with the variables", async () => {
    const { http, templates } = setup();
    await templates.get("greet", { inputVariables: { name: "A" }, metadataFilters: { plan: "pro" } });
    await templates.get("greet", { inputVariables: { name: "A" }, metadataFilters: { plan: "pro" } });
    expect(http.requests.map((r) => r.body)).toEqual([
      { input_variables: { name: "A" }, metadata_filters: { plan: "pro" } },
      { input_variables: { name: "A" }, metadata_filters: { plan: "pro" } },
    ]);
  });

  for (const error of [new PromptLayerInternalServerError("x", 503, null), new PromptLayerRateLimitError("x", 429, null), new PromptLayerConnectionError("x"), new PromptLayerTimeoutError("x", 1)]) {
    it(`serves the stale copy after a transient ${error.name}`, async () => {
      setLogger(createConsoleLogger("none"));
      const { http, templates, advance } = setup(10);
      await templates.get("greet", { inputVariables: { name: "Ada" } });
      advance(60_000);
      http.queue.push(error);
      const stale = await templates.fetch("greet", { inputVariables: { name: "Bo" } });
      expect(stale.cacheHit).toBe(true);
      expect(text(stale.template)).toBe("Hi Bo");
      setLogger(createConsoleLogger());
    });
  }

  it("does not hide errors that are answers (404, 400) behind a stale copy", async () => {
    for (const error of [new PromptLayerNotFoundError("gone", 404, null), new PromptLayerBadRequestError("bad", 400, null)]) {
      const { http, templates, advance } = setup(10);
      await templates.get("greet");
      advance(60_000);
      http.queue.push(error);
      await expect(templates.get("greet")).rejects.toBe(error);
    }
  });

  it("does not cache an answer an A/B release chose (ab_release), and reports its experiment", async () => {
    const { http, templates } = setup(60, tpl("Hi {name}", { ab_release: { label: "prod", version: 3, segment: "eu" } }));
    const first = await templates.fetch("greet", { label: "prod", inputVariables: { name: "Ada" } });
    const second = await templates.fetch("greet", { label: "prod", inputVariables: { name: "Bo" } });
    expect([first.cacheHit, second.cacheHit]).toEqual([false, false]);
    expect(http.requests).toHaveLength(2);
    expect(text(second.template)).toBe("Hi Bo");
    expect(second.template.experiment).toEqual({ label: "prod", variant: 3, segment: "eu" });
  });

  it("invalidates one name or everything", async () => {
    const { http, templates, cache } = setup();
    await templates.get("greet");
    await templates.get("other");
    expect(cache.size).toBe(2);
    templates.invalidate("greet");
    expect(cache.size).toBe(1);
    await templates.get("greet");
    expect(http.requests).toHaveLength(3);
    templates.invalidate();
    expect(cache.size).toBe(0);
  });

  it("asks the service to render templates with placeholders, and remembers that for at most 60 s", async () => {
    const withPlaceholder = tpl("Hi {name}");
    if (withPlaceholder.prompt_template.type === "chat") withPlaceholder.prompt_template.messages.push({ role: "placeholder", name: "history" });
    const { http, templates, advance } = setup(3600, withPlaceholder);
    await templates.get("greet", { inputVariables: { name: "Ada", history: [] } });
    expect(http.requests.map((r) => r.body)).toEqual([{ skip_input_variable_rendering: true }, { input_variables: { name: "Ada", history: [] } }]);
    await templates.get("greet", { inputVariables: { name: "Bo", history: [] } });
    expect(http.requests).toHaveLength(3);
    expect(http.requests[2]!.body).toEqual({ input_variables: { name: "Bo", history: [] } });
    advance(NON_RENDERABLE_TTL_MS);
    await templates.get("greet", { inputVariables: { name: "Cy", history: [] } });
    expect(http.requests[3]!.body).toEqual({ skip_input_variable_rendering: true });
  });

  it("holds at most 1000 entries and evicts the oldest", async () => {
    const cache = new TemplateCache(60_000);
    for (let i = 0; i < 1001; i++) cache.store(cacheKey({ name: `t${i}` }), `t${i}`, tpl("x"), true);
    expect(cache.size).toBe(1000);
    expect(cache.lookup(cacheKey({ name: "t0" }))).toBeUndefined();
    expect(cache.lookup(cacheKey({ name: "t1000" }))?.fresh).toBe(true);
  });

  it("is off when cacheTtlSeconds is 0: every get goes to the service with its variables", async () => {
    const { http, templates } = setup(0);
    await templates.get("greet", { inputVariables: { name: "A" } });
    await templates.get("greet", { inputVariables: { name: "A" } });
    expect(http.requests.map((r) => r.body)).toEqual([{ input_variables: { name: "A" } }, { input_variables: { name: "A" } }]);
  });
});
