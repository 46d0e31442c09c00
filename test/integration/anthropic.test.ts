import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import * as anthropicModule from "@anthropic-ai/sdk";
import Anthropic from "@anthropic-ai/sdk";
import * as anthropic133 from "anthropic-v0-133";
import * as anthropic137 from "anthropic-v0-137";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AnthropicInstrumentation } from "../../instrumentations/anthropic/instrumentation.js";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { useMemoryTracing } from "../helpers/memory-tracing.js";
import { json, onlySpan } from "../helpers/openai.js";

const tracing = useMemoryTracing();
const instrumentation = new AnthropicInstrumentation({ enabled: false });
let server: MockModelServer;

beforeAll(async () => {
  server = await startMockModelServer();
  for (const m of [anthropicModule, anthropic133, anthropic137]) instrumentation.manuallyInstrument(m);
});
afterAll(() => server.close());
beforeEach(() => instrumentation.setConfig({ captureMessageContent: false }));

type AnyAnthropic = new (opts: Record<string, unknown>) => Anthropic;
const client = (Ctor: AnyAnthropic = Anthropic, extra: Record<string, unknown> = {}) =>
  new Ctor({ apiKey: "sk-ant-test-not-real", baseURL: server.url, maxRetries: 0, ...extra });

const MODEL = "claude-sonnet-5-5";
const ask = (c: Anthropic, text = "Hello") => c.messages.create({ model: MODEL, max_tokens: 256, messages: [{ role: "user", content: text }] });
const weatherTool = { name: "get_weather", description: "Weather for a city", input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] } };

describe("messages.create", () => {
  it("records one CLIENT span `chat {model}` with request, response and usage attributes", async () => {
    // Sampling parameters as older API versions accept them (1.x types no longer list temperature).
    const params = {
      model: MODEL,
      max_tokens: 300,
      temperature: 0.5,
      top_p: 0.8,
      top_k: 40,
      stop_sequences: ["\n\nHuman:"],
      messages: [{ role: "user" as const, content: "Hi there" }],
    };
    const message = await client().messages.create(params as Anthropic.MessageCreateParamsNonStreaming);
    const span = onlySpan(tracing);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": MODEL,
      "gen_ai.request.max_tokens": 300,
      "gen_ai.request.temperature": 0.5,
      "gen_ai.request.top_p": 0.8,
      "gen_ai.request.top_k": 40,
      "gen_ai.request.stop_sequences": ["\n\nHuman:"],
      "gen_ai.response.id": message.id,
      "gen_ai.response.model": message.model,
      "gen_ai.response.finish_reasons": ["end_turn"],
      "gen_ai.usage.input_tokens": message.usage.input_tokens,
      "gen_ai.usage.output_tokens": message.usage.output_tokens,
      "server.address": "127.0.0.1",
    });
  });

  it("counts cache reads and writes inside input tokens and reports each on its own", async () => {
    const c = client();
    const system = [{ type: "text" as const, text: "A long, stable system prompt. ".repeat(40), cache_control: { type: "ephemeral" as const } }];
    const first = await c.messages.create({ model: MODEL, max_tokens: 100, system, messages: [{ role: "user", content: "first" }] });
    const second = await c.messages.create({ model: MODEL, max_tokens: 100, system, messages: [{ role: "user", content: "second" }] });
    const [a, b] = tracing.spans();
    const u1 = first.usage;
    const u2 = second.usage;
    expect(u1.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(u2.cache_read_input_tokens).toBeGreaterThan(0);
    expect(a!.attributes["gen_ai.usage.cache_creation.input_tokens"]).toBe(u1.cache_creation_input_tokens);
    expect(a!.attributes["gen_ai.usage.input_tokens"]).toBe(u1.input_tokens + (u1.cache_creation_input_tokens ?? 0) + (u1.cache_read_input_tokens ?? 0));
    expect(b!.attributes["gen_ai.usage.cache_read.input_tokens"]).toBe(u2.cache_read_input_tokens);
    expect(b!.attributes["gen_ai.usage.input_tokens"]).toBe(u2.input_tokens + (u2.cache_creation_input_tokens ?? 0) + (u2.cache_read_input_tokens ?? 0));
  });

  it("names cache writes `cache_write` under the latest conventions", async () => {
    instrumentation.setConfig({ semconv: "latest" });
    const system = [{ type: "text" as const, text: "Latest conventions prompt. ".repeat(40), cache_control: { type: "ephemeral" as const } }];
    await client().messages.create({ model: MODEL, max_tokens: 50, system, messages: [{ role: "user", content: "hi" }] });
    const span = onlySpan(tracing);
    expect(span.attributes["gen_ai.usage.cache_write.input_tokens"]).toBeGreaterThan(0);
    expect(span.attributes["gen_ai.usage.cache_creation.input_tokens"]).toBeUndefined();
  });

  it("records the requested effort as gen_ai.request.reasoning.level under the latest conventions only", async () => {
    const params = { model: MODEL, max_tokens: 50, output_config: { effort: "high" }, messages: [{ role: "user" as const, content: "hi" }] };
    await client().messages.create(params as never);
    expect(onlySpan(tracing).attributes["gen_ai.request.reasoning.level"]).toBeUndefined();
    tracing.reset();
    instrumentation.setConfig({ semconv: "latest" });
    await client().messages.create(params as never);
    expect(onlySpan(tracing).attributes["gen_ai.request.reasoning.level"]).toBe("high");
  });

  it("records system instructions, multimodal input, tool use and thinking as content when capture is on", async () => {
    instrumentation.setConfig({ captureMessageContent: true });
    const message = await client().messages.create({
      model: MODEL,
      max_tokens: 2048,
      thinking: { type: "enabled", budget_tokens: 1024 },
      system: "You are a weather bot.",
      tools: [weatherTool],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Weather where this photo was taken?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "document", source: { type: "url", url: "https://example.com/guide.pdf" } },
          ],
        },
      ],
    });
    const span = onlySpan(tracing);
    // The names of the SDK's own tracing, whose span ours replaces.
    expect(span.attributes["anthropic.thinking.type"]).toBe("enabled");
    expect(span.attributes["anthropic.thinking.budget_tokens"]).toBe(1024);
    expect(json(span.attributes["gen_ai.system_instructions"])).toEqual([{ type: "text", content: "You are a weather bot." }]);
    expect(json(span.attributes["gen_ai.input.messages"])).toEqual([
      {
        role: "user",
        parts: [
          { type: "text", content: "Weather where this photo was taken?" },
          { type: "blob", modality: "image", mime_type: "image/png", content: "iVBORw0KGgo=" },
          { type: "uri", modality: "document", uri: "https://example.com/guide.pdf" },
        ],
      },
    ]);
    expect(json(span.attributes["gen_ai.tool.definitions"])).toEqual([
      { type: "function", name: "get_weather", description: "Weather for a city", parameters: weatherTool.input_schema },
    ]);
    const out = json(span.attributes["gen_ai.output.messages"]) as Array<{ parts: Array<{ type: string }>; finish_reason: string }>;
    expect(out[0]!.finish_reason).toBe("tool_call");
    const kinds = out[0]!.parts.map((p) => p.type);
    expect(kinds[0]).toBe("reasoning");
    expect(kinds).toContain("tool_call");
    const toolUse = message.content.find((b) => b.type === "tool_use");
    expect(out[0]!.parts.find((p) => p.type === "tool_call")).toEqual({ type: "tool_call", id: toolUse!.id, name: "get_weather", arguments: toolUse!.input });
  });

  it("records tool results sent back to the model", async () => {
    instrumentation.setConfig({ captureMessageContent: true });
    const c = client();
    const first = await c.messages.create({ model: MODEL, max_tokens: 200, tools: [weatherTool], messages: [{ role: "user", content: "Weather in Oslo?" }] });
    const toolUse = first.content.find((b) => b.type === "tool_use")!;
    await c.messages.create({
      model: MODEL,
      max_tokens: 200,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Oslo?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "-3°C, snow" }] },
      ],
    });
    const input = json(tracing.spans()[1]!.attributes["gen_ai.input.messages"]) as Array<{ parts: unknown[] }>;
    expect(input[2]!.parts).toEqual([{ type: "tool_call_response", id: toolUse.id, response: "-3°C, snow" }]);
  });

  it("keeps the APIPromise: withResponse() and asResponse()", async () => {
    const c = client();
    const { data, response } = await c.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "x" }] }).withResponse();
    expect(data.type).toBe("message");
    expect(response.headers.get("request-id")).toBeTruthy();
    const raw = await c.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "y" }] }).asResponse();
    expect(raw.status).toBe(200);
    await raw.text();
    for (let i = 0; i < 50 && tracing.spans().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(tracing.spans()).toHaveLength(2);
  });

  it("rethrows API errors unchanged and records them", async () => {
    const err = await client()
      .messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "x" }] }, { headers: { "x-mock-status": "429" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const span = onlySpan(tracing);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["error.type"]).toBe("RateLimitError");
  });

  it("records a 500 as an error span (InternalServerError) and rethrows the SDK's own error", async () => {
    const err = await client()
      .messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "x" }] }, { headers: { "x-mock-status": "500" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    const span = onlySpan(tracing);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["error.type"]).toBe("InternalServerError");
    expect(span.events.map((e) => e.name)).toEqual(["exception"]);
  });
});

describe("streaming", () => {
  it("traces `stream: true`, passing the raw events through in order", async () => {
    instrumentation.setConfig({ captureMessageContent: true });
    const stream = await client().messages.create({ model: MODEL, max_tokens: 200, stream: true, messages: [{ role: "user", content: "Stream it" }] });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    const span = onlySpan(tracing);
    expect(span.attributes["gen_ai.request.stream"]).toBe(true);
    expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual(["end_turn"]);
    expect(span.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
    expect(typeof span.attributes["gen_ai.response.time_to_first_chunk"]).toBe("number");
    expect(json(span.attributes["gen_ai.output.messages"])).toEqual([{ role: "assistant", parts: [{ type: "text", content: text }], finish_reason: "stop" }]);
  });

  it("traces messages.stream() once, with finalMessage() and on('text') intact", async () => {
    const texts: string[] = [];
    const stream = client().messages.stream({ model: MODEL, max_tokens: 200, messages: [{ role: "user", content: "helper" }] });
    stream.on("text", (t) => texts.push(t));
    const final = await stream.finalMessage();
    const first = final.content[0]!;
    expect(first.type === "text" && first.text).toBe(texts.join(""));
    const span = onlySpan(tracing);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.attributes["gen_ai.response.id"]).toBe(final.id);
  });

  it("ends the span with finish reason `error` when the consumer breaks early", async () => {
    const stream = await client().messages.create(
      { model: MODEL, max_tokens: 500, stream: true, messages: [{ role: "user", content: "long" }] },
      { headers: { "x-mock-chunks": "40" } },
    );
    let n = 0;
    for await (const _ of stream) if (++n === 4) break;
    const span = onlySpan(tracing);
    expect(span.ended).toBe(true);
    expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual(["error"]);
  });

  it("records a stream cut mid-way as an error", async () => {
    const stream = await client().messages.create(
      { model: MODEL, max_tokens: 500, stream: true, messages: [{ role: "user", content: "cut" }] },
      { headers: { "x-mock-cut-after": "3", "x-mock-chunks": "20" } },
    );
    const caught = await (async () => {
      for await (const _ of stream) void _;
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(caught).toBeInstanceOf(Error);
    const span = onlySpan(tracing);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["error.type"]).toBe((caught as Error).constructor.name);
    expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual(["error"]);
  });
});

describe("streams aborted mid-way (the server still sending)", () => {
  // x-mock-chunk-delay-ms makes the mock trickle its events, so the abort lands while the
  // response is still open; without it every event is buffered before the caller can abort.
  const trickle = { "x-mock-chunks": "40", "x-mock-chunk-delay-ms": "15" };
  const versions: Array<[string, AnyAnthropic]> = [
    ["1.x", Anthropic as unknown as AnyAnthropic],
    ["0.137", anthropic137.default as unknown as AnyAnthropic],
    ["0.133", anthropic133.default as unknown as AnyAnthropic],
  ];

  it.each(versions)("%s: aborting a `stream: true` iteration ends the span as unfinished", async (_label, Ctor) => {
    const controller = new AbortController();
    const stream = await client(Ctor).messages.create(
      { model: MODEL, max_tokens: 500, stream: true, messages: [{ role: "user", content: "abort me" }] },
      { signal: controller.signal, headers: trickle },
    );
    const types: string[] = [];
    // The SDK ends the iteration quietly on an abort (or throws its abort error): its choice.
    const outcome = await (async () => {
      for await (const event of stream) if (types.push(event.type) === 4) controller.abort();
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (outcome !== undefined) expect((outcome as Error).name).toMatch(/Abort/);
    expect(types).not.toContain("message_stop");
    const span = onlySpan(tracing); // ended: a span still open would not be exported
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual(["error"]);
    expect(span.attributes["gen_ai.response.id"]).toMatch(/^msg_/); // message_start did arrive
  });

  it.each(versions)("%s: MessageStream.abort() mid-way rejects finalMessage() and ends the span as unfinished", async (_label, Ctor) => {
    const stream = client(Ctor).messages.stream({ model: MODEL, max_tokens: 500, messages: [{ role: "user", content: "abort me" }] }, { headers: trickle });
    let texts = 0;
    stream.on("text", () => {
      if (++texts === 3) stream.abort();
    });
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe("APIUserAbortError");
    expect(texts).toBeLessThan(10);
    const span = onlySpan(tracing);
    expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual(["error"]);
  });
});

describe("beta and helpers", () => {
  it("traces beta.messages.create", async () => {
    await client().beta.messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: "beta" }] });
    expect(onlySpan(tracing).name).toBe(`chat ${MODEL}`);
  });

  it("gives messages.countTokens no span: it generates nothing", async () => {
    const count = await client().messages.countTokens({ model: MODEL, messages: [{ role: "user", content: "count me" }] });
    expect(count.input_tokens).toBeGreaterThan(0);
    expect(tracing.spans()).toHaveLength(0);
  });
});

describe("coexisting with the SDK's built-in tracing (0.134 and later)", () => {
  const cases: Array<[string, AnyAnthropic, Record<string, unknown>]> = [
    ["1.x, built-in tracing on by default", Anthropic as unknown as AnyAnthropic, {}],
    ["1.x, built-in tracing off by client option", Anthropic as unknown as AnyAnthropic, { openTelemetry: false }],
    ["0.137, built-in tracing on by default", anthropic137.default as unknown as AnyAnthropic, {}],
    ["0.133, before built-in tracing", anthropic133.default as unknown as AnyAnthropic, {}],
  ];

  it.each(cases)("%s: exactly one conventions span per call, create and stream()", async (_label, Ctor, options) => {
    const c = client(Ctor, options);
    await ask(c);
    await c.messages.stream({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: "s" }] }).finalMessage();
    const spans = tracing.spans();
    expect(spans.map((s) => s.name)).toEqual([`chat ${MODEL}`, `chat ${MODEL}`]);
    expect(spans.every((s) => s.instrumentationScope.name === "promptlayer-otel/anthropic")).toBe(true);
  });

  it("switches the SDK's own tracing off from the client's construction, not only from its first Messages call", async () => {
    const c = client();
    // A non-Messages call first: the SDK would trace it itself (the mock answers 405; the span is the point).
    await (c as unknown as { models: { list(): Promise<unknown> } }).models.list().catch(() => undefined);
    expect(tracing.spans().filter((s) => s.instrumentationScope.name === "com.anthropic.sdk.typescript")).toEqual([]);
  });

  it("1.x, built-in tracing off by ANTHROPIC_OPEN_TELEMETRY=false: still one span", async () => {
    process.env.ANTHROPIC_OPEN_TELEMETRY = "false";
    try {
      await ask(client());
    } finally {
      delete process.env.ANTHROPIC_OPEN_TELEMETRY;
    }
    expect(onlySpan(tracing).name).toBe(`chat ${MODEL}`);
  });

  it("the SDK's own spans really do appear without our instrumentation (the problem being solved)", async () => {
    instrumentation.disable();
    try {
      await ask(client());
      expect(tracing.spans().map((s) => s.instrumentationScope.name)).toEqual(["com.anthropic.sdk.typescript"]);
    } finally {
      instrumentation.manuallyInstrument(anthropicModule);
    }
  });
});
