import * as anthropicModule from "@anthropic-ai/sdk";
import { SpanKind } from "@opentelemetry/api";
import * as openaiModule from "openai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AnthropicInstrumentation } from "../../instrumentations/anthropic/instrumentation.js";
import { OpenAIInstrumentation } from "../../instrumentations/openai/instrumentation.js";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { PromptLayer, type PromptBlueprint, type RunStreamItem } from "../../src/index.js";
import { providerEnvironment } from "../../src/config.js";
import { createConsoleLogger, setLogger, type Logger } from "../../src/logger.js";
import { withRequestContext } from "../../src/tracing/request-context.js";
import { traceable } from "../../src/tracing/traceable.js";
import { chatTemplate, startClientTestServer, TEST_PL_KEY, type ClientTestServer } from "../helpers/client-server.js";
import { parentOf, useMemoryTracing } from "../helpers/memory-tracing.js";

const tracing = useMemoryTracing();
const openaiInstrumentation = new OpenAIInstrumentation({ enabled: false });
const anthropicInstrumentation = new AnthropicInstrumentation({ enabled: false });

// Sentinel provider keys: none of them may ever reach the PromptLayer server.
const OPENAI_KEY = "sk-openai-SENTINEL-7f3a9c";
const ANTHROPIC_KEY = "sk-ant-SENTINEL-41be07";
const GEMINI_KEY = "gemini-SENTINEL-c0ffee";
const SENTINELS = [OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY];

let pl: PromptLayer;
let server: ClientTestServer;
let mock: MockModelServer;
let failingProvider: Server;
let failingUrl: string;
const warnings: string[] = [];

function client(env: Record<string, string> = {}, sleep?: () => Promise<void>): PromptLayer {
  return new PromptLayer(
    { apiKey: TEST_PL_KEY, baseURL: server.url },
    {
      sleep,
      providerEnv: () =>
        providerEnvironment({
          OPENAI_API_KEY: OPENAI_KEY,
          OPENAI_BASE_URL: `${mock.url}/v1`,
          ANTHROPIC_API_KEY: ANTHROPIC_KEY,
          ANTHROPIC_BASE_URL: mock.url,
          GEMINI_API_KEY: GEMINI_KEY,
          GEMINI_BASE_URL: mock.url,
          ...env,
        }),
    },
  );
}

const capture: Logger = { ...createConsoleLogger("none"), warn: (m: string) => void warnings.push(m) };

beforeAll(async () => {
  openaiInstrumentation.manuallyInstrument(openaiModule);
  anthropicInstrumentation.manuallyInstrument(anthropicModule);
  mock = await startMockModelServer();
  server = await startClientTestServer();
  // An OpenAI-compatible endpoint that rejects every key, like the recorded auth-failure cassette.
  failingProvider = createServer((req, res) => {
    req.resume();
    req.on("end", () =>
      res
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: "Incorrect API key provided: sk-openai-SENTINEL-7f3a9c.", type: "invalid_request_error", code: "invalid_api_key" } })),
    );
  });
  await new Promise<void>((r) => failingProvider.listen(0, "127.0.0.1", r));
  failingUrl = `http://127.0.0.1:${(failingProvider.address() as AddressInfo).port}/v1`;
  const system = { role: "system", text: "You are terse." };
  const user = { role: "user", text: "Say hi to {name}" };
  server.addTemplate(chatTemplate(1, "openai-chat", { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: { temperature: 0.2 } }, [system, user]));
  server.addTemplate(chatTemplate(2, "openai-default-api", { provider: "openai", name: "gpt-4o-mini" }, [user]));
  server.addTemplate(chatTemplate(3, "openai-responses", { provider: "openai", name: "gpt-4.1-mini", api_type: "responses" }, [system, user]));
  server.addTemplate(chatTemplate(4, "anthropic-chat", { provider: "anthropic", name: "claude-sonnet-5-5" }, [system, user]));
  server.addTemplate(chatTemplate(5, "gemini-chat", { provider: "google", name: "gemini-2.5-flash" }, [system, user]));
  pl = client();
  setLogger(capture);
});

afterEach(() => {
  server.reset();
  warnings.length = 0;
});

afterAll(async () => {
  setLogger(createConsoleLogger());
  await Promise.all([mock.close(), server.close(), new Promise<void>((r) => failingProvider.close(() => r()))]);
});

const trackCalls = () => server.callsTo("/track-request");
const onlyTrack = () => {
  const calls = trackCalls();
  expect(calls).toHaveLength(1);
  return calls[0]!.body;
};
const lastMessageText = (bp: PromptBlueprint) => {
  const pt = bp.prompt_template;
  if (pt.type !== "chat") throw new Error("expected a chat blueprint");
  const last = pt.messages.at(-1)!;
  return Array.isArray(last.content) ? last.content.map((b) => b.text ?? "").join("") : String(last.content ?? "");
};

async function collect(stream: AsyncIterable<RunStreamItem>): Promise<RunStreamItem[]> {
  const items: RunStreamItem[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

const PROVIDERS = [
  { prompt: "openai-chat", functionName: "openai.chat.completions.create", mockPath: "/v1/chat/completions" },
  { prompt: "openai-responses", functionName: "openai.responses.create", mockPath: "/v1/responses" },
  { prompt: "anthropic-chat", functionName: "anthropic.messages.create", mockPath: "/v1/messages" },
  { prompt: "gemini-chat", functionName: "google.convo.send_message", mockPath: "/v1beta/models/gemini-2.5-flash:generateContent" },
] as const;

describe("run() without streaming", () => {
  for (const p of PROVIDERS) {
    it(`calls ${p.functionName} with the rendered template and logs it with the prompt's id and version (${p.prompt})`, async () => {
      const before = mock.requests.length;
      const result = await pl.run({ promptName: p.prompt, inputVariables: { name: "Ada" }, tags: ["t1"], metadata: { user: "u-1" }, groupId: 7 });

      const sent = mock.requests.slice(before);
      expect(sent.map((r) => r.path)).toEqual([p.mockPath]);
      expect(JSON.stringify(sent[0]!.body)).toContain("Say hi to Ada");

      const body = onlyTrack();
      expect(body).toMatchObject({
        function_name: p.functionName,
        prompt_id: server.templates.get(p.prompt)!.id,
        prompt_version: 1,
        prompt_input_variables: { name: "Ada" },
        tags: ["t1"],
        metadata: { user: "u-1" },
        group_id: 7,
        return_prompt_blueprint: true,
        api_key: TEST_PL_KEY,
      });
      expect(body.kwargs).toMatchObject({ stream: false });
      expect(typeof body.request_start_time).toBe("string");
      expect(result.request_id).toEqual(expect.any(Number));
      expect(JSON.stringify(result.raw_response)).toContain("Mock reply to: Say hi to Ada");
      expect(result.prompt_blueprint).toMatchObject({ server: true });
      expect(lastMessageText(result.prompt_blueprint)).toContain("Mock reply to: Say hi to Ada");
    });
  }

  it("uses chat completions when the template has no api_type", async () => {
    const before = mock.requests.length;
    await pl.run({ promptName: "openai-default-api", inputVariables: { name: "Bo" } });
    expect(mock.requests.slice(before).map((r) => r.path)).toEqual(["/v1/chat/completions"]);
    expect(onlyTrack().function_name).toBe("openai.chat.completions.create");
  });

  it("still returns the model's answer when only the logging fails: request_id null, a warning, a local blueprint", async () => {
    const noWait = client({}, async () => {});
    server.fault({ pathPrefix: "/track-request", status: 503, times: 4 });
    const result = await noWait.run({ promptName: "openai-chat", inputVariables: { name: "Cy" } });
    expect(trackCalls()).toHaveLength(4);
    expect(result.request_id).toBeNull();
    expect(JSON.stringify(result.raw_response)).toContain("Mock reply to: Say hi to Cy");
    expect(lastMessageText(result.prompt_blueprint)).toContain("Mock reply to: Say hi to Cy");
    expect(warnings.some((w) => w.includes("succeeded but logging it to PromptLayer failed"))).toBe(true);
    const run = tracing.spans().find((s) => s.name === "promptlayer.run openai-chat")!;
    expect(run.attributes["promptlayer.request_log.error"]).toContain("503");
  });
});

describe("run() when the provider fails", () => {
  it("logs the failure with error_type PROVIDER_AUTH_ERROR and rethrows the provider's own error", async () => {
    const failing = client({ OPENAI_BASE_URL: failingUrl });
    const error = await failing.run({ promptName: "openai-chat", inputVariables: { name: "Di" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(openaiModule.AuthenticationError);
    const body = onlyTrack();
    expect(body).toMatchObject({ status: "ERROR", error_type: "PROVIDER_AUTH_ERROR", request_response: {}, prompt_id: 1 });
    expect(String(body.error_message).length).toBeLessThanOrEqual(1024);
    expect(String(body.error_message)).toContain("Incorrect API key");
  });

  it("rethrows the provider's error even when logging the failure fails too", async () => {
    const failing = client({ OPENAI_BASE_URL: failingUrl });
    server.fault({ pathPrefix: "/track-request", status: 400, times: 1 });
    const error = await failing.run({ promptName: "openai-chat", inputVariables: { name: "Ed" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(openaiModule.AuthenticationError);
    expect(warnings.some((w) => w.includes("logging it to PromptLayer failed"))).toBe(true);
  });

  it("throws a typed not-found error for an unknown prompt and calls no provider", async () => {
    const before = mock.requests.length;
    await expect(pl.run({ promptName: "no-such-prompt" })).rejects.toMatchObject({ name: "PromptLayerNotFoundError", status: 404 });
    expect(mock.requests.length).toBe(before);
  });
});

describe("run() with stream: true", () => {
  for (const p of PROVIDERS) {
    it(`yields one item per ${p.prompt} chunk with the accumulated blueprint; the last one carries request_id`, async () => {
      const stream = await pl.run({ promptName: p.prompt, inputVariables: { name: "Flo" }, metadata: { plan: "pro" }, stream: true });
      const items = await collect(stream);
      expect(items.length).toBeGreaterThan(2);
      expect(items.slice(0, -1).every((i) => i.request_id === null)).toBe(true);
      expect(items.at(-1)!.request_id).toEqual(expect.any(Number));
      // Accumulated, not per-chunk: each item's reply text extends the previous one.
      const texts = items.map((i) => lastMessageText(i.prompt_blueprint));
      for (let k = 1; k < texts.length; k++) expect(texts[k]!.startsWith(texts[k - 1]!)).toBe(true);
      const full = texts.at(-1)!;
      expect(full).toContain("Mock reply to: Say hi to Flo");
      expect(items.every((i) => i.raw_response !== null && typeof i.raw_response === "object")).toBe(true);
      // The user's metadata is request metadata, never blueprint metadata (CONTRACT §9.1).
      expect(items[0]!.prompt_blueprint.metadata?.model).toMatchObject({ parameters: { stream: true } });

      const body = onlyTrack();
      expect(body).toMatchObject({ function_name: p.functionName, metadata: { plan: "pro" }, kwargs: { stream: true } });
      expect(JSON.stringify(body.request_response)).toContain(full.slice(0, 40));
      // The last item's blueprint is the service's (logged), the others are built on the client.
      expect(items.at(-1)!.prompt_blueprint).toMatchObject({ server: true });
    });
  }

  it("asks OpenAI chat streams for usage (stream_options.include_usage) and logs exactly what was sent", async () => {
    const before = mock.requests.length;
    await collect(await pl.run({ promptName: "openai-chat", inputVariables: { name: "Gus" }, stream: true }));
    const sent = mock.requests.slice(before)[0]!.body as Record<string, unknown>;
    expect(sent.stream_options).toEqual({ include_usage: true });
    expect(onlyTrack().kwargs).toEqual(sent);
    expect((onlyTrack().request_response as { usage?: unknown }).usage).toMatchObject({ prompt_tokens: expect.any(Number) });
  });

  it("logs a partial response when the consumer stops reading early", async () => {
    const stream = await pl.run({ promptName: "anthropic-chat", inputVariables: { name: "Hal" }, stream: true });
    for await (const item of stream) {
      expect(item.request_id).toBeNull();
      break;
    }
    await expect.poll(() => trackCalls().length).toBe(1);
    expect(onlyTrack()).toMatchObject({ status: "WARNING", error_type: "PROVIDER_PARTIAL_RESPONSE" });
  });
});

describe("run() tracing", () => {
  it("nests the template fetch and the instrumented model span under the run span, linked by span_id", async () => {
    await pl.run({ promptName: "openai-chat", inputVariables: { name: "Ivy" }, metadata: { team: "a" }, tags: ["x"] });
    const run = tracing.byName("promptlayer.run openai-chat");
    const fetch = tracing.byName("promptlayer.template.fetch openai-chat");
    const model = tracing.byName("chat gpt-4o-mini");
    expect(parentOf(run)).toBeUndefined();
    expect(parentOf(fetch)).toBe(run.spanContext().spanId);
    expect(parentOf(model)).toBe(run.spanContext().spanId);
    expect(model.kind).toBe(SpanKind.CLIENT);
    expect(run.attributes).toMatchObject({
      node_type: "CODE_EXECUTION",
      "promptlayer.prompt.name": "openai-chat",
      "promptlayer.prompt.id": "1",
      "promptlayer.prompt.version": 1,
      "promptlayer.metadata.team": "a",
      "promptlayer.tags": ["x"],
      "promptlayer.request_log.id": expect.any(Number),
    });
    expect(JSON.parse(String(run.attributes["promptlayer.prompt.input_variables"]))).toEqual({ name: "Ivy" });
    expect(fetch.attributes).toMatchObject({ node_type: "PROMPT_TEMPLATE", "promptlayer.prompt.requested.name": "openai-chat", "promptlayer.prompt.cache_hit": false });
    expect(model.attributes).toMatchObject({
      node_type: "LLM_CALL",
      "promptlayer.prompt.name": "openai-chat",
      "promptlayer.prompt.id": "1",
      "promptlayer.prompt.version": 1,
      "promptlayer.request_log.managed": true,
      "promptlayer.request_log.span_id": run.spanContext().spanId,
    });
    expect(onlyTrack().span_id).toBe(run.spanContext().spanId);
  });

  it("records Gemini calls (no SDK to instrument) as a conventions span under the run, tied to the prompt", async () => {
    await pl.run({ promptName: "gemini-chat", inputVariables: { name: "Gem" } });
    const run = tracing.byName("promptlayer.run gemini-chat");
    const model = tracing.byName("generate_content gemini-2.5-flash");
    expect(parentOf(model)).toBe(run.spanContext().spanId);
    expect(model.kind).toBe(SpanKind.CLIENT);
    expect(model.attributes).toMatchObject({
      "gen_ai.operation.name": "generate_content",
      "gen_ai.provider.name": "gcp.gemini",
      "gen_ai.request.model": "gemini-2.5-flash",
      "gen_ai.request.stream": false,
      "server.address": "127.0.0.1",
      node_type: "LLM_CALL",
      "promptlayer.prompt.name": "gemini-chat",
      "promptlayer.request_log.managed": true,
      "promptlayer.request_log.span_id": run.spanContext().spanId,
    });
    expect(model.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
    expect(model.attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"]);
    expect(JSON.stringify(model.attributes)).not.toContain(GEMINI_KEY);
    tracing.reset();

    await collect(await pl.run({ promptName: "gemini-chat", inputVariables: { name: "Gem" }, stream: true }));
    const streamed = tracing.byName("generate_content gemini-2.5-flash");
    expect(streamed.attributes).toMatchObject({ "gen_ai.request.stream": true, "gen_ai.response.finish_reasons": ["stop"] });
    expect(streamed.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThan(0);
    expect(streamed.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
  });

  it("puts the prompt's name, id, version and label on the run span and on the provider span under it", async () => {
    server.addTemplate(chatTemplate(7, "label-traced", { provider: "anthropic", name: "claude-sonnet-5-5" }, [{ role: "user", text: "Hi {name}" }], { labels: ["prod"] }));
    server.templates.get("label-traced")!.versions.push({ ...server.templates.get("label-traced")!.versions[0]!, version: 2, labels: ["staging"] });
    const result = await pl.run({ promptName: "label-traced", promptReleaseLabel: "staging", inputVariables: { name: "Lu" } });
    const run = tracing.byName("promptlayer.run label-traced");
    const model = tracing.byName("chat claude-sonnet-5-5");
    expect(parentOf(model)).toBe(run.spanContext().spanId);
    const prompt = { "promptlayer.prompt.name": "label-traced", "promptlayer.prompt.id": "7", "promptlayer.prompt.version": 2, "promptlayer.prompt.label": "staging" };
    expect(run.attributes).toMatchObject(prompt);
    expect(model.attributes).toMatchObject({ ...prompt, "promptlayer.request_log.managed": true });
    // A plain label (no A/B release behind it) is no experiment.
    expect(result.experiment).toBeUndefined();
    expect(run.attributes["promptlayer.experiment.label"]).toBeUndefined();
    expect(onlyTrack().metadata).toEqual({});
  });

  it("makes one trace of a traceable agent that calls run() twice: both runs and their provider spans under the agent span", async () => {
    const agent = traceable(
      async function supportAgent(name: string) {
        const first = await pl.run({ promptName: "openai-chat", inputVariables: { name } });
        const second = await pl.run({ promptName: "anthropic-chat", inputVariables: { name } });
        return [first.request_id, second.request_id];
      },
      { name: "support-agent" },
    );
    const ids = await agent("Max");
    expect(ids.every((id) => typeof id === "number")).toBe(true);

    const spans = tracing.spans();
    const root = tracing.byName("support-agent");
    expect(parentOf(root)).toBeUndefined();
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([root.spanContext().traceId]));
    const runs = [tracing.byName("promptlayer.run openai-chat"), tracing.byName("promptlayer.run anthropic-chat")];
    const models = [tracing.byName("chat gpt-4o-mini"), tracing.byName("chat claude-sonnet-5-5")];
    for (const [i, run] of runs.entries()) {
      expect(parentOf(run)).toBe(root.spanContext().spanId);
      expect(parentOf(models[i]!)).toBe(run.spanContext().spanId);
      expect(models[i]!.attributes["promptlayer.request_log.span_id"]).toBe(run.spanContext().spanId);
    }
    // Two logs, each tied to its own run span, and nothing else logged.
    expect(trackCalls().map((c) => c.body.span_id)).toEqual(runs.map((r) => r.spanContext().spanId));
  });

  it("ends the run span of a stream when the stream ends, with the model span inside it", async () => {
    await collect(await pl.run({ promptName: "anthropic-chat", inputVariables: { name: "Jo" }, stream: true }));
    const run = tracing.byName("promptlayer.run anthropic-chat");
    const model = tracing.byName("chat claude-sonnet-5-5");
    expect(parentOf(model)).toBe(run.spanContext().spanId);
    expect(model.attributes["promptlayer.request_log.span_id"]).toBe(run.spanContext().spanId);
  });
});

describe("run() in a request context", () => {
  it("logs the context's metadata, ids (user_id, session_id, conversation_id) and tags; the run's own metadata wins", async () => {
    const context = { userId: "u-ctx", sessionId: "s-9", conversationId: "c-3", metadata: { plan: "pro", team: "ctx" }, tags: ["ctx-tag", "shared"] };
    await withRequestContext(context, () => pl.run({ promptName: "openai-chat", inputVariables: { name: "Ada" }, metadata: { team: "run" }, tags: ["shared", "run-tag"] }));
    const body = onlyTrack();
    expect(body.metadata).toEqual({ plan: "pro", team: "run", user_id: "u-ctx", session_id: "s-9", conversation_id: "c-3" });
    expect(body.tags).toEqual(["ctx-tag", "shared", "run-tag"]);
  });

  it("lets externalUserId override the context's user, and keeps the experiment keys", async () => {
    server.addTemplate(chatTemplate(6, "labelled", { provider: "openai", name: "gpt-4o-mini" }, [{ role: "user", text: "hi" }], { labels: ["prod"], abLabels: ["prod"] }));
    await withRequestContext({ userId: "u-ctx", metadata: { user_id: "from-metadata" } }, () => pl.run({ promptName: "labelled", promptReleaseLabel: "prod", externalUserId: "u-explicit" }));
    expect(onlyTrack().metadata).toEqual({ user_id: "u-explicit", pl_experiment_label: "prod", pl_experiment_variant: "1" });
  });

  it("sends no context fields outside a request context", async () => {
    await pl.run({ promptName: "openai-chat", inputVariables: { name: "Ada" } });
    const body = onlyTrack();
    expect(body.metadata).toEqual({});
    expect(body.tags).toEqual([]);
  });
});

describe("provider keys", () => {
  it("never sends a provider key to PromptLayer, in any body or header, on success, stream or failure", async () => {
    for (const p of PROVIDERS) {
      await pl.run({ promptName: p.prompt, inputVariables: { name: "Kim" } });
      await collect(await pl.run({ promptName: p.prompt, inputVariables: { name: "Kim" }, stream: true }));
    }
    await client({ OPENAI_BASE_URL: failingUrl })
      .run({ promptName: "openai-chat", inputVariables: { name: "Kim" } })
      .catch(() => {});
    expect(trackCalls().length).toBe(PROVIDERS.length * 2 + 1);
    for (const call of server.calls) {
      const seen = call.raw + JSON.stringify(call.headers) + call.path;
      for (const secret of SENTINELS) expect(seen).not.toContain(secret);
    }
    // And they did reach the providers.
    expect(JSON.stringify(mock.requests.map((r) => r.headers))).toContain(OPENAI_KEY);
    expect(JSON.stringify(mock.requests.map((r) => r.headers))).toContain(GEMINI_KEY);
  });
});
