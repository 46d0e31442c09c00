/**
 * Sentinel credentials must never show up in telemetry: not in attributes, events or exception
 * messages of any span, with content capture on, on success and on failure.
 */
import * as anthropicModule from "@anthropic-ai/sdk";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnthropicInstrumentation } from "../../instrumentations/anthropic/instrumentation.js";
import { useInstrumentedOpenAI } from "../helpers/openai.js";

const OPENAI_KEY = "sk-SENTINEL-openai-7f3a9c";
const ANTHROPIC_KEY = "sk-ant-SENTINEL-anthropic-2b8e1d";

const h = useInstrumentedOpenAI();
const anthropicInstrumentation = new AnthropicInstrumentation({ enabled: false, captureMessageContent: true });
beforeAll(() => anthropicInstrumentation.manuallyInstrument(anthropicModule));
afterAll(() => anthropicInstrumentation.disable());

function everything(): string {
  return JSON.stringify(
    h.tracing.spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status, resource: s.resource.attributes })),
  );
}

describe("provider API keys", () => {
  it("never appear in any span, on success, on errors and on streams", async () => {
    h.configure({ captureMessageContent: true });
    const openai = h.client({ apiKey: OPENAI_KEY, defaultHeaders: { "x-custom-auth": OPENAI_KEY } });
    await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    const stream = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "s" }], stream: true });
    for await (const _ of stream) void _;
    await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }, { headers: { "x-mock-status": "401" } }).catch(() => undefined);

    const anthropic = new Anthropic({ apiKey: ANTHROPIC_KEY, baseURL: h.mockUrl(), maxRetries: 0 });
    await anthropic.messages.create({ model: "claude-sonnet-5-5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
    await anthropic.messages.create({ model: "claude-sonnet-5-5", max_tokens: 50, messages: [{ role: "user", content: "x" }] }, { headers: { "x-mock-status": "401" } }).catch(() => undefined);

    const dump = everything();
    expect(h.tracing.spans().length).toBe(5);
    expect(dump).not.toContain("SENTINEL");
  });
});
