import OpenAI from "openai";
import OpenAIv4 from "openai-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_CHUNKS_HEADER, MOCK_CUT_AFTER_HEADER, MOCK_LATENCY_HEADER, MOCK_STATUS_HEADER, startMockModelServer, type MockModelServer } from "../../local/mock/index.js";

let server: MockModelServer;
let client: OpenAI;
beforeAll(async () => {
  server = await startMockModelServer();
  client = new OpenAI({ apiKey: "sk-test", baseURL: `${server.url}/v1`, maxRetries: 0 });
});
afterAll(() => server.close());

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["city", "unit"] },
  },
};

const lastRequest = () => server.requests.at(-1)!;

describe("chat completions", () => {
  it("answers with a ChatCompletion whose text, usage and ids derive from the request", async () => {
    const params = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "What is the capital of France?" }] };
    const res = await client.chat.completions.create(params);
    expect(res.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(res.object).toBe("chat.completion");
    expect(res.model).toBe("gpt-4o-mini");
    expect(res.choices).toHaveLength(1);
    const choice = res.choices[0]!;
    expect(choice.message).toMatchObject({ role: "assistant", content: "Mock reply to: What is the capital of France?", refusal: null });
    expect(choice.finish_reason).toBe("stop");
    expect(choice.logprobs).toBeNull();
    expect(res.usage).toMatchObject({
      prompt_tokens: Math.ceil("What is the capital of France?".length / 4),
      completion_tokens: Math.ceil("Mock reply to: What is the capital of France?".length / 4),
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
    expect(res.system_fingerprint).toMatch(/^fp_/);
    expect(res._request_id).toMatch(/^req_[0-9a-f]{32}$/);

    const again = await client.chat.completions.create(params);
    expect(again).toEqual(res);
    expect(again.created).toBe(res.created);
  });

  it("records what the SDK sent: method, path, auth header and parsed body", async () => {
    await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "record me" }], temperature: 0.2 });
    const rec = lastRequest();
    expect(rec.method).toBe("POST");
    expect(rec.path).toBe("/v1/chat/completions");
    expect(rec.headers.authorization).toBe("Bearer sk-test");
    expect(rec.body).toMatchObject({ model: "gpt-4o", temperature: 0.2, messages: [{ role: "user", content: "record me" }] });
  });

  it("honours n, and truncates to max_completion_tokens with finish_reason length", async () => {
    const res = await client.chat.completions.create({ model: "gpt-4o", n: 3, max_completion_tokens: 3, messages: [{ role: "user", content: "tell me a long story" }] });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    for (const choice of res.choices) {
      expect(choice.finish_reason).toBe("length");
      expect(choice.message.content).toBe("Mock reply t");
    }
    expect(res.usage!.completion_tokens).toBe(9);
  });

  it("reports reasoning tokens for o-series and *reasoning* models only", async () => {
    const messages = [{ role: "user" as const, content: "think hard" }];
    const o3 = await client.chat.completions.create({ model: "o3-mini", messages });
    const custom = await client.chat.completions.create({ model: "my-reasoning-model", messages });
    const plain = await client.chat.completions.create({ model: "gpt-4o", messages });
    expect(o3.usage!.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(0);
    expect(custom.usage!.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(0);
    expect(plain.usage!.completion_tokens_details!.reasoning_tokens).toBe(0);
    expect(o3.usage!.completion_tokens).toBe(plain.usage!.completion_tokens + o3.usage!.completion_tokens_details!.reasoning_tokens!);
  });

  it("streams chat deltas in OpenAI's chunk order and ends with [DONE]", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "stream please" }] });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === "gpt-4o-mini")).toBe(true);
    expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: "assistant", content: "" });
    const middle = chunks.slice(1, -1);
    expect(middle.every((c) => c.choices[0]!.finish_reason === null && typeof c.choices[0]!.delta.content === "string")).toBe(true);
    expect(middle.map((c) => c.choices[0]!.delta.content).join("")).toBe("Mock reply to: stream please");
    const last = chunks.at(-1)!;
    expect(last.choices[0]!.finish_reason).toBe("stop");
    expect(last.choices[0]!.delta).toEqual({});
    expect(chunks.some((c) => c.usage)).toBe(false);

    const raw = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "stream please" }] }),
    });
    expect(raw.headers.get("content-type")).toContain("text/event-stream");
    const text = await raw.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(text.split("\n\n").filter(Boolean).every((e) => e.startsWith("data: "))).toBe(true);
  });

  it("adds a choice-less usage chunk before [DONE] only with stream_options.include_usage", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "count me" }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: Math.ceil("Mock reply to: count me".length / 4) });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it("splits a streamed reply into exactly x-mock-chunks content deltas", async () => {
    const stream = await client.chat.completions.create(
      { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] },
      { headers: { [MOCK_CHUNKS_HEADER]: "50" } },
    );
    const deltas: string[] = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) deltas.push(content);
    }
    expect(deltas).toHaveLength(50);
    expect(deltas.join("")).toMatch(/^Mock reply to: hi/);
  });

  it("calls the first offered tool with schema-derived arguments, then answers from the tool result", async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Paris?" }];
    const first = await client.chat.completions.create({ model: "gpt-4o", messages, tools: [weatherTool] });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call.type).toBe("function");
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Paris", unit: "celsius" });

    messages.push(choice.message, { role: "tool", tool_call_id: call.id, content: "18°C and sunny" });
    const second = await client.chat.completions.create({ model: "gpt-4o", messages, tools: [weatherTool] });
    expect(second.choices[0]!.finish_reason).toBe("stop");
    expect(second.choices[0]!.message.content).toContain("18°C and sunny");
    expect(second.choices[0]!.message.tool_calls).toBeUndefined();
  });

  it("streams tool calls as a named header delta followed by argument fragments", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o", stream: true, tools: [weatherTool], messages: [{ role: "user", content: "Weather?" }] });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const first = chunks[0]!.choices[0]!.delta;
    expect(first.role).toBe("assistant");
    expect(first.tool_calls![0]).toMatchObject({ index: 0, type: "function", function: { name: "get_weather", arguments: "" } });
    expect(first.tool_calls![0]!.id).toMatch(/^call_/);
    const fragments = chunks.slice(1, -1).map((c) => c.choices[0]!.delta.tool_calls![0]!);
    expect(fragments.length).toBeGreaterThan(1);
    expect(fragments.every((f) => f.index === 0 && f.id === undefined && f.function?.name === undefined)).toBe(true);
    expect(JSON.parse(fragments.map((f) => f.function!.arguments).join(""))).toEqual({ city: "Paris", unit: "celsius" });
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
  });

  it("works with the chat.completions.stream() helper and finalChatCompletion()", async () => {
    const seen: string[] = [];
    const runner = client.chat.completions.stream({ model: "gpt-4o-mini", messages: [{ role: "user", content: "helper" }], stream_options: { include_usage: true } });
    runner.on("content.delta", ({ delta }) => void seen.push(delta));
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe("Mock reply to: helper");
    expect(seen.join("")).toBe("Mock reply to: helper");
    expect(final.usage?.completion_tokens).toBe(Math.ceil("Mock reply to: helper".length / 4));

    const tools = client.chat.completions.stream({ model: "gpt-4o-mini", messages: [{ role: "user", content: "tool please" }], tools: [weatherTool] });
    const withTool = await tools.finalChatCompletion();
    const call = withTool.choices[0]!.message.tool_calls![0]!;
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.function.parsed_arguments ?? JSON.parse(call.function.arguments)).toEqual({ city: "Paris", unit: "celsius" });
  });

  it("returns schema-valid JSON for a json_schema response_format, so chat.completions.parse works", async () => {
    const res = await client.chat.completions.parse({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Extract the event" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "event",
          strict: true,
          schema: {
            type: "object",
            properties: {
              name: { type: "string" },
              attendees: { type: "array", items: { type: "string" } },
              year: { type: "integer", minimum: 2000 },
              kind: { $ref: "#/$defs/kind" },
            },
            required: ["name", "attendees", "year", "kind"],
            additionalProperties: false,
            $defs: { kind: { type: "string", enum: ["meeting", "party"] } },
          },
        },
      },
    });
    expect(res.choices[0]!.message.parsed).toEqual({ name: "mock name", attendees: ["mock attendee"], year: 2000, kind: "meeting" });
  });

  it("rejects a forced 429 as OpenAI.RateLimitError with OpenAI's error body", async () => {
    const failing = client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }, { headers: { [MOCK_STATUS_HEADER]: "429" } });
    const error = await failing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const apiError = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(apiError.status).toBe(429);
    expect(apiError.error).toMatchObject({ type: "requests", code: "rate_limit_exceeded", param: null });
    expect(apiError.requestID).toMatch(/^req_/);
  });

  it("answers 401 in OpenAI's shape when no bearer key is sent", async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error", code: "invalid_api_key", param: null } });

    const keyless = new OpenAI({ apiKey: "unused", baseURL: `${server.url}/v1`, maxRetries: 0, fetch: (url, init) => fetch(url, { ...init, headers: withoutAuth(init?.headers) }) });
    await expect(keyless.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("delays the reply by x-mock-latency-ms", async () => {
    const started = performance.now();
    await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "slow" }] }, { headers: { [MOCK_LATENCY_HEADER]: "300" } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("makes the SDK's stream iteration throw when x-mock-cut-after cuts the connection", async () => {
    const stream = await client.chat.completions.create(
      { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "cut me" }] },
      { headers: { [MOCK_CUT_AFTER_HEADER]: "3", [MOCK_CHUNKS_HEADER]: "20" } },
    );
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
      })(),
    ).rejects.toThrow();
    expect(received).toHaveLength(3);
  });

  it("answers malformed JSON with 400 and an unknown path with 404, in OpenAI's shape", async () => {
    const bad = await fetch(`${server.url}/v1/chat/completions`, { method: "POST", headers: { authorization: "Bearer k" }, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    const missing = await fetch(`${server.url}/v1/nope`, { method: "POST", headers: { authorization: "Bearer k" }, body: "{}" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("refuses bodies over the size limit with 413", async () => {
    const small = await startMockModelServer({ maxBodyBytes: 1024 });
    try {
      const res = await fetch(`${small.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer k", "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x".repeat(4096) }] }),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    } finally {
      await small.close();
    }
  });
});

function withoutAuth(headers: unknown): Headers {
  const copy = new Headers(headers as ConstructorParameters<typeof Headers>[0]);
  copy.delete("authorization");
  return copy;
}

describe("responses", () => {
  it("creates a Response whose output_text comes from a message item", async () => {
    const res = await client.responses.create({ model: "gpt-4.1", instructions: "Be brief.", input: "Say hello" });
    expect(res.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(res.object).toBe("response");
    expect(res.status).toBe("completed");
    expect(res.instructions).toBe("Be brief.");
    expect(res.output).toHaveLength(1);
    expect(res.output[0]).toMatchObject({ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Mock reply to: Say hello", annotations: [] }] });
    expect(res.output[0]!.id).toMatch(/^msg_/);
    expect(res.output_text).toBe("Mock reply to: Say hello");
    expect(res.usage).toMatchObject({
      input_tokens: Math.ceil("Be brief.\nSay hello".length / 4),
      output_tokens: Math.ceil("Mock reply to: Say hello".length / 4),
      input_tokens_details: { cached_tokens: 0 },
      output_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it("streams typed events in the real order with increasing sequence_number, and finalResponse() assembles them", async () => {
    const stream = client.responses.stream({ model: "gpt-4.1", input: [{ role: "user", content: "stream a response" }] });
    const types: string[] = [];
    const sequence: number[] = [];
    stream.on("event", (event) => {
      types.push(event.type);
      sequence.push(event.sequence_number);
    });
    const final = await stream.finalResponse();
    const deltas = types.filter((t) => t === "response.output_text.delta").length;
    expect(deltas).toBe(5);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array<string>(deltas).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(sequence).toEqual(types.map((_, i) => i));
    expect(final.output_text).toBe("Mock reply to: stream a response");
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
  });

  it("emits a function_call item, streams its arguments, and answers a function_call_output", async () => {
    const tools = [{ type: "function" as const, name: "lookup", description: "Look up", strict: true, parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"], additionalProperties: false } }];
    const first = await client.responses.create({ model: "gpt-4.1", input: "Where?", tools });
    const call = first.output[0]!;
    expect(call).toMatchObject({ type: "function_call", name: "lookup", status: "completed" });
    if (call.type !== "function_call") throw new Error("expected a function_call");
    expect(call.id).toMatch(/^fc_/);
    expect(call.call_id).toMatch(/^call_/);
    expect(JSON.parse(call.arguments)).toEqual({ location: "Paris" });

    const streamed = client.responses.stream({ model: "gpt-4.1", input: "Where?", tools });
    const argDeltas: string[] = [];
    streamed.on("response.function_call_arguments.delta", (e) => void argDeltas.push(e.delta));
    const final = await streamed.finalResponse();
    expect(argDeltas.join("")).toBe(call.arguments);
    expect(final.output[0]).toMatchObject({ type: "function_call", arguments: call.arguments, name: "lookup" });

    const answer = await client.responses.create({
      model: "gpt-4.1",
      tools,
      input: [{ role: "user", content: "Where?" }, call, { type: "function_call_output", call_id: call.call_id, output: "Paris is sunny" }],
    });
    expect(answer.output_text).toContain("Paris is sunny");
  });

  it("returns JSON valid for text.format json_schema, so responses.parse works", async () => {
    const res = await client.responses.parse({
      model: "gpt-4.1",
      input: "Give me a person",
      text: { format: { type: "json_schema", name: "person", strict: true, schema: { type: "object", properties: { name: { type: "string" }, age: { type: "number" } }, required: ["name", "age"], additionalProperties: false } } },
    });
    expect(res.output_parsed).toEqual({ name: "mock name", age: 1 });
  });

  it("puts a reasoning item first and counts reasoning tokens for reasoning models", async () => {
    const res = await client.responses.create({ model: "o4-mini", input: "Reason about this" });
    expect(res.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(res.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    const streamed = await client.responses.stream({ model: "o4-mini", input: "Reason about this" }).finalResponse();
    expect(streamed.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(streamed.output_text).toBe(res.output_text);
  });
});

describe("embeddings and legacy completions", () => {
  it("returns number arrays of the requested dimensions although the SDK asks for base64", async () => {
    const res = await client.embeddings.create({ model: "text-embedding-3-small", input: ["alpha", "beta"], dimensions: 16 });
    expect((lastRequest().body as { encoding_format?: string }).encoding_format).toBe("base64");
    expect(res.object).toBe("list");
    expect(res.data).toHaveLength(2);
    for (const [i, item] of res.data.entries()) {
      expect(item.index).toBe(i);
      expect(item.embedding).toHaveLength(16);
      expect(item.embedding.every((v) => typeof v === "number")).toBe(true);
      expect(Math.hypot(...item.embedding)).toBeCloseTo(1, 5);
    }
    expect(res.data[0]!.embedding).not.toEqual(res.data[1]!.embedding);
    const floats = await client.embeddings.create({ model: "text-embedding-3-small", input: "alpha", dimensions: 16, encoding_format: "float" });
    expect(floats.data[0]!.embedding).toEqual(res.data[0]!.embedding);
    // ceil(5/4) for "alpha" + ceil(4/4) for "beta"
    expect(res.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const byDefault = await client.embeddings.create({ model: "text-embedding-3-small", input: "alpha" });
    expect(byDefault.data[0]!.embedding).toHaveLength(8);
  });

  it("answers legacy completions as text_completion, streamed or not", async () => {
    const res = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Once upon a time" });
    expect(res.id).toMatch(/^cmpl-/);
    expect(res.object).toBe("text_completion");
    expect(res.choices[0]).toMatchObject({ text: "Mock reply to: Once upon a time", index: 0, logprobs: null, finish_reason: "stop" });
    expect(res.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 8, total_tokens: 12 });

    const stream = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Once upon a time", stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.text ?? "").join("")).toBe(res.choices[0]!.text);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.usage).toMatchObject({ total_tokens: 12 });
  });
});

describe("older SDK majors", () => {
  it("openai v4 iterates the same chat stream wire format", async () => {
    const v4 = new OpenAIv4({ apiKey: "sk-test", baseURL: `${server.url}/v1`, maxRetries: 0 });
    const stream = await v4.chat.completions.create({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "old sdk" }] });
    let text = "";
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe("Mock reply to: old sdk");
    expect(usage).toMatchObject({ prompt_tokens: 2 });
    const final = await v4.beta.chat.completions.stream({ model: "gpt-4o-mini", messages: [{ role: "user", content: "old sdk" }] }).finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe("Mock reply to: old sdk");
  });
});
