import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, KEY, publish, startBackend, type Client } from "./backend-helpers.js";

let client: Client;
beforeAll(async () => {
  client = await startBackend();
  await publish(client, "tracked", chatTemplate([{ role: "user", text: "Hi {name}" }]), { release_labels: ["prod"] });
});
afterAll(() => client.backend.close());

const chat = (text: string) => ({ type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text }] }] });
const validLog = {
  provider: "openai",
  model: "gpt-4o-mini",
  input: chatTemplate([{ role: "user", text: "Hello" }]),
  output: chat("Hi there"),
  request_start_time: "2026-01-02T03:04:05Z",
  request_end_time: 1767323046.5,
};

describe("POST /log-request", () => {
  it("stores a log and answers 201 with the full request-log row", async () => {
    const res = await client.call("POST", "/log-request", { ...validLog, tags: ["t1"], metadata: { env: "test" }, input_tokens: 5, output_tokens: 7, prompt_name: "tracked", prompt_version_number: 1, prompt_input_variables: { name: "Ann" }, score: 80 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(Number),
      provider_type: "openai",
      engine: "gpt-4o-mini",
      input_tokens: 5,
      output_tokens: 7,
      tokens: 12,
      tags_array: ["t1"],
      metadata: [{ env: "test" }],
      score: 80,
      scores: [{ name: "default", score: 80 }],
      prompt_version_number: 1,
      prompt_input_variables: { name: "Ann" },
      request_start_time: "2026-01-02T03:04:05.000",
      request_end_time: "2026-01-02T03:04:06.500",
      response_string: "Hi there",
      status: "SUCCESS",
    });
    expect(res.body.prompt_version.prompt_template.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant"]);
    expect(res.body.prompt_version.metadata.model).toMatchObject({ provider: "openai", name: "gpt-4o-mini", parameters: {} });
    const stored = client.backend.store.requests.get(res.body.id)!;
    expect(stored.source).toBe("log-request");
    expect(stored.promptId).toBe(client.backend.store.templates.find("tracked")!.id);
  });

  it("answers 422 listing every missing required field", async () => {
    const res = await client.call("POST", "/log-request", {});
    expect(res.status).toBe(422);
    expect(res.body.detail.map((d: { loc: string[] }) => d.loc[1]).sort()).toEqual(["input", "model", "output", "provider", "request_end_time", "request_start_time"]);
    for (const d of res.body.detail) expect(d).toMatchObject({ msg: "Field required", type: "missing" });
  });

  it("answers 422 for wrong types and ranges", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ score: 101 }, "score"],
      [{ score: 5.5 }, "score"],
      [{ metadata: { k: 1 } }, "metadata"],
      [{ tags: "t" }, "tags"],
      [{ input_tokens: -1 }, "input_tokens"],
      [{ price: "free" }, "price"],
      [{ status: "MAYBE" }, "status"],
      [{ prompt_version_number: 0 }, "prompt_version_number"],
      [{ request_start_time: "yesterday" }, "request_start_time"],
      [{ error_message: "e".repeat(1025) }, "error_message"],
      [{ status: "SUCCESS", error_type: "PROVIDER_TIMEOUT" }, "error_type"],
      [{ input: { type: "chat", messages: "no" } }, "input"],
    ];
    for (const [patch, field] of cases) {
      const res = await client.call("POST", "/log-request", { ...validLog, ...patch });
      expect(res.status, field).toBe(422);
      expect(res.body.detail[0].loc[1], JSON.stringify(patch)).toBe(field);
    }
  });

  it("answers 404 for an unknown prompt name", async () => {
    const res = await client.call("POST", "/log-request", { ...validLog, prompt_name: "ghost" });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, message: "Prompt template 'ghost' not found", error: "Prompt template 'ghost' not found" });
  });
});

const trackBody = {
  function_name: "openai.chat.completions.create",
  provider_type: "openai",
  args: [],
  kwargs: { model: "gpt-4o-mini", messages: [{ role: "system", content: "Be kind" }, { role: "user", content: [{ type: "text", text: "Hi Ann" }] }], temperature: 0.5, stream: false },
  request_response: {
    id: "chatcmpl-1",
    object: "chat.completion",
    model: "gpt-4o-mini",
    choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hello Ann!" } }],
    usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
  },
  request_start_time: "2026-01-02T03:04:05.000Z",
  request_end_time: "2026-01-02T03:04:06.000Z",
  api_key: KEY,
  tags: ["run"],
  metadata: { user_id: "u1" },
  prompt_id: 0,
  prompt_version: 1,
  prompt_input_variables: { name: "Ann" },
  group_id: null,
  return_prompt_blueprint: true,
  span_id: "00f067aa0ba902b7",
};

describe("POST /track-request", () => {
  it("stores a request row and returns the blueprint with the reply appended", async () => {
    const promptId = client.backend.store.templates.find("tracked")!.id;
    const res = await client.call("POST", "/track-request", { ...trackBody, prompt_id: promptId }, { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, request_id: expect.any(Number), message: "Request tracked successfully" });
    const messages = res.body.prompt_blueprint.prompt_template.messages;
    expect(messages.map((m: { role: string; content: Array<{ text: string }> }) => [m.role, m.content[0]!.text])).toEqual([
      ["system", "Be kind"],
      ["user", "Hi Ann"],
      ["assistant", "Hello Ann!"],
    ]);
    expect(res.body.prompt_blueprint.metadata.model).toMatchObject({ provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.5, stream: false }, display_params: { temperature: "0.5", stream: false }, api_type: "chat-completions" });

    const row = client.backend.store.requests.get(res.body.request_id)!;
    expect(row).toMatchObject({
      source: "track-request",
      providerType: "openai",
      engine: "gpt-4o-mini",
      inputTokens: 11,
      outputTokens: 3,
      promptId,
      promptVersionNumber: 1,
      spanId: "00f067aa0ba902b7",
      tags: ["run"],
      metadata: { user_id: "u1" },
      status: "SUCCESS",
    });
  });

  it("answers with a null blueprint unless asked, and reads Anthropic calls", async () => {
    const res = await client.call("POST", "/track-request", {
      function_name: "anthropic.messages.create",
      provider_type: "anthropic",
      kwargs: { model: "claude-haiku-4-5", max_tokens: 100, system: "Sys", messages: [{ role: "user", content: "Q?" }] },
      request_response: { content: [{ type: "text", text: "A." }], usage: { input_tokens: 4, output_tokens: 2 } },
      request_start_time: 1767323045,
      request_end_time: 1767323046,
      api_key: KEY,
    }, { key: null });
    expect(res.body.prompt_blueprint).toBeNull();
    const row = client.backend.store.requests.get(res.body.request_id)!;
    expect(row.promptBlueprint!.prompt_template).toMatchObject({ messages: [{ role: "system" }, { role: "user" }, { role: "assistant", content: [{ type: "text", text: "A." }] }] });
    expect([row.inputTokens, row.outputTokens]).toEqual([4, 2]);
  });

  it("logs provider failures with their error type and keeps 1024 characters of the message", async () => {
    const res = await client.call("POST", "/track-request", { ...trackBody, prompt_id: undefined, request_response: {}, status: "ERROR", error_type: "PROVIDER_AUTH_ERROR", error_message: "x".repeat(2000) }, { key: null });
    expect(res.status).toBe(200);
    const row = client.backend.store.requests.get(res.body.request_id)!;
    expect(row).toMatchObject({ status: "ERROR", errorType: "PROVIDER_AUTH_ERROR" });
    expect(row.errorMessage).toHaveLength(1024);
  });

  it("answers 422 for a missing kwargs or function_name and 404 for an unknown prompt or group", async () => {
    const missing = await client.call("POST", "/track-request", { api_key: KEY, request_start_time: 1, request_end_time: 2 }, { key: null });
    expect(missing.status).toBe(422);
    expect(missing.body.detail.map((d: { loc: string[] }) => d.loc[1]).sort()).toEqual(["function_name", "kwargs"]);
    expect((await client.call("POST", "/track-request", { ...trackBody, prompt_id: 9999 }, { key: null })).status).toBe(404);
    expect((await client.call("POST", "/track-request", { ...trackBody, prompt_id: undefined, group_id: 9999 }, { key: null })).status).toBe(404);
  });
});

describe("annotating requests", () => {
  let requestId: number;
  beforeAll(async () => {
    requestId = (await client.call("POST", "/track-request", { ...trackBody, prompt_id: undefined }, { key: null })).body.request_id;
  });
  const legacy = (path: string, body: Record<string, unknown>) => client.call("POST", path, { ...body, api_key: KEY }, { key: null });

  it("merges metadata", async () => {
    expect((await legacy("/library-track-metadata", { request_id: requestId, metadata: { a: "1" } })).body).toEqual({ success: true });
    await legacy("/library-track-metadata", { request_id: requestId, metadata: { b: "2" } });
    expect(client.backend.store.requests.get(requestId)!.metadata).toEqual({ user_id: "u1", a: "1", b: "2" });
    const bad = await legacy("/library-track-metadata", { request_id: requestId, metadata: { n: 5 } });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "metadata", "n"]);
  });

  it("records named and default scores, integers 0..100 only", async () => {
    expect((await legacy("/library-track-score", { request_id: requestId, score: 90 })).body).toEqual({ success: true });
    await legacy("/library-track-score", { request_id: requestId, score: 10, name: "accuracy" });
    expect(client.backend.store.requests.scores(requestId)).toEqual([
      { name: "accuracy", score: 10 },
      { name: "default", score: 90 },
    ]);
    expect(client.backend.store.requests.get(requestId)!.score).toBe(90);
    for (const score of [101, -1, 50.5, "high"]) expect((await legacy("/library-track-score", { request_id: requestId, score })).status, String(score)).toBe(422);
  });

  it("links a prompt by version or label", async () => {
    expect((await legacy("/library-track-prompt", { request_id: requestId, prompt_name: "tracked", prompt_input_variables: { name: "Bo" }, label: "prod" })).body).toEqual({ success: true });
    const row = client.backend.store.requests.get(requestId)!;
    expect(row.promptVersionNumber).toBe(1);
    expect(row.promptInputVariables).toEqual({ name: "Bo" });
    expect((await legacy("/library-track-prompt", { request_id: requestId, prompt_name: "ghost", prompt_input_variables: {} })).status).toBe(404);
    expect((await legacy("/library-track-prompt", { request_id: requestId, prompt_name: "tracked", prompt_input_variables: [] })).status).toBe(422);
  });

  it("creates groups and adds requests to them", async () => {
    const group = (await legacy("/create-group", {})).body.id;
    expect((await legacy("/track-group", { request_id: requestId, group_id: group })).body).toEqual({ success: true });
    expect(client.backend.store.requests.groups(requestId)).toEqual([group]);
    expect((await legacy("/track-group", { request_id: requestId, group_id: 9999 })).status).toBe(404);
  });

  it("answers 404 for an unknown request id on every annotation route", async () => {
    for (const [path, body] of [
      ["/library-track-metadata", { metadata: { a: "b" } }],
      ["/library-track-score", { score: 1 }],
      ["/library-track-prompt", { prompt_name: "tracked", prompt_input_variables: {} }],
      ["/track-group", { group_id: 1 }],
    ] as const) {
      const res = await legacy(path, { request_id: 424242, ...body });
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual({ success: false, message: "Request 424242 not found", error: "Request 424242 not found" });
    }
  });

  it("offers the header-auth twins under /rest", async () => {
    const res = await client.call("POST", "/rest/track-score", { request_id: requestId, score: 42, name: "rest" });
    expect(res.body).toEqual({ success: true, message: "Score tracked successfully" });
    expect((await client.call("POST", "/rest/track-score", { request_id: requestId, score: 42, api_key: KEY }, { key: null })).status).toBe(401);
  });
});
