/**
 * A failure inside the instrumentation never reaches the app: bad environment values and broken
 * meter providers leave every call's result and error exactly as the SDK made them.
 */
import { createNoopMeter, type Meter, type MeterProvider } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { AnthropicInstrumentation } from "../../instrumentations/anthropic/instrumentation.js";
import { OpenAIInstrumentation } from "../../instrumentations/openai/instrumentation.js";
import { createConsoleLogger, setLogger } from "../../src/logger.js";
import { useInstrumentedOpenAI } from "../helpers/openai.js";

const h = useInstrumentedOpenAI();
const VAR = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

afterEach(() => {
  delete process.env[VAR];
  h.configure({});
});

const ask = (content = "hello") => h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });

/** A meter provider whose instruments throw where `where` says. */
function brokenMeterProvider(where: "create" | "record"): MeterProvider {
  const boom = () => {
    throw new Error("meter bug");
  };
  const histogram = { record: boom };
  const counter = { add: boom };
  const meter = new Proxy({} as Meter, {
    get: (_t, name) => (where === "create" ? boom : name === "createCounter" || name === "createUpDownCounter" ? () => counter : () => histogram),
  });
  return { getMeter: () => meter };
}

describe("faults inside the instrumentation", () => {
  it("captures no content with neither the option nor the variable set (the OpenTelemetry default), and does with the variable", async () => {
    h.configure({});
    await ask();
    expect(h.tracing.byName("chat gpt-4o-mini").attributes["gen_ai.input.messages"]).toBeUndefined();
    h.tracing.reset();
    process.env[VAR] = "true";
    h.configure({});
    await ask();
    expect(h.tracing.byName("chat gpt-4o-mini").attributes["gen_ai.input.messages"]).toContain("hello");
  });

  it("reads the other GenAI instrumentations' capture modes (SPAN_ONLY means capture)", async () => {
    process.env[VAR] = "SPAN_ONLY";
    h.configure({});
    await ask();
    expect(h.tracing.byName("chat gpt-4o-mini").attributes["gen_ai.input.messages"]).toContain("hello");
  });

  it("an unknown capture value leaves the call alone and captures nothing", async () => {
    process.env[VAR] = "sometimes";
    h.configure({});
    const res = await ask();
    expect(res.choices[0]!.message.content).toContain("hello");
    const span = h.tracing.byName("chat gpt-4o-mini");
    expect(span.attributes["gen_ai.input.messages"]).toBeUndefined();
    expect(span.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
  });

  for (const where of ["create", "record"] as const) {
    it(`a meter provider that throws on ${where} changes no result and no error`, async () => {
      h.instrumentation.setMeterProvider(brokenMeterProvider(where));
      try {
        expect((await ask()).choices[0]!.message.content).toContain("hello");
        const stream = await h.client().chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "streamed" }] });
        let text = "";
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
        expect(text).toContain("streamed");
        const failure = await h
          .client()
          .chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }, { headers: { "x-mock-status": "500" } })
          .catch((e: unknown) => e);
        expect((failure as Error).constructor.name).toBe("InternalServerError");
        // Traced as usual when only recording fails; untraced (but unharmed) when instruments cannot be made.
        expect(h.tracing.spans()).toHaveLength(where === "record" ? 3 : 0);
      } finally {
        h.instrumentation.setMeterProvider({ getMeter: () => createNoopMeter() });
      }
    });
  }
});

describe("SDK shapes it does not know", () => {
  it("warns, never silently, when a future SDK lacks the classes it patches — and leaves the module working", () => {
    const warnings: string[] = [];
    setLogger({ debug: () => {}, info: () => {}, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) });
    try {
      const strangeOpenAI = { default: class OpenAI {} };
      new OpenAIInstrumentation({ enabled: false }).manuallyInstrument(strangeOpenAI);
      new AnthropicInstrumentation({ enabled: false }).manuallyInstrument({ default: class Anthropic {} });
      expect(warnings.some((w) => w.includes("openai") && w.includes("not traced"))).toBe(true);
      expect(warnings.some((w) => w.includes("@anthropic-ai/sdk") && w.includes("not traced"))).toBe(true);
      expect(new strangeOpenAI.default()).toBeInstanceOf(strangeOpenAI.default);
    } finally {
      setLogger(createConsoleLogger("warn"));
    }
  });

  it("traces a future major whose shape matches (feature detection, not version numbers)", async () => {
    class Completions {
      create(params: { model: string }) {
        return Promise.resolve({ id: "chatcmpl-future", model: params.model, choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "ok" } }] });
      }
    }
    class OpenAI {
      static Chat = { Completions };
    }
    const instrumentation = new OpenAIInstrumentation({ enabled: false });
    instrumentation.manuallyInstrument({ default: OpenAI });
    try {
      const result = await new Completions().create({ model: "gpt-9" });
      expect(result.id).toBe("chatcmpl-future");
      const span = h.tracing.byName("chat gpt-9");
      expect(span.attributes).toMatchObject({ "gen_ai.response.id": "chatcmpl-future", "gen_ai.response.finish_reasons": ["stop"] });
    } finally {
      instrumentation.disable();
    }
  });
});

describe("a call result of a shape it does not know", () => {
  it("never subscribes to a lazy promise itself: the body is read once, by the caller, and the span ends then", async () => {
    let reads = 0;
    // A lazy thenable (no promise): `then` is what starts the work (reads the body).
    class LazyResult implements PromiseLike<unknown> {
      constructor(private readonly model: string) {}
      then<A = unknown, B = never>(onFulfilled?: ((v: unknown) => A | PromiseLike<A>) | null, onRejected?: ((e: unknown) => B | PromiseLike<B>) | null) {
        reads++;
        return Promise.resolve({ id: "chatcmpl-lazy", model: this.model, choices: [] }).then(onFulfilled, onRejected);
      }
    }
    class Completions {
      create(params: { model: string }) {
        return new LazyResult(params.model);
      }
    }
    const instrumentation = new OpenAIInstrumentation({ enabled: false });
    const warnings: string[] = [];
    setLogger({ debug: () => {}, info: () => {}, warn: (m) => void warnings.push(m), error: () => {} });
    instrumentation.manuallyInstrument({ default: class OpenAI { static Chat = { Completions }; } });
    try {
      const pending = new Completions().create({ model: "gpt-lazy" });
      await new Promise((r) => setTimeout(r, 10));
      expect(reads).toBe(0);
      expect(h.tracing.spans()).toHaveLength(0);
      const result = (await pending) as { id: string };
      expect(result.id).toBe("chatcmpl-lazy");
      expect(reads).toBe(1);
      expect(h.tracing.byName("chat gpt-lazy").attributes["gen_ai.response.id"]).toBe("chatcmpl-lazy");
      expect(warnings.filter((w) => w.includes("shape"))).toHaveLength(1);
    } finally {
      instrumentation.disable();
      setLogger(createConsoleLogger("warn"));
    }
  });
});

describe("the content hook", () => {
  it("sees the request's content, then the response's, and null records none of that part", async () => {
    const seen: string[] = [];
    h.configure({
      captureMessageContent: true,
      contentHook: (content) => {
        seen.push(content.outputMessages ? "output" : "input");
        return content.inputMessages ? null : undefined;
      },
    });
    await ask("secret question");
    const span = h.tracing.byName("chat gpt-4o-mini");
    expect(seen).toEqual(["input", "output"]);
    expect(span.attributes["gen_ai.input.messages"]).toBeUndefined();
    expect(String(span.attributes["gen_ai.output.messages"])).toContain("secret question");
  });
});

describe("content size", () => {
  it("keeps a long conversation's input messages within the total budget, newest first, as valid JSON", async () => {
    h.configure({ captureMessageContent: true, maxContentLength: 1_000 });
    const messages = Array.from({ length: 200 }, (_, i) => ({ role: i % 2 ? ("assistant" as const) : ("user" as const), content: `message ${i} ${"x".repeat(900)}` }));
    await h.client().chat.completions.create({ model: "gpt-4o-mini", messages });
    const span = h.tracing.byName("chat gpt-4o-mini");
    const json = String(span.attributes["gen_ai.input.messages"]);
    expect(json.length).toBeLessThanOrEqual(16 * 1_000);
    const kept = JSON.parse(json) as Array<{ parts: Array<{ content: string }> }>;
    expect(kept.at(-1)!.parts[0]!.content).toContain("message 199 ");
    expect(kept.length + Number(span.attributes["promptlayer.content.omitted_messages"])).toBe(200);
    expect(span.attributes["promptlayer.content.truncated"]).toBe(true);
  });
});
