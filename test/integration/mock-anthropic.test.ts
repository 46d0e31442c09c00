import Anthropic from "@anthropic-ai/sdk";
import AnthropicV0 from "anthropic-v0-137";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_CHUNKS_HEADER, MOCK_CUT_AFTER_HEADER, MOCK_STATUS_HEADER, startMockModelServer, type MockModelServer } from "../../local/mock/index.js";

let server: MockModelServer;
let client: Anthropic;
beforeAll(async () => {
  server = await startMockModelServer();
  client = new Anthropic({ apiKey: "sk-ant-test", baseURL: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

const model = "claude-haiku-4-5";
const weatherTool = {
  name: "get_weather",
  description: "Current weather",
  input_schema: { type: "object" as const, properties: { location: { type: "string" }, days: { type: "integer", minimum: 1 } }, required: ["location", "days"] },
};

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...headers }, body: JSON.stringify(body) });

describe("messages", () => {
  it("answers with a Message: text block, end_turn, separate usage counters and a request-id header", async () => {
    const { data: message, response } = await client.messages
      .create({ model, max_tokens: 256, system: "You are terse.", messages: [{ role: "user", content: "Hello there, Claude" }] })
      .withResponse();
    expect(message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(message).toMatchObject({ type: "message", role: "assistant", model, stop_reason: "end_turn", stop_sequence: null });
    expect(message.content).toEqual([{ type: "text", text: "Mock reply to: Hello there, Claude", citations: null }]);
    expect(message.usage).toMatchObject({
      input_tokens: Math.ceil("You are terse.\nHello there, Claude".length / 4),
      output_tokens: Math.ceil("Mock reply to: Hello there, Claude".length / 4),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
    expect(response.headers.get("request-id")).toMatch(/^req_011/);
    expect(server.requests.at(-1)!.path).toBe("/v1/messages");
  });

  it("stops at max_tokens with a truncated text block", async () => {
    const message = await client.messages.create({ model, max_tokens: 2, messages: [{ role: "user", content: "a long question indeed" }] });
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.content[0]).toMatchObject({ type: "text", text: "Mock rep" });
    expect(message.usage.output_tokens).toBe(2);
  });

  it("streams raw events in Anthropic's order with stream: true", async () => {
    const stream = await client.messages.create({ model, max_tokens: 256, stream: true, messages: [{ role: "user", content: "stream it" }] });
    const events = [];
    for await (const event of stream) events.push(event);
    const types = events.map((e) => e.type);
    expect(types).toEqual([
      "message_start",
      "content_block_start",
      ...Array<string>(5).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const start = events[0]!;
    if (start.type !== "message_start") throw new Error("expected message_start");
    expect(start.message.content).toEqual([]);
    expect(start.message.stop_reason).toBeNull();
    expect(start.message.usage.input_tokens).toBe(Math.ceil("stream it".length / 4));
    const text = events.flatMap((e) => (e.type === "content_block_delta" && e.delta.type === "text_delta" ? [e.delta.text] : [])).join("");
    expect(text).toBe("Mock reply to: stream it");
    const delta = events.at(-2)!;
    if (delta.type !== "message_delta") throw new Error("expected message_delta");
    expect(delta.delta).toMatchObject({ stop_reason: "end_turn", stop_sequence: null });
    expect(delta.usage.output_tokens).toBe(Math.ceil(text.length / 4));

    // The SDK drops pings; the wire has one right after message_start.
    const raw = await (await post("/v1/messages", { model, max_tokens: 64, stream: true, messages: [{ role: "user", content: "stream it" }] }, { "x-api-key": "k" })).text();
    const wireTypes = [...raw.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(wireTypes.slice(0, 3)).toEqual(["message_start", "ping", "content_block_start"]);
  });

  it("supports messages.stream() with on('text') and finalMessage()", async () => {
    const texts: string[] = [];
    const stream = client.messages.stream({ model, max_tokens: 256, messages: [{ role: "user", content: "helper stream" }] }, { headers: { [MOCK_CHUNKS_HEADER]: "50" } });
    stream.on("text", (delta) => void texts.push(delta));
    const final = await stream.finalMessage();
    expect(texts).toHaveLength(50);
    expect(final.content[0]).toMatchObject({ type: "text", text: texts.join("") });
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.output_tokens).toBe(Math.ceil(texts.join("").length / 4));
  });

  it("runs a tool_use round trip: schema-derived input, then a reply quoting the tool_result", async () => {
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "What's the weather in Paris?" }];
    const first = await client.messages.create({ model, max_tokens: 256, tools: [weatherTool], messages });
    expect(first.stop_reason).toBe("tool_use");
    const use = first.content[0]!;
    if (use.type !== "tool_use") throw new Error("expected tool_use");
    expect(use.id).toMatch(/^toolu_01/);
    expect(use.name).toBe("get_weather");
    expect(use.input).toEqual({ location: "Paris", days: 1 });

    messages.push({ role: "assistant", content: first.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "Rainy, 12°C" }] });
    const second = await client.messages.create({ model, max_tokens: 256, tools: [weatherTool], messages });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content[0]).toMatchObject({ type: "text" });
    expect((second.content[0] as Anthropic.TextBlock).text).toContain("Rainy, 12°C");

    const streamed = await client.messages.stream({ model, max_tokens: 256, tools: [weatherTool], messages: messages.slice(0, 1) }).finalMessage();
    expect(streamed.content[0]).toMatchObject({ type: "tool_use", name: "get_weather", input: { location: "Paris", days: 1 } });
    expect(streamed.stop_reason).toBe("tool_use");
  });

  it("puts a signed thinking block first when extended thinking is enabled, streamed or not", async () => {
    const params = { model, max_tokens: 2048, thinking: { type: "enabled" as const, budget_tokens: 1024 }, messages: [{ role: "user" as const, content: "Think first" }] };
    const message = await client.messages.create(params);
    expect(message.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    const thinking = message.content[0]!;
    if (thinking.type !== "thinking") throw new Error("expected thinking");
    expect(thinking.thinking).toBe("Thinking about: Think first");
    expect(thinking.signature.length).toBeGreaterThan(40);

    const thoughts: string[] = [];
    const stream = client.messages.stream(params);
    stream.on("thinking", (delta) => void thoughts.push(delta));
    const final = await stream.finalMessage();
    expect(thoughts.join("")).toBe(thinking.thinking);
    // Signatures derive from the request hash, and a streamed request differs from a plain one.
    expect(final.content[0]).toEqual({ type: "thinking", thinking: thinking.thinking, signature: expect.stringMatching(/^[A-Za-z0-9+/]{40,}={0,2}$/) });
    expect(final.usage.output_tokens).toBe(message.usage.output_tokens);
  });

  it("reports cache creation on the first cached prefix and cache reads on a repeat", async () => {
    const longSystem = "You are a meticulous assistant. ".repeat(20);
    const params = {
      model,
      max_tokens: 128,
      system: [{ type: "text" as const, text: longSystem, cache_control: { type: "ephemeral" as const } }],
      messages: [{ role: "user" as const, content: "cache test question" }],
    };
    const prefixTokens = Math.ceil(longSystem.length / 4);
    const total = Math.ceil(`${longSystem}\ncache test question`.length / 4);
    const first = await client.messages.create(params);
    expect(first.usage).toMatchObject({ cache_creation_input_tokens: prefixTokens, cache_read_input_tokens: 0, input_tokens: total - prefixTokens });
    const second = await client.messages.create(params);
    expect(second.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: prefixTokens, input_tokens: total - prefixTokens });
    const other = await client.messages.create({ ...params, system: [{ ...params.system[0]!, text: longSystem + "!" }] });
    expect(other.usage.cache_read_input_tokens).toBe(0);
    expect(other.usage.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it("counts input tokens via /v1/messages/count_tokens", async () => {
    const res = await client.messages.countTokens({ model, system: "abcd", messages: [{ role: "user", content: "12345678" }] });
    expect(res.input_tokens).toBe(Math.ceil("abcd\n12345678".length / 4));
    expect(server.requests.at(-1)!.path).toBe("/v1/messages/count_tokens");
  });

  it("serves beta.messages.create, including the ?beta=true path older SDKs post to", async () => {
    const message = await client.beta.messages.create({ model, max_tokens: 64, messages: [{ role: "user", content: "beta hello" }] });
    expect(message.content[0]).toMatchObject({ type: "text", text: "Mock reply to: beta hello" });
    // SDK 1.x posts beta calls to plain /v1/messages; 0.x appends ?beta=true.
    const old = new AnthropicV0({ apiKey: "sk-ant-old", baseURL: server.url, maxRetries: 0 });
    const oldMessage = await old.beta.messages.create({ model, max_tokens: 64, messages: [{ role: "user", content: "beta hello" }] });
    expect(server.requests.at(-1)!.url).toBe("/v1/messages?beta=true");
    expect(oldMessage.content).toEqual(message.content);
    const counted = await old.beta.messages.countTokens({ model, messages: [{ role: "user", content: "beta hello" }] });
    expect(server.requests.at(-1)!.url).toBe("/v1/messages/count_tokens?beta=true");
    expect(counted.input_tokens).toBe(Math.ceil("beta hello".length / 4));
  });

  it("rejects a forced 429 as Anthropic.RateLimitError with Anthropic's error body", async () => {
    const error = await client.messages
      .create({ model, max_tokens: 8, messages: [{ role: "user", content: "x" }] }, { headers: { [MOCK_STATUS_HEADER]: "429" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    const overloaded = await post("/v1/messages", { model, max_tokens: 8, messages: [{ role: "user", content: "x" }] }, { "x-api-key": "k", [MOCK_STATUS_HEADER]: "529" });
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  });

  it("answers 401 authentication_error without a key, and 400 invalid_request_error for malformed JSON", async () => {
    const unauth = await post("/v1/messages", { model, max_tokens: 8, messages: [{ role: "user", content: "x" }] });
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    const bad = await fetch(`${server.url}/v1/messages`, { method: "POST", headers: { "x-api-key": "k" }, body: "{oops" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });

  it("makes the SDK stream throw when x-mock-cut-after cuts the connection", async () => {
    const stream = await client.messages.create(
      { model, max_tokens: 64, stream: true, messages: [{ role: "user", content: "cut" }] },
      { headers: { [MOCK_CUT_AFTER_HEADER]: "4" } },
    );
    const types: string[] = [];
    await expect(
      (async () => {
        for await (const event of stream) types.push(event.type);
      })(),
    ).rejects.toThrow();
    // Four wire events: message_start, ping (dropped by the SDK), content_block_start, one delta.
    expect(types).toEqual(["message_start", "content_block_start", "content_block_delta"]);
  });
});

describe("older SDK majors", () => {
  it("@anthropic-ai/sdk 0.137 (x-api-key auth) parses the same messages and stream", async () => {
    const old = new AnthropicV0({ apiKey: "sk-ant-old", baseURL: server.url, maxRetries: 0 });
    const message = await old.messages.create({ model, max_tokens: 64, messages: [{ role: "user", content: "from v0" }] });
    expect(message.content[0]).toMatchObject({ type: "text", text: "Mock reply to: from v0" });
    expect(server.requests.at(-1)!.headers["x-api-key"]).toBe("sk-ant-old");
    const final = await old.messages.stream({ model, max_tokens: 64, messages: [{ role: "user", content: "from v0" }] }).finalMessage();
    expect(final.content[0]).toMatchObject({ type: "text", text: "Mock reply to: from v0" });
    expect(final.usage.output_tokens).toBe(message.usage.output_tokens);
  });
});
