import * as anthropicModule from "@anthropic-ai/sdk";
import { trace } from "@opentelemetry/api";
import * as openaiModule from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AnthropicInstrumentation } from "../../instrumentations/anthropic/instrumentation.js";
import { OpenAIInstrumentation } from "../../instrumentations/openai/instrumentation.js";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { PromptLayer, type LoggedRequest } from "../../src/index.js";
import { startClientTestServer, TEST_PL_KEY, type ClientTestServer } from "../helpers/client-server.js";
import { withRequestContext } from "../../src/tracing/request-context.js";
import { parentOf, useMemoryTracing } from "../helpers/memory-tracing.js";

const tracing = useMemoryTracing();
const OPENAI_KEY = "sk-openai-WRAPPED-5e1f";
const ANTHROPIC_KEY = "sk-ant-WRAPPED-9d2c";

let server: ClientTestServer;
let mock: MockModelServer;
let pl: PromptLayer;
const logged: LoggedRequest[] = [];

beforeAll(async () => {
  new OpenAIInstrumentation({ enabled: false }).manuallyInstrument(openaiModule);
  new AnthropicInstrumentation({ enabled: false }).manuallyInstrument(anthropicModule);
  server = await startClientTestServer();
  mock = await startMockModelServer();
  pl = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: server.url });
});
afterEach(() => {
  server.reset();
  logged.length = 0;
});
afterAll(async () => {
  await Promise.all([server.close(), mock.close()]);
});

const tracked = async (n = 1) => {
  await expect.poll(() => server.callsTo("/track-request").length).toBe(n);
  return server.callsTo("/track-request").map((c) => c.body);
};

describe("pl.openai()", () => {
  it("returns an OpenAI subclass whose calls keep the SDK's APIPromise, drop pl_tags and are logged with them", async () => {
    const OpenAI = await pl.openai({ tags: ["from-class"], onRequestLogged: (r) => void logged.push(r) });
    const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${mock.url}/v1`, maxRetries: 0 });
    expect(client).toBeInstanceOf(openaiModule.OpenAI);

    const params = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "Hello there" }], pl_tags: ["per-call"] };
    const promise = client.chat.completions.create(params);
    expect(promise).toBeInstanceOf(openaiModule.APIPromise);
    const { data, response } = await promise.withResponse();
    expect(response.status).toBe(200);
    expect(data.choices[0]!.message.content).toContain("Mock reply to: Hello there");

    expect(mock.requests.at(-1)!.body).not.toHaveProperty("pl_tags");
    const [body] = await tracked();
    expect(body).toMatchObject({
      function_name: "openai.chat.completions.create",
      provider_type: "openai",
      tags: ["from-class", "per-call"],
      kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello there" }] },
      request_response: { id: data.id },
      api_key: TEST_PL_KEY,
    });
    expect(body!.kwargs).not.toHaveProperty("pl_tags");
    await expect.poll(() => logged.length).toBe(1);
    expect(logged[0]).toEqual({ request_id: expect.any(Number), function_name: "openai.chat.completions.create" });
    // Still traced by the instrumentation, as any client is.
    expect(tracing.byName("chat gpt-4o-mini")).toBeDefined();
  });

  it("logs a streamed call once the stream ends, with the chunks folded into one response", async () => {
    const OpenAI = await pl.openai();
    const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Stream it" }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    const [body] = await tracked();
    expect(body).toMatchObject({ kwargs: { stream: true }, request_response: { object: "chat.completion", choices: [{ message: { role: "assistant", content: text } }] } });
  });

  it("logs a stream cut by the network as an error, with the part that arrived", async () => {
    const OpenAI = await pl.openai();
    const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${mock.url}/v1`, maxRetries: 0, defaultHeaders: { "x-mock-cut-after": "3" } });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Cut me off" }], stream: true });
    let text = "";
    const failed = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().then(
      () => false,
      () => true,
    );
    expect(failed).toBe(true);
    const [body] = await tracked();
    expect(body).toMatchObject({ status: "ERROR", error_type: expect.any(String), request_response: { choices: [{ message: { content: text } }] } });
    expect(text.length).toBeGreaterThan(0);
  });

  it("leaves clients of the plain SDK class alone", async () => {
    await pl.openai();
    const plain = new openaiModule.OpenAI({ apiKey: OPENAI_KEY, baseURL: `${mock.url}/v1`, maxRetries: 0 });
    await plain.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    await new Promise((r) => setTimeout(r, 50));
    expect(server.callsTo("/track-request")).toHaveLength(0);
  });

  it("logs a failed call with its error type", async () => {
    const OpenAI = await pl.openai();
    const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${mock.url}/v1`, maxRetries: 0, defaultHeaders: { "x-mock-status": "429" } });
    await expect(client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(openaiModule.RateLimitError);
    const [body] = await tracked();
    expect(body).toMatchObject({ status: "ERROR", error_type: "PROVIDER_RATE_LIMIT", request_response: {} });
  });
});

describe("pl.anthropic()", () => {
  it("logs messages.create calls, streamed or not, with pl_tags removed before the provider sees them", async () => {
    const Anthropic = await pl.anthropic();
    const client = new Anthropic({ apiKey: ANTHROPIC_KEY, baseURL: mock.url, maxRetries: 0 });
    const params = { model: "claude-sonnet-5-5", max_tokens: 100, messages: [{ role: "user" as const, content: "Hi Claude" }], pl_tags: ["a"] };
    const message = await client.messages.create(params);
    const stream = await client.messages.create({ model: "claude-sonnet-5-5", max_tokens: 100, messages: [{ role: "user", content: "Stream Claude" }], stream: true });
    for await (const event of stream) void event;
    const bodies = await tracked(2);
    expect(bodies[0]).toMatchObject({ function_name: "anthropic.messages.create", provider_type: "anthropic", tags: ["a"], request_response: { id: message.id } });
    expect(bodies[1]).toMatchObject({ kwargs: { stream: true }, request_response: { type: "message", content: [{ type: "text", text: expect.stringContaining("Mock reply to: Stream Claude") }] } });
    expect(mock.requests.some((r) => JSON.stringify(r.body).includes("pl_tags"))).toBe(false);
    for (const call of server.calls) expect(call.raw + JSON.stringify(call.headers)).not.toMatch(/WRAPPED/);
  });
});

describe("with tracing on", () => {
  const MANAGED = "promptlayer.request_log.managed";
  const LOG_SPAN = "promptlayer.request_log.span_id";

  it("ties an OpenAI call's log to its model span, marked as already logged (one log, not two)", async () => {
    const OpenAI = await pl.openai();
    const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${mock.url}/v1`, maxRetries: 0 });
    // Inside an app span: the log belongs to the model span, not to the span around the call.
    const outerId = await trace.getTracer("app").startActiveSpan("handle request", async (outer) => {
      await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] });
      outer.end();
      return outer.spanContext().spanId;
    });
    const [body] = await tracked();
    const model = tracing.byName("chat gpt-4o-mini");
    const modelId = model.spanContext().spanId;
    expect(parentOf(model)).toBe(outerId);
    expect(body!.span_id).toBe(modelId);
    expect(model.attributes).toMatchObject({ [MANAGED]: true, [LOG_SPAN]: modelId });
    // The app's own span is not a model call and is left alone.
    expect(tracing.byName("handle request").attributes).not.toHaveProperty(MANAGED);
  });

  it("does the same for a streamed Anthropic call outside any app span", async () => {
    const Anthropic = await pl.anthropic();
    const client = new Anthropic({ apiKey: ANTHROPIC_KEY, baseURL: mock.url, maxRetries: 0 });
    const stream = await client.messages.create({ model: "claude-sonnet-5-5", max_tokens: 50, messages: [{ role: "user", content: "Stream" }], stream: true });
    for await (const event of stream) void event;
    const [body] = await tracked();
    const model = tracing.byName("chat claude-sonnet-5-5");
    expect(body!.span_id).toBe(model.spanContext().spanId);
    expect(model.attributes).toMatchObject({ [MANAGED]: true, [LOG_SPAN]: model.spanContext().spanId });
  });

  it("ties concurrent calls each to its own model span", async () => {
    const OpenAI = await pl.openai();
    const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${mock.url}/v1`, maxRetries: 0 });
    await Promise.all(["a", "b", "c"].map((m) => client.chat.completions.create({ model: `gpt-${m}`, messages: [{ role: "user", content: m }] })));
    const bodies = await tracked(3);
    for (const m of ["a", "b", "c"]) {
      const model = tracing.byName(`chat gpt-${m}`);
      const body = bodies.find((b) => (b.kwargs as { model: string }).model === `gpt-${m}`)!;
      expect(body.span_id).toBe(model.spanContext().spanId);
      expect(model.attributes[LOG_SPAN]).toBe(model.spanContext().spanId);
    }
  });

  it("logs the request context's metadata, ids and tags with the call (class tags, context tags, pl_tags)", async () => {
    const OpenAI = await pl.openai({ tags: ["from-class"] });
    const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const params = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hi" }], pl_tags: ["per-call"] };
    await withRequestContext({ userId: "u-1", sessionId: "s-1", conversationId: "c-1", metadata: { plan: "pro" }, tags: ["ctx"] }, () => client.chat.completions.create(params));
    const [body] = await tracked();
    expect(body!.metadata).toEqual({ plan: "pro", user_id: "u-1", session_id: "s-1", conversation_id: "c-1" });
    expect(body!.tags).toEqual(["from-class", "ctx", "per-call"]);
  });
});
