/**
 * Sustained concurrency: many async tasks making instrumented calls at once. Every span must be
 * exported exactly once, under the right parent, with the right request's context.
 */
import * as openaiModule from "openai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIInstrumentation } from "../../instrumentations/openai/instrumentation.js";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { startOtlpReceiver, type OtlpReceiver } from "../../local/otlp/receiver.js";
import { withRequestContext } from "../../src/tracing/request-context.js";
import { init, shutdown } from "../../src/tracing/sdk.js";
import { traceable } from "../../src/tracing/traceable.js";

let mock: MockModelServer;
let receiver: OtlpReceiver;
const instrumentation = new OpenAIInstrumentation({ enabled: false });

beforeAll(async () => {
  mock = await startMockModelServer();
  receiver = await startOtlpReceiver();
  init({ endpoint: receiver.url, handleExit: false, instrumentations: false, batch: { maxQueueSize: 20_000, scheduledDelayMillis: 50 } });
  instrumentation.manuallyInstrument(openaiModule);
});
afterAll(async () => {
  instrumentation.disable();
  await shutdown();
  await mock.close();
  await receiver.close();
});

describe("200 concurrent instrumented requests, sustained", () => {
  it("exports every span exactly once with the right parent and context", async () => {
    const client = new OpenAI({ apiKey: "sk-load", baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const handle = traceable(async function handle(i: number) {
      const r = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `request ${i}` }] });
      const s = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `stream ${i}` }], stream: true });
      for await (const _ of s) void _;
      return r.id;
    });
    const WAVES = 3;
    const CONCURRENCY = 200;
    for (let w = 0; w < WAVES; w++) {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, k) => {
          const i = w * CONCURRENCY + k;
          return withRequestContext({ userId: `user-${i}` }, () => handle(i));
        }),
      );
    }
    await shutdown();

    const total = WAVES * CONCURRENCY;
    const spans = receiver.spans;
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length); // exported once each
    const parents = new Map(spans.filter((s) => s.name === "handle").map((s) => [s.spanId, s]));
    const chats = spans.filter((s) => s.name === "chat gpt-4o-mini");
    expect(parents.size).toBe(total);
    expect(chats).toHaveLength(2 * total);
    for (const chat of chats) {
      const parent = parents.get(chat.parentSpanId ?? "");
      expect(parent, "chat span has its request as parent").toBeDefined();
      expect(chat.traceId).toBe(parent!.traceId);
      expect(chat.attributes["user.id"]).toBe(parent!.attributes["user.id"]);
      expect(parent!.attributes["user.id"]).toBe(`user-${JSON.parse(String(parent!.attributes.function_input))[0]}`);
    }
  }, 120_000);
});
