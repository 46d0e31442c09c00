import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import OpenAI, { AzureOpenAI } from "openai";
import { Stream } from "openai/streaming";
import { beforeEach, describe, expect, it } from "vitest";
import { withPromptContext } from "../../src/tracing/prompt-context.js";
import { traceable } from "../../src/tracing/traceable.js";
import { json, onlySpan, useInstrumentedOpenAI } from "../helpers/openai.js";
import { parentOf } from "../helpers/memory-tracing.js";

const h = useInstrumentedOpenAI();
const waitForSpans = async (n: number) => {
  for (let i = 0; i < 100 && h.tracing.spans().length < n; i++) await new Promise((r) => setTimeout(r, 10));
  return h.tracing.spans();
};

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

beforeEach(() => h.configure({ captureMessageContent: false }));

describe("chat.completions.create", () => {
  it("records one CLIENT span named after the operation and model, with request and response attributes", async () => {
    const completion = await h.client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Say hi" }],
      max_tokens: 200,
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      stop: ["END"],
    });
    const span = onlySpan(h.tracing);
    expect(span.name).toBe("chat gpt-4o-mini");
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.max_tokens": 200,
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.seed": 7,
      "gen_ai.request.stop_sequences": ["END"],
      "openai.api.type": "chat_completions",
      "server.address": "127.0.0.1",
      "gen_ai.response.id": completion.id,
      "gen_ai.response.model": completion.model,
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": completion.usage!.prompt_tokens,
      "gen_ai.usage.output_tokens": completion.usage!.completion_tokens,
    });
    expect(span.attributes["server.port"]).toBe(Number(new URL(h.mockUrl()).port));
    expect(span.attributes["gen_ai.request.stream"]).toBeUndefined();
  });

  it("records no message content by default (the OpenTelemetry default)", async () => {
    await h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "secret" }] });
    const span = onlySpan(h.tracing);
    expect(span.attributes["gen_ai.input.messages"]).toBeUndefined();
    expect(span.attributes["gen_ai.output.messages"]).toBeUndefined();
  });

  it("records input and output messages in the conventions' JSON shape when capture is on", async () => {
    h.configure({ captureMessageContent: true });
    const completion = await h.client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
      ],
    });
    const span = onlySpan(h.tracing);
    expect(json(span.attributes["gen_ai.input.messages"])).toEqual([
      { role: "system", parts: [{ type: "text", content: "Be brief." }] },
      {
        role: "user",
        parts: [
          { type: "text", content: "What is this?" },
          { type: "blob", modality: "image", mime_type: "image/png", content: "iVBORw0KGgo=" },
        ],
      },
    ]);
    expect(json(span.attributes["gen_ai.output.messages"])).toEqual([
      { role: "assistant", parts: [{ type: "text", content: completion.choices[0]!.message.content }], finish_reason: "stop" },
    ]);
  });

  it("records tool definitions, tool calls and tool results", async () => {
    h.configure({ captureMessageContent: true });
    const client = h.client();
    const first = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weatherTool] });
    const call = first.choices[0]!.message.tool_calls![0]!;
    if (call.type !== "function") throw new Error("expected a function tool call");
    await client.chat.completions.create({
      model: "gpt-4o",
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        first.choices[0]!.message,
        { role: "tool", tool_call_id: call.id, content: "18°C and sunny" },
      ],
    });
    const [askSpan, answerSpan] = h.tracing.spans();
    expect(askSpan!.attributes["gen_ai.response.finish_reasons"]).toEqual(["tool_calls"]);
    expect(json(askSpan!.attributes["gen_ai.tool.definitions"])).toEqual([
      { type: "function", name: "get_weather", description: "Current weather for a city", parameters: weatherTool.function.parameters },
    ]);
    const out = json(askSpan!.attributes["gen_ai.output.messages"]) as Array<{ parts: unknown[]; finish_reason: string }>;
    expect(out[0]!.finish_reason).toBe("tool_call");
    expect(out[0]!.parts).toEqual([{ type: "tool_call", id: call.id, name: "get_weather", arguments: JSON.parse(call.function.arguments) }]);
    const input = json(answerSpan!.attributes["gen_ai.input.messages"]) as Array<{ role: string; parts: unknown[] }>;
    expect(input[2]).toEqual({ role: "tool", parts: [{ type: "tool_call_response", id: call.id, response: "18°C and sunny" }] });
  });

  it("records tool names (not schemas) when content capture is off", async () => {
    await h.client().chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Weather?" }], tools: [weatherTool] });
    expect(json(onlySpan(h.tracing).attributes["gen_ai.tool.definitions"])).toEqual([{ type: "function", name: "get_weather" }]);
  });

  it("keeps the APIPromise: withResponse() and asResponse() work and end the span", async () => {
    const client = h.client();
    const { data, response, request_id } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.choices[0]!.message.role).toBe("assistant");
    expect(response.status).toBe(200);
    expect(request_id).toBeTruthy();
    expect(onlySpan(h.tracing).attributes["gen_ai.response.id"]).toBe(data.id);

    const raw = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "raw" }] }).asResponse();
    expect(((await raw.json()) as { object: string }).object).toBe("chat.completion");
    const spans = await waitForSpans(2);
    expect(spans).toHaveLength(2);
    expect(spans[1]!.ended).toBe(true);
  });

  it("rethrows API errors unchanged and records them on the span", async () => {
    let caught: unknown;
    try {
      await h.client().chat.completions.create(
        { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
        { headers: { "x-mock-status": "429" } },
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(OpenAI.RateLimitError);
    const span = onlySpan(h.tracing);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["error.type"]).toBe("RateLimitError");
  });

  it("records a 500 as an error span (InternalServerError) and rethrows the SDK's own error", async () => {
    const caught = await h
      .client()
      .chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }, { headers: { "x-mock-status": "500" } })
      .catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(OpenAI.InternalServerError);
    expect((caught as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(500);
    const span = onlySpan(h.tracing);
    expect(span.name).toBe("chat gpt-4o-mini");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["error.type"]).toBe("InternalServerError");
    expect(span.attributes["gen_ai.response.id"]).toBeUndefined();
    expect(span.events.map((e) => e.name)).toEqual(["exception"]);
  });

  it("nests under a traceable() parent", async () => {
    const agent = traceable(async function agent() {
      return h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    });
    await agent();
    const parent = h.tracing.byName("agent");
    expect(parentOf(h.tracing.byName("chat gpt-4o-mini"))).toBe(parent.spanContext().spanId);
  });
});

describe("usage details and request options", () => {
  const CACHED = "x-mock-cached-tokens";
  const longPrompt = "Summarize the quarterly report for the board. ".repeat(20);

  it("records cached prompt tokens and reasoning tokens from a chat completion", async () => {
    const completion = await h.client().chat.completions.create({ model: "o3-mini", messages: [{ role: "user", content: longPrompt }] }, { headers: { [CACHED]: "128" } });
    const usage = completion.usage!;
    expect(usage.prompt_tokens_details!.cached_tokens).toBe(128);
    expect(usage.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(0);
    const span = onlySpan(h.tracing);
    expect(span.attributes).toMatchObject({
      // OpenAI's prompt_tokens already include the cached ones, as the conventions want.
      "gen_ai.usage.input_tokens": usage.prompt_tokens,
      "gen_ai.usage.cache_read.input_tokens": 128,
      "gen_ai.usage.output_tokens": usage.completion_tokens,
      "gen_ai.usage.reasoning.output_tokens": usage.completion_tokens_details!.reasoning_tokens,
    });
  });

  it("records them from the usage chunk of a stream", async () => {
    const stream = await h
      .client()
      .chat.completions.create({ model: "o4-mini", messages: [{ role: "user", content: longPrompt }], stream: true, stream_options: { include_usage: true } }, { headers: { [CACHED]: "64" } });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage!.prompt_tokens_details!.cached_tokens).toBe(64);
    const span = onlySpan(h.tracing);
    expect(span.attributes["gen_ai.usage.cache_read.input_tokens"]).toBe(64);
    expect(span.attributes["gen_ai.usage.reasoning.output_tokens"]).toBe(usage!.completion_tokens_details!.reasoning_tokens);
    expect(span.attributes["gen_ai.usage.reasoning.output_tokens"]).toBeGreaterThan(0);
  });

  it("records them from the Responses API (input/output token details)", async () => {
    const response = await h.client().responses.create({ model: "o4-mini", input: longPrompt }, { headers: { [CACHED]: "32" } });
    expect(response.usage!.input_tokens_details.cached_tokens).toBe(32);
    const span = onlySpan(h.tracing);
    expect(span.attributes).toMatchObject({
      "gen_ai.usage.input_tokens": response.usage!.input_tokens,
      "gen_ai.usage.cache_read.input_tokens": 32,
      "gen_ai.usage.reasoning.output_tokens": response.usage!.output_tokens_details.reasoning_tokens,
    });
    expect(span.attributes["gen_ai.usage.reasoning.output_tokens"]).toBeGreaterThan(0);
  });

  it("reports zero cache reads and reasoning as zero, not as missing", async () => {
    await h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "plain" }] });
    const span = onlySpan(h.tracing);
    expect(span.attributes["gen_ai.usage.cache_read.input_tokens"]).toBe(0);
    expect(span.attributes["gen_ai.usage.reasoning.output_tokens"]).toBe(0);
  });

  it("records penalties, choice count, service tier and system fingerprint", async () => {
    const completion = await h.client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Two takes, please" }],
      frequency_penalty: 0.5,
      presence_penalty: -0.25,
      n: 2,
      service_tier: "flex",
    });
    expect(completion.choices).toHaveLength(2);
    const span = onlySpan(h.tracing);
    expect(span.attributes).toMatchObject({
      "gen_ai.request.frequency_penalty": 0.5,
      "gen_ai.request.presence_penalty": -0.25,
      "gen_ai.request.choice.count": 2,
      "gen_ai.response.finish_reasons": ["stop", "stop"],
      "openai.request.service_tier": "flex",
      "openai.response.service_tier": completion.service_tier!,
      "openai.response.system_fingerprint": completion.system_fingerprint!,
    });
    expect(completion.service_tier).toBe("flex");
    expect(completion.system_fingerprint).toMatch(/^fp_/);
  });

  it("leaves the choice count and request service tier out when they are the defaults", async () => {
    await h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "one" }], n: 1, service_tier: "auto" });
    const span = onlySpan(h.tracing);
    expect(span.attributes["gen_ai.request.choice.count"]).toBeUndefined();
    expect(span.attributes["openai.request.service_tier"]).toBeUndefined();
    expect(span.attributes["openai.response.service_tier"]).toBe("default");
  });

  it("records the service tier and system fingerprint of a stream from its chunks", async () => {
    const stream = await h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "s" }], stream: true, service_tier: "priority", n: 3 });
    let fingerprint: string | null | undefined;
    const choices = new Set<number>();
    for await (const chunk of stream) {
      fingerprint ??= chunk.system_fingerprint;
      for (const c of chunk.choices) choices.add(c.index);
    }
    expect(choices.size).toBe(3);
    const span = onlySpan(h.tracing);
    expect(span.attributes).toMatchObject({
      "gen_ai.request.choice.count": 3,
      "gen_ai.response.finish_reasons": ["stop", "stop", "stop"],
      "openai.request.service_tier": "priority",
      "openai.response.service_tier": "priority",
      "openai.response.system_fingerprint": fingerprint!,
    });
  });

  it("records the requested embedding encoding format", async () => {
    await h.client().embeddings.create({ model: "text-embedding-3-small", input: "vector", encoding_format: "float" });
    expect(onlySpan(h.tracing).attributes["gen_ai.request.encoding_formats"]).toEqual(["float"]);
  });

  it("records the reasoning effort as gen_ai.request.reasoning.level under the latest conventions only", async () => {
    const client = h.client();
    await client.chat.completions.create({ model: "o3-mini", messages: [{ role: "user", content: "think" }], reasoning_effort: "low" });
    expect(onlySpan(h.tracing).attributes["gen_ai.request.reasoning.level"]).toBeUndefined();
    h.tracing.reset();

    h.configure({ captureMessageContent: false, semconv: "latest" });
    await client.chat.completions.create({ model: "o3-mini", messages: [{ role: "user", content: "think" }], reasoning_effort: "low" });
    await client.responses.create({ model: "o3-mini", input: "think", reasoning: { effort: "high" } });
    const [chat, responses] = await waitForSpans(2);
    expect(chat!.attributes["gen_ai.request.reasoning.level"]).toBe("low");
    expect(responses!.attributes["gen_ai.request.reasoning.level"]).toBe("high");
  });
});

describe("registry prompt context", () => {
  it("tags a call made for a registry prompt with the prompt and the run's request-log span", async () => {
    await withPromptContext({ name: "support-reply", id: 42, version: 3, label: "prod", requestLogSpanId: "00f067aa0ba902b7" }, () =>
      h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    );
    expect(onlySpan(h.tracing).attributes).toMatchObject({
      node_type: "LLM_CALL",
      "promptlayer.prompt.name": "support-reply",
      "promptlayer.prompt.id": "42",
      "promptlayer.prompt.version": 3,
      "promptlayer.prompt.label": "prod",
      "promptlayer.request_log.managed": true,
      "promptlayer.request_log.span_id": "00f067aa0ba902b7",
    });
  });

  it("adds nothing outside a prompt context", async () => {
    await h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    expect(onlySpan(h.tracing).attributes["promptlayer.prompt.name"]).toBeUndefined();
  });
});

describe("streaming chat completions", () => {
  it("passes chunks through untouched and ends the span when the stream is consumed", async () => {
    h.configure({ captureMessageContent: true });
    const stream = await h.client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Tell me a story" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(stream).toBeInstanceOf(Stream);
    let text = "";
    let usageChunk: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usageChunk = chunk;
    }
    const span = onlySpan(h.tracing);
    expect(span.attributes["gen_ai.request.stream"]).toBe(true);
    expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"]);
    expect(span.attributes["gen_ai.usage.output_tokens"]).toBe(usageChunk!.usage!.completion_tokens);
    expect(typeof span.attributes["gen_ai.response.time_to_first_chunk"]).toBe("number");
    const out = json(span.attributes["gen_ai.output.messages"]) as Array<{ parts: Array<{ content: string }> }>;
    expect(out[0]!.parts[0]!.content).toBe(text);
  });

  it("ends the span when the consumer breaks out of the stream", async () => {
    const stream = await h.client().chat.completions.create(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "long" }], stream: true },
      { headers: { "x-mock-chunks": "50" } },
    );
    let n = 0;
    for await (const _ of stream) if (++n === 3) break;
    const span = onlySpan(h.tracing);
    expect(span.ended).toBe(true);
    expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual(["error"]);
  });

  it("records a stream cut mid-way as an error while the SDK's own error reaches the caller", async () => {
    const stream = await h.client().chat.completions.create(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "cut" }], stream: true },
      { headers: { "x-mock-cut-after": "2", "x-mock-chunks": "20" } },
    );
    const caught = await (async () => {
      for await (const _ of stream) void _;
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(caught).toBeInstanceOf(Error);
    const span = onlySpan(h.tracing);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    // The class of the very error the caller got (undici's TypeError "terminated" on this SDK).
    expect(span.attributes["error.type"]).toBe((caught as Error).constructor.name);
    expect(span.attributes["error.type"]).not.toBe("_OTHER");
    expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual(["error"]);
    expect(span.events.map((e) => e.name)).toContain("exception");
  });

  it("keeps the Stream's methods: tee() and toReadableStream()", async () => {
    const client = h.client();
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "tee" }], stream: true });
    const [left, right] = stream.tee();
    const read = async (s: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) => {
      let t = "";
      for await (const c of s) t += c.choices[0]?.delta.content ?? "";
      return t;
    };
    const [a, b] = await Promise.all([read(left), read(right)]);
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThan(0);

    const s2 = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "rs" }], stream: true });
    const reader = s2.toReadableStream().getReader();
    let chunks = 0;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      chunks++;
    }
    expect(chunks).toBeGreaterThan(1);
    const spans = await waitForSpans(2);
    expect(spans).toHaveLength(2);
    expect(spans.every((s) => s.ended)).toBe(true);
  });

  it("traces the chat.completions.stream() helper as exactly one span, finalChatCompletion() intact", async () => {
    const runner = h.client().chat.completions.stream({ model: "gpt-4o-mini", messages: [{ role: "user", content: "helper" }] });
    const deltas: string[] = [];
    runner.on("content", (d) => deltas.push(d));
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe(deltas.join(""));
    const span = onlySpan(h.tracing);
    expect(span.name).toBe("chat gpt-4o-mini");
    expect(span.attributes["gen_ai.request.stream"]).toBe(true);
  });
});

describe("streams aborted mid-way (the server still sending)", () => {
  // x-mock-chunk-delay-ms makes the mock trickle its events, so the abort lands while the
  // response is still open (without it every event is already buffered when the caller aborts).
  const trickle = { "x-mock-chunks": "40", "x-mock-chunk-delay-ms": "15" };
  const ABORT_AFTER = 3;

  const surfaces: Array<[string, (c: OpenAI, signal: AbortSignal) => Promise<AsyncIterable<unknown>>, string]> = [
    [
      "chat.completions.create",
      (c, signal) => c.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "abort me" }], stream: true, stream_options: { include_usage: true } }, { signal, headers: trickle }),
      "chat gpt-4o-mini",
    ],
    ["responses.create", (c, signal) => c.responses.create({ model: "gpt-4.1", input: "abort me", stream: true }, { signal, headers: trickle }), "chat gpt-4.1"],
    [
      "legacy completions.create",
      (c, signal) => c.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "abort me", stream: true, stream_options: { include_usage: true } }, { signal, headers: trickle }),
      "text_completion gpt-3.5-turbo-instruct",
    ],
  ];

  it.each(surfaces)("%s: the span ends, marked unfinished, and no usage is invented", async (_label, start, spanName) => {
    const controller = new AbortController();
    const stream = await start(h.client(), controller.signal);
    let seen = 0;
    // The SDK either ends the iteration quietly or throws its abort error; both are the SDK's call.
    const outcome = await (async () => {
      for await (const _ of stream) if (++seen === ABORT_AFTER) controller.abort();
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (outcome !== undefined) expect(outcome).toBeInstanceOf(OpenAI.APIUserAbortError);
    // Events already read may still come out (a slow machine can receive several in one read), but
    // the stream's end — 40 content events and more — is never reached.
    expect(seen).toBeGreaterThanOrEqual(ABORT_AFTER);
    expect(seen).toBeLessThan(40);
    const span = onlySpan(h.tracing); // ended: a span still open would not be exported
    expect(span.name).toBe(spanName);
    expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual(["error"]);
    expect(span.attributes["gen_ai.usage.output_tokens"]).toBeUndefined();
    expect(typeof span.attributes["gen_ai.response.time_to_first_chunk"]).toBe("number");
  });
});

describe("helpers that go through create()", () => {
  it("chat.completions.parse works and is traced once", async () => {
    const parsed = await h.client().chat.completions.parse({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Give me a person" }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "person", strict: true, schema: { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } }, required: ["name", "age"], additionalProperties: false } },
      },
    });
    expect(parsed.choices[0]!.message.parsed).toMatchObject({ name: expect.any(String), age: expect.any(Number) });
    const span = onlySpan(h.tracing);
    expect(span.attributes["gen_ai.output.type"]).toBe("json");
  });

  it("runTools makes one span per model call", async () => {
    const runner = h.client().chat.completions.runTools({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [
        {
          type: "function",
          function: { name: "get_weather", description: "weather", parameters: weatherTool.function.parameters, function: (args: { city: string }) => `sunny in ${args.city}`, parse: JSON.parse },
        },
      ],
    });
    const content = await runner.finalContent();
    expect(content).toBeTruthy();
    const spans = h.tracing.spans().filter((s) => s.name === "chat gpt-4o");
    expect(spans).toHaveLength(2);
    expect(spans[0]!.attributes["gen_ai.response.finish_reasons"]).toEqual(["tool_calls"]);
  });
});

describe("responses", () => {
  it("traces responses.create with instructions as system instructions", async () => {
    h.configure({ captureMessageContent: true });
    const response = await h.client().responses.create({ model: "gpt-4.1", instructions: "You are terse.", input: "Hello there", max_output_tokens: 100 });
    const span = onlySpan(h.tracing);
    expect(span.name).toBe("chat gpt-4.1");
    expect(span.attributes).toMatchObject({
      "openai.api.type": "responses",
      "gen_ai.request.max_tokens": 100,
      "gen_ai.response.id": response.id,
      "gen_ai.usage.input_tokens": response.usage!.input_tokens,
      "gen_ai.usage.output_tokens": response.usage!.output_tokens,
    });
    expect(json(span.attributes["gen_ai.system_instructions"])).toEqual([{ type: "text", content: "You are terse." }]);
    expect(json(span.attributes["gen_ai.input.messages"])).toEqual([{ role: "user", parts: [{ type: "text", content: "Hello there" }] }]);
    expect(json(span.attributes["gen_ai.output.messages"])).toEqual([
      { role: "assistant", parts: [{ type: "text", content: response.output_text }], finish_reason: "stop" },
    ]);
  });

  it("traces a streamed response and responses.stream() with finalResponse()", async () => {
    const client = h.client();
    const stream = await client.responses.create({ model: "gpt-4.1", input: "stream please", stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe("response.completed");

    const helper = client.responses.stream({ model: "gpt-4.1", input: "helper" });
    const final = await helper.finalResponse();
    expect(final.status).toBe("completed");
    const spans = await waitForSpans(2);
    expect(spans).toHaveLength(2);
    for (const s of spans) {
      expect(s.attributes["gen_ai.request.stream"]).toBe(true);
      expect(s.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
      expect(s.attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"]);
    }
  });

  it("records a function call from the Responses API as a tool call", async () => {
    h.configure({ captureMessageContent: true });
    await h.client().responses.create({
      model: "gpt-4.1",
      input: "Weather in Paris?",
      tools: [{ type: "function", name: "get_weather", parameters: weatherTool.function.parameters, strict: false }],
    });
    const span = onlySpan(h.tracing);
    expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual(["tool_call"]);
    const out = json(span.attributes["gen_ai.output.messages"]) as Array<{ parts: Array<{ type: string; name?: string }> }>;
    expect(out[0]!.parts[0]).toMatchObject({ type: "tool_call", name: "get_weather" });
  });
});

describe("embeddings and legacy completions", () => {
  it("traces embeddings.create with input tokens and dimension count", async () => {
    const res = await h.client().embeddings.create({ model: "text-embedding-3-small", input: ["one", "two"] });
    const span = onlySpan(h.tracing);
    expect(span.name).toBe("embeddings text-embedding-3-small");
    expect(span.attributes["gen_ai.operation.name"]).toBe("embeddings");
    expect(span.attributes["gen_ai.usage.input_tokens"]).toBe(res.usage.prompt_tokens);
    expect(span.attributes["gen_ai.embeddings.dimension.count"]).toBe(res.data[0]!.embedding.length);
  });

  it("traces legacy completions.create, streamed and not", async () => {
    const client = h.client();
    await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Once upon", max_tokens: 20 });
    const stream = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Once upon", stream: true });
    for await (const _ of stream) void _;
    const spans = await waitForSpans(2);
    expect(spans.map((s) => s.name)).toEqual(["text_completion gpt-3.5-turbo-instruct", "text_completion gpt-3.5-turbo-instruct"]);
    expect(spans[0]!.attributes["gen_ai.request.max_tokens"]).toBe(20);
    expect(spans[1]!.attributes["gen_ai.request.stream"]).toBe(true);
    expect(spans.every((s) => (s.attributes["gen_ai.response.finish_reasons"] as string[]).length === 1)).toBe(true);
  });
});

describe("content controls", () => {
  it("truncates large content per field and keeps the JSON valid", async () => {
    h.configure({ captureMessageContent: true, maxContentLength: 100 });
    await h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(5000) }] });
    const span = onlySpan(h.tracing);
    const input = json(span.attributes["gen_ai.input.messages"]) as Array<{ parts: Array<{ content: string }> }>;
    expect(input[0]!.parts[0]!.content).toMatch(/^x{100}…\[truncated 4900 chars\]$/);
    expect(span.attributes["promptlayer.content.truncated"]).toBe(true);
  });

  it("lets a hook redact content before it is recorded, and a failing hook records none", async () => {
    h.configure({
      captureMessageContent: true,
      contentHook: (content) => ({
        ...content,
        inputMessages: content.inputMessages?.map((m) => ({ ...m, parts: m.parts.map((p) => (p.type === "text" ? { type: "text", content: "[redacted]" } : p)) })),
      }),
    });
    await h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "my SSN is 123" }] });
    expect(json(onlySpan(h.tracing).attributes["gen_ai.input.messages"])).toEqual([{ role: "user", parts: [{ type: "text", content: "[redacted]" }] }]);

    h.configure({
      captureMessageContent: true,
      contentHook: () => {
        throw new Error("hook bug");
      },
    });
    const res = await h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "still works" }] });
    expect(res.choices).toHaveLength(1);
    const spans = h.tracing.spans();
    expect(spans[1]!.attributes["gen_ai.input.messages"]).toBeUndefined();
  });
});

describe("providers", () => {
  it("names Azure OpenAI clients azure.ai.openai", async () => {
    const azure = new AzureOpenAI({ apiKey: "k", endpoint: h.mockUrl(), apiVersion: "2024-10-21", deployment: "gpt-4o", maxRetries: 0 });
    const res = await azure.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    expect(res.choices[0]!.message.role).toBe("assistant");
    const span = onlySpan(h.tracing);
    expect(span.attributes["gen_ai.provider.name"]).toBe("azure.ai.openai");
    expect(span.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
  });
});
