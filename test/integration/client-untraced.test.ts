/**
 * The client in an app that never set up tracing (no tracer provider registered): nothing records
 * spans, so a logged request has no span to point at. Its `span_id` must be null — not the
 * all-zero id of a non-recording span, which the service would take for a real span.
 */
import { trace } from "@opentelemetry/api";
import * as openaiModule from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { providerEnvironment } from "../../src/config.js";
import { PromptLayer } from "../../src/client/index.js";
import { chatTemplate, startClientTestServer, TEST_PL_KEY, type ClientTestServer } from "../helpers/client-server.js";

let server: ClientTestServer;
let mock: MockModelServer;
let pl: PromptLayer;

beforeAll(async () => {
  server = await startClientTestServer();
  mock = await startMockModelServer();
  server.addTemplate(chatTemplate(1, "untraced", { provider: "openai", name: "gpt-4o-mini" }, [{ role: "user", text: "Hi {name}" }]));
  pl = new PromptLayer(
    { apiKey: TEST_PL_KEY, baseURL: server.url },
    { providerEnv: () => providerEnvironment({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${mock.url}/v1` }) },
  );
});
afterEach(() => server.reset());
afterAll(async () => {
  await Promise.all([server.close(), mock.close()]);
});

const tracked = async () => {
  await expect.poll(() => server.callsTo("/track-request").length).toBe(1);
  return server.callsTo("/track-request")[0]!.body;
};

describe("without tracing set up", () => {
  it("has no recording tracer (the premise of this file)", () => {
    expect(trace.getTracer("probe").startSpan("probe").isRecording()).toBe(false);
  });

  it("run() logs the request with span_id null", async () => {
    const result = await pl.run({ promptName: "untraced", inputVariables: { name: "Ada" } });
    expect(result.request_id).toEqual(expect.any(Number));
    const body = await tracked();
    expect(body).toHaveProperty("span_id", null);
  });

  it("a streamed run() logs span_id null too", async () => {
    for await (const _ of await pl.run({ promptName: "untraced", inputVariables: { name: "Bo" }, stream: true })) void _;
    expect(await tracked()).toHaveProperty("span_id", null);
  });

  it("the pl.openai() wrapper logs span_id null", async () => {
    const OpenAI = await pl.openai({ module: openaiModule });
    const client = new OpenAI({ apiKey: "sk-test", baseURL: `${mock.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
    expect(await tracked()).toHaveProperty("span_id", null);
  });
});
