import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PromptLayer, PromptLayerAuthenticationError, PromptLayerConnectionError, PromptLayerNotFoundError, PromptLayerValidationError, VERSION } from "../../src/index.js";
import { createConsoleLogger, setLogger } from "../../src/logger.js";
import { chatTemplate, startClientTestServer, TEST_PL_KEY, type ClientTestServer } from "../helpers/client-server.js";

let server: ClientTestServer;
let pl: PromptLayer;

const noWait = { sleep: async () => {} };

beforeAll(async () => {
  server = await startClientTestServer();
  pl = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: `${server.url}/` }, noWait);
  setLogger(createConsoleLogger("none"));
});
afterEach(() => {
  server.reset();
  server.templates.clear();
});
afterAll(async () => {
  setLogger(createConsoleLogger());
  await server.close();
});

const gpt = { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions" };
const firstText = (t: { prompt_template: { type: string; messages?: unknown } } | null) =>
  ((t!.prompt_template as { messages: Array<{ content: Array<{ text: string }> }> }).messages[0]!.content[0]!.text);

describe("templates", () => {
  it("gets a template by a name that needs URL encoding, sending camelCase parameters as the service's snake_case", async () => {
    server.addTemplate(chatTemplate(11, "support/reply: v2?#", gpt, [{ role: "user", text: "Hi {name}" }], { labels: ["prod"] }));
    const t = await pl.templates.get("support/reply: v2?#", { label: "prod", inputVariables: { name: "Ada" }, provider: "openai", model: "gpt-4o", metadataFilters: { plan: "pro" }, modelParameterOverrides: { temperature: 0 } });
    expect(t).toMatchObject({ id: 11, prompt_name: "support/reply: v2?#", version: 1, llm_kwargs: { model: "gpt-4o", messages: [{ role: "user", content: "Hi Ada" }] } });
    const [call] = server.calls;
    expect(call!.path).toBe("/prompt-templates/support%2Freply%3A%20v2%3F%23");
    expect(call!.body).toEqual({ label: "prod", input_variables: { name: "Ada" }, provider: "openai", model: "gpt-4o", metadata_filters: { plan: "pro" }, model_parameter_overrides: { temperature: 0 } });
    expect(call!.headers["x-api-key"]).toBe(TEST_PL_KEY);
    expect(call!.headers["user-agent"]).toMatch(new RegExp(`^promptlayer-otel/${VERSION.replace(/\./g, "\\.")} \\(node \\d+\\.\\d+\\)$`));
    expect(call!.headers["x-sdk-version"]).toBe(VERSION);
  });

  it("throws PromptLayerNotFoundError for an unknown template, and returns null instead when throwOnError is false", async () => {
    await expect(pl.templates.get("missing")).rejects.toBeInstanceOf(PromptLayerNotFoundError);
    const lenient = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: server.url, throwOnError: false }, noWait);
    await expect(lenient.templates.get("missing")).resolves.toBeNull();
    await expect(lenient.templates.all({ page: 99, perPage: 0 })).resolves.toEqual([]);
  });

  it("lists one page with all() and every page with iterate()", async () => {
    for (let i = 1; i <= 5; i++) server.addTemplate(chatTemplate(i, `t${i}`, gpt, [{ role: "user", text: "x" }]));
    expect((await pl.templates.all({ perPage: 2 })).map((t) => t.prompt_name)).toEqual(["t1", "t2"]);
    const names: string[] = [];
    for await (const t of pl.templates.iterate({ perPage: 2, tags: ["a", "b"], status: "active" })) names.push(t.prompt_name);
    expect(names).toEqual(["t1", "t2", "t3", "t4", "t5"]);
    const queries = server.callsTo("/prompt-templates").slice(1).map((c) => c.query.toString());
    expect(queries).toEqual(["page=1&per_page=2&tags=a&tags=b&status=active", "page=2&per_page=2&tags=a&tags=b&status=active", "page=3&per_page=2&tags=a&tags=b&status=active"]);
  });

  it("publishes in the service's shape and drops the name from the cache", async () => {
    const cached = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: server.url, cacheTtlSeconds: 600 }, noWait);
    server.addTemplate(chatTemplate(21, "greet", gpt, [{ role: "user", text: "v1 {name}" }]));
    expect(firstText(await cached.templates.get("greet", { inputVariables: { name: "A" } }))).toBe("v1 A");
    const published = await cached.templates.publish({
      promptName: "greet",
      promptTemplate: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "v2 {name}" }], template_format: "f-string", input_variables: ["name"] }] },
      tags: ["demo"],
      commitMessage: "second",
      metadata: { model: gpt },
      releaseLabels: ["prod"],
    });
    expect(published).toMatchObject({ id: 21, prompt_name: "greet", version_number: 2 });
    const body = server.callsTo("/rest/prompt-templates")[0]!.body;
    expect(body).toEqual({
      prompt_template: { prompt_name: "greet", tags: ["demo"] },
      prompt_version: { prompt_template: expect.objectContaining({ type: "chat" }), commit_message: "second", metadata: { model: gpt } },
      release_labels: ["prod"],
    });
    expect(firstText(await cached.templates.get("greet", { inputVariables: { name: "B" } }))).toBe("v2 B");
  });

  it("publish returns null with a warning when throwOnError is false, for a refusal and for invalid input, and still drops the cache", async () => {
    const warnings: string[] = [];
    const logger = { ...createConsoleLogger("none"), warn: (m: string) => void warnings.push(m) };
    const lenient = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: server.url, throwOnError: false, cacheTtlSeconds: 600, logger }, noWait);
    const template = { type: "chat" as const, messages: [{ role: "user", content: [{ type: "text", text: "v2" }] }] };
    server.addTemplate(chatTemplate(22, "lenient", gpt, [{ role: "user", text: "v1" }]));
    expect(firstText(await lenient.templates.get("lenient"))).toBe("v1");

    // The service fails for good (after the retries) but may have stored the version meanwhile.
    server.fault({ pathPrefix: "/rest/prompt-templates", status: 500, times: 4 });
    server.templates.get("lenient")!.versions.push({ version: 2, prompt_template: template, metadata: { model: gpt } });
    await expect(lenient.templates.publish({ promptName: "lenient", promptTemplate: template })).resolves.toBeNull();
    expect(warnings).toEqual([expect.stringMatching(/^templates\.publish\("lenient"\) failed: .*500/)]);
    expect(server.callsTo("/rest/prompt-templates")).toHaveLength(4);
    expect(firstText(await lenient.templates.get("lenient"))).toBe("v2"); // not the cached v1

    // Invalid input: null at once, nothing sent.
    await expect(lenient.templates.publish({ promptName: "lenient", promptTemplate: template, commitMessage: "x".repeat(73) })).resolves.toBeNull();
    expect(warnings[1]).toMatch(/^templates\.publish\("lenient"\) failed: Invalid commitMessage/);
    expect(server.callsTo("/rest/prompt-templates")).toHaveLength(4);
    // The same calls throw by default.
    await expect(pl.templates.publish({ promptName: "lenient", promptTemplate: template, commitMessage: "x".repeat(73) })).rejects.toBeInstanceOf(PromptLayerValidationError);
  });

  it("serves cached templates rendered locally (f-string and jinja2) and falls back to the stale copy while the service fails", async () => {
    let now = 0;
    const cached = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: server.url, cacheTtlSeconds: 30 }, { ...noWait, now: () => now });
    server.addTemplate(chatTemplate(31, "mixed", gpt, [{ role: "system", text: "Tone: {tone}" }, { role: "user", text: "{% for i in items %}[{{ i }}]{% endfor %}", format: "jinja2" }]));
    const a = await cached.templates.get("mixed", { inputVariables: { tone: "calm", items: [1, 2] } });
    const b = await cached.templates.get("mixed", { inputVariables: { tone: "bold", items: ["x"] } });
    const texts = (t: typeof a) => (t!.prompt_template as { messages: Array<{ content: Array<{ text: string }> }> }).messages.map((m) => m.content[0]!.text);
    expect(texts(a)).toEqual(["Tone: calm", "[1][2]"]);
    expect(texts(b)).toEqual(["Tone: bold", "[x]"]);
    expect(server.callsTo("/prompt-templates/mixed")).toHaveLength(1);
    expect(server.callsTo("/prompt-templates/mixed")[0]!.body).toEqual({ skip_input_variable_rendering: true });

    now += 31_000;
    server.fault({ pathPrefix: "/prompt-templates/mixed", status: 502, times: 4 });
    expect(texts(await cached.templates.get("mixed", { inputVariables: { tone: "stale", items: [] } }))).toEqual(["Tone: stale", ""]);
    expect(server.callsTo("/prompt-templates/mixed")).toHaveLength(5);
  });

  it("renders a cached template mixing f-string and jinja2 exactly as the service does, with the provider's layout (Anthropic)", async () => {
    server.addTemplate(chatTemplate(32, "mixed-claude", gpt, [{ role: "system", text: "Tone: {tone}" }, { role: "user", text: "Hello {{ name }}", format: "jinja2" }]));
    const params = { inputVariables: { tone: "calm", name: "Ada" }, provider: "anthropic" };
    const cached = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: server.url, cacheTtlSeconds: 60 }, noWait);
    const local = await cached.templates.get("mixed-claude", params);
    expect(server.callsTo("/prompt-templates/mixed-claude").at(-1)!.body).toMatchObject({ skip_input_variable_rendering: true });
    const fromService = await pl.templates.get("mixed-claude", params);
    expect(fromService!.llm_kwargs).toMatchObject({ system: "Tone: calm", messages: [{ role: "user", content: [{ type: "text", text: "Hello Ada" }] }] });
    expect(local!.llm_kwargs).toEqual(fromService!.llm_kwargs);
    expect(local!.prompt_template).toEqual(fromService!.prompt_template);
  });

  it("fails with PromptLayerConnectionError at once when the service is unreachable", async () => {
    const offline = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: "http://127.0.0.1:1" }, noWait);
    await expect(offline.templates.get("x")).rejects.toBeInstanceOf(PromptLayerConnectionError);
  });

  it("maps the service's 401 to PromptLayerAuthenticationError", async () => {
    const wrongKey = new PromptLayer({ apiKey: "pl_wrong", baseURL: server.url }, noWait);
    const error = await wrongKey.templates.get("x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromptLayerAuthenticationError);
    expect((error as PromptLayerAuthenticationError).body).toEqual({ success: false, message: "Invalid API key" });
  });
});

describe("request log and annotations", () => {
  it("logs a request and returns the service's row with its id", async () => {
    const row = await pl.logRequest({
      provider: "openai",
      model: "gpt-4o",
      input: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
      output: { type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text: "hello" }] }] },
      requestStartTime: new Date("2026-01-01T00:00:00Z"),
      requestEndTime: new Date("2026-01-01T00:00:01Z"),
      tags: ["a"],
      metadata: { user: "u1" },
      promptId: 3,
      promptVersionNumber: 1,
    });
    expect(row).toMatchObject({ id: expect.any(Number), prompt_id: 3, prompt_version: { prompt_template: { type: "chat" } } });
    const call = server.callsTo("/log-request")[0]!;
    expect(call.headers["x-api-key"]).toBe(TEST_PL_KEY);
    expect(call.body).toMatchObject({ request_start_time: "2026-01-01T00:00:00.000Z", prompt_id: 3, prompt_version_number: 1, tags: ["a"] });
    expect(call.body).not.toHaveProperty("api_key");
  });

  it("tracks metadata, score, prompt and group with the key in the body (legacy endpoints)", async () => {
    const groupId = await pl.group.create();
    expect(groupId).toEqual(expect.any(Number));
    await expect(pl.track.metadata({ requestId: 5, metadata: { env: "test" } })).resolves.toBe(true);
    await expect(pl.track.score({ requestId: 5, score: 80, name: "accuracy" })).resolves.toBe(true);
    await expect(pl.track.prompt({ requestId: 5, promptName: "p", promptInputVariables: { a: 1 }, label: "prod" })).resolves.toBe(true);
    await expect(pl.track.group({ requestId: 5, groupId: groupId as number })).resolves.toBe(true);
    expect(server.calls.map((c) => [c.path, c.body])).toEqual([
      ["/create-group", { api_key: TEST_PL_KEY }],
      ["/library-track-metadata", { request_id: 5, metadata: { env: "test" }, api_key: TEST_PL_KEY }],
      ["/library-track-score", { request_id: 5, score: 80, name: "accuracy", api_key: TEST_PL_KEY }],
      ["/library-track-prompt", { request_id: 5, prompt_name: "p", prompt_input_variables: { a: 1 }, label: "prod", api_key: TEST_PL_KEY }],
      ["/track-group", { request_id: 5, group_id: groupId, api_key: TEST_PL_KEY }],
    ]);
  });

  it("returns false from track and group calls that fail when throwOnError is false", async () => {
    const lenient = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: server.url, throwOnError: false }, noWait);
    server.fault({ pathPrefix: "/library-track-score", status: 400, times: 1 });
    server.fault({ pathPrefix: "/create-group", status: 500, times: 4 });
    await expect(lenient.track.score({ requestId: 1, score: 1 })).resolves.toBe(false);
    await expect(lenient.group.create()).resolves.toBe(false);
  });
});
