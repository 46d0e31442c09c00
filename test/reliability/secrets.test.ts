/**
 * Sentinel credentials must never show up in telemetry: not in attributes, events or exception
 * messages of any span, with content capture on, on success and on failure — also when the
 * provider's error quotes the key back (OpenAI's 401: "Incorrect API key provided: sk-…").
 */
import * as anthropicModule from "@anthropic-ai/sdk";
import Anthropic from "@anthropic-ai/sdk";
import { SpanStatusCode } from "@opentelemetry/api";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AnthropicInstrumentation } from "../../instrumentations/anthropic/instrumentation.js";
import { traceable } from "../../src/tracing/traceable.js";
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

describe("provider error messages on spans", () => {
  /** The status message and every exception event attribute of the only span. */
  function recordedError() {
    const spans = h.tracing.spans();
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    const exception = span.events.find((e) => e.name === "exception");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(exception).toBeDefined();
    return { status: span.status.message ?? "", exception: JSON.stringify(exception!.attributes), span };
  }

  async function rejectedCall(apiKey: string): Promise<unknown> {
    const openai = h.client({ apiKey });
    return openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }, { headers: { "x-mock-status": "401" } }).then(
      () => expect.fail("the call should have been rejected"),
      (error: unknown) => error,
    );
  }

  it("a 401 that quotes the key leaves it out of the status message and the exception event", async () => {
    vi.stubEnv("OPENAI_API_KEY", OPENAI_KEY);
    try {
      const error = await rejectedCall(OPENAI_KEY);
      // The provider really quoted the key, and the caller still gets the provider's own error.
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as Error).message).toContain(OPENAI_KEY);

      const { status, exception } = recordedError();
      expect(status).toContain("Incorrect API key provided: [REDACTED]");
      expect(status).not.toContain("SENTINEL");
      expect(exception).toContain("Incorrect API key provided: [REDACTED]");
      expect(exception).not.toContain("SENTINEL");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("hides a key from the environment whatever its format, and an sk- key given in code", async () => {
    const oddKey = "SENTINEL-odd-format-41d7e9b2";
    vi.stubEnv("OPENAI_API_KEY", oddKey);
    try {
      await rejectedCall(oddKey);
      let { status, exception } = recordedError();
      expect(status + exception).not.toContain("SENTINEL");
      h.tracing.reset();

      // Not in the environment: recognized by its shape.
      await rejectedCall("sk-proj-SENTINEL-given-in-code-0c4f1a");
      ({ status, exception } = recordedError());
      expect(status + exception).not.toContain("SENTINEL");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("hides credentials in errors of traced functions: bearer tokens, key headers, Anthropic and Google keys", async () => {
    vi.stubEnv("PROMPTLAYER_API_KEY", "pl-SENTINEL-promptlayer-5e1b");
    try {
      const failing = traceable(async function callGateway() {
        const error = new Error(
          `upstream rejected Authorization: Bearer SENTINEL.jwt.token-19ab, x-api-key: SENTINEL-header-77, ` +
            `{"api_key": "SENTINEL-field-3c"} key ${ANTHROPIC_KEY}-abcdef123456 ` +
            `https://generativelanguage.googleapis.com/v1beta/models/x?key=SENTINEL-query-9f and pl-SENTINEL-promptlayer-5e1b`,
        );
        throw error;
      });
      await expect(failing()).rejects.toThrow(/SENTINEL/);
      const { status, exception, span } = recordedError();
      expect(status + exception).not.toContain("SENTINEL");
      // What the message was about survives.
      expect(status).toContain('upstream rejected Authorization: Bearer [REDACTED], x-api-key: [REDACTED], {"api_key": "[REDACTED]"}');
      expect(span.attributes["error.type"]).toBe("Error");
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
