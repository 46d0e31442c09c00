import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PromptLayerSpanProcessor } from "../../src/tracing/processor.js";
import { chatTemplate, KEY, publish, startBackend, type Client } from "./backend-helpers.js";

let client: Client;
beforeAll(async () => {
  client = await startBackend();
  await publish(client, "support-reply", chatTemplate([{ role: "user", text: "{question}" }]));
});
afterAll(() => client.backend.close());

/** A real SDK pipeline: TracerProvider → PromptLayerSpanProcessor → OTLP/HTTP exporter → the backend. */
function pipeline(options: { protocol?: "http/protobuf" | "http/json"; compression?: "gzip" | "none" } = {}) {
  const processor = new PromptLayerSpanProcessor({ endpoint: `${client.url}/v1/traces`, apiKey: KEY, ...options });
  const provider = new TracerProvider({ spanProcessors: [processor], resource: resourceFromAttributes({ "service.name": "backend-test" }) });
  return { tracer: provider.getTracer("backend-test"), provider };
}
let providers: TracerProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.map((p) => p.shutdown()));
  providers = [];
});

const child = (tracer: ReturnType<TracerProvider["getTracer"]>, parent: Span, name: string, attributes: Attributes): Span =>
  tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, trace.setSpan(context.active(), parent));

const chatAttributes = (extra: Attributes = {}): Attributes => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "gen_ai.request.model": "gpt-4o-mini",
  "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
  "gen_ai.request.temperature": 0.3,
  "gen_ai.usage.input_tokens": 12,
  "gen_ai.usage.output_tokens": 5,
  "gen_ai.system_instructions": JSON.stringify([{ type: "text", content: "Be brief." }]),
  "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Where is my order?" }] }]),
  "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "On its way." }], finish_reason: "stop" }]),
  ...extra,
});

async function requestsOf(traceId: string) {
  return (await client.call("GET", `/api/local/requests?trace_id=${traceId}`)).body.items as Array<Record<string, any>>;
}

describe("OTLP ingest at /v1/traces", () => {
  it("stores a protobuf export from the OpenTelemetry SDK as spans, a trace tree and a request log", async () => {
    const { tracer, provider } = pipeline();
    providers.push(provider);
    const root = tracer.startSpan("support-agent");
    const llm = child(tracer, root, "chat gpt-4o-mini", chatAttributes({
      "promptlayer.prompt.name": "support-reply",
      "promptlayer.prompt.version": 1,
      "promptlayer.metadata.customer": "acme",
      "user.id": "u-42",
      "session.id": "s-1",
      "gen_ai.conversation.id": "conv-9",
      "promptlayer.tags": ["support"],
    }));
    llm.end();
    const embed = child(tracer, root, "embeddings text-embedding-3-small", { "gen_ai.operation.name": "embeddings", "gen_ai.provider.name": "openai", "gen_ai.request.model": "text-embedding-3-small" });
    embed.end();
    root.end();
    await provider.forceFlush();
    const traceId = root.spanContext().traceId;

    const list = await client.call("GET", "/api/local/traces?limit=10");
    const summary = list.body.items.find((t: { trace_id: string }) => t.trace_id === traceId);
    expect(summary).toMatchObject({ root_span_name: "support-agent", service_name: "backend-test", span_count: 3, error_count: 0, input_tokens: 12, output_tokens: 5 });

    const detail = await client.call("GET", `/api/local/traces/${traceId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.spans).toHaveLength(1);
    const tree = detail.body.spans[0];
    expect(tree.name).toBe("support-agent");
    expect(tree.children.map((c: { name: string }) => c.name).sort()).toEqual(["chat gpt-4o-mini", "embeddings text-embedding-3-small"]);
    const chatNode = tree.children.find((c: { name: string }) => c.name === "chat gpt-4o-mini");
    expect(chatNode.attributes["gen_ai.usage.input_tokens"]).toBe(12);
    expect(chatNode.request_log_ids).toHaveLength(1);

    // Only the chat span becomes a request log; embeddings do not.
    const logs = await requestsOf(traceId);
    expect(logs).toHaveLength(1);
    const log = logs[0]!;
    expect(log).toMatchObject({
      source: "otlp",
      provider_type: "openai",
      engine: "gpt-4o-mini-2024-07-18",
      function_name: "openai.chat.completions.create",
      input_tokens: 12,
      output_tokens: 5,
      span_id: llm.spanContext().spanId,
      prompt_id: client.backend.store.templates.find("support-reply")!.id,
      prompt_version_number: 1,
      tags_array: ["support"],
      response_string: "On its way.",
      status: "SUCCESS",
    });
    expect(Object.assign({}, ...log.metadata)).toEqual({ customer: "acme", "user.id": "u-42", "session.id": "s-1", "gen_ai.conversation.id": "conv-9" });
    expect(log.prompt_version.prompt_template.messages.map((m: { role: string; content: Array<{ text: string }> }) => [m.role, m.content[0]!.text])).toEqual([
      ["system", "Be brief."],
      ["user", "Where is my order?"],
      ["assistant", "On its way."],
    ]);
    expect(log.prompt_version.metadata.model.parameters).toEqual({ temperature: 0.3 });
  });

  it("does not log a managed span twice, and ties run()'s own log to the trace", async () => {
    const { tracer, provider } = pipeline();
    providers.push(provider);
    const run = tracer.startSpan("PromptLayer Run");
    const runSpanId = run.spanContext().spanId;
    // run() logs the call itself through track-request, with its span id…
    const tracked = await client.call("POST", "/track-request", {
      function_name: "openai.chat.completions.create",
      provider_type: "openai",
      kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
      request_response: { choices: [{ message: { role: "assistant", content: "Hello" } }] },
      request_start_time: new Date().toISOString(),
      request_end_time: new Date().toISOString(),
      span_id: runSpanId,
      api_key: KEY,
    }, { key: null });
    expect(tracked.status).toBe(200);
    // …and the provider span inside carries the managed marker.
    child(tracer, run, "chat gpt-4o-mini", chatAttributes({ "promptlayer.request_log.managed": true, "promptlayer.request_log.span_id": runSpanId })).end();
    run.end();
    await provider.forceFlush();
    const traceId = run.spanContext().traceId;

    const logs = await requestsOf(traceId);
    expect(logs.map((l) => l.id)).toEqual([tracked.body.request_id]);
    expect(logs[0]!.source).toBe("track-request");
    expect(client.backend.store.spans.spansOf(traceId)).toHaveLength(2);
  });

  it("links run()'s log when track-request arrives after the spans", async () => {
    const { tracer, provider } = pipeline();
    providers.push(provider);
    const run = tracer.startSpan("PromptLayer Run");
    child(tracer, run, "chat gpt-4o-mini", chatAttributes({ "promptlayer.request_log.managed": "true", "promptlayer.request_log.span_id": run.spanContext().spanId })).end();
    run.end();
    await provider.forceFlush();
    const tracked = await client.call("POST", "/track-request", {
      function_name: "openai.chat.completions.create",
      kwargs: { model: "gpt-4o-mini", messages: [] },
      request_response: {},
      request_start_time: 1,
      request_end_time: 2,
      span_id: run.spanContext().spanId,
      api_key: KEY,
    }, { key: null });
    expect(client.backend.store.requests.get(tracked.body.request_id)!.traceId).toBe(run.spanContext().traceId);
    expect((await requestsOf(run.spanContext().traceId)).map((l) => l.source)).toEqual(["track-request"]);
  });

  it("accepts gzip-compressed OTLP/JSON and records failed calls as errors", async () => {
    const { tracer, provider } = pipeline({ protocol: "http/json", compression: "gzip" });
    providers.push(provider);
    const span = tracer.startSpan("chat claude-haiku-4-5", { kind: SpanKind.CLIENT, attributes: { ...chatAttributes(), "gen_ai.provider.name": "anthropic", "gen_ai.request.model": "claude-haiku-4-5", "gen_ai.response.model": "claude-haiku-4-5" } });
    span.setStatus({ code: SpanStatusCode.ERROR, message: "overloaded" });
    span.end();
    await provider.forceFlush();
    const [log] = await requestsOf(span.spanContext().traceId);
    expect(log).toMatchObject({ provider_type: "anthropic", function_name: "anthropic.messages.create", status: "ERROR", error_message: "overloaded" });
  });

  it("stores a re-sent export once", async () => {
    const traceId = "5b8efff798038103d269b633813fc60c";
    const body = JSON.stringify({
      resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "t" }, spans: [{
        traceId, spanId: "eee19b7ec3c1b174", name: "chat gpt-4o", kind: 3, startTimeUnixNano: "1767323045000000000", endTimeUnixNano: "1767323046000000000",
        attributes: [
          { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
          { key: "gen_ai.provider.name", value: { stringValue: "openai" } },
          { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
        ],
      }] }] }],
    });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${client.url}/v1/traces`, { method: "POST", headers: { "content-type": "application/json", "content-encoding": "gzip", "x-api-key": KEY }, body: gzipSync(body) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
    }
    expect(await requestsOf(traceId)).toHaveLength(1);
    expect(client.backend.store.spans.spansOf(traceId)).toHaveLength(1);
  });

  it("answers malformed exports with the collector's statuses", async () => {
    const post = (body: string | Buffer, type: string) => fetch(`${client.url}/v1/traces`, { method: "POST", headers: { "content-type": type, "x-api-key": KEY }, body });
    expect((await post(Buffer.from([0xff, 0xff, 0xff]), "application/x-protobuf")).status).toBe(400);
    expect((await post("{", "application/json")).status).toBe(400);
    expect((await post("x", "text/plain")).status).toBe(415);
    const unauthorized = await fetch(`${client.url}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ success: false, message: "Invalid API key", error: "No API key was sent (X-API-KEY header)" });
  });

  it("answers 404 for an unknown trace", async () => {
    expect((await client.call("GET", "/api/local/traces/00000000000000000000000000000001")).status).toBe(404);
  });
});
