/**
 * The one model call every variant makes: same prompt, same parameters, same reply, so the only
 * difference between two measurements is what observes the call.
 */
export type Provider = "openai" | "anthropic";
export type Scenario = "nonStream" | "stream";
export const SCENARIOS: readonly Scenario[] = ["nonStream", "stream"];

/** Streamed content deltas per streaming call (the mock's `x-mock-chunks`). */
export const STREAM_CHUNKS = 50;

/** Appears in the prompt, so a span that captured content can be recognised. */
export const CONTENT_MARKER = "bench-marker-7f3a";

const SYSTEM =
  `You are the support assistant of a small online bookshop (${CONTENT_MARKER}). Answer in two or three sentences, ` +
  "quote order numbers exactly, never invent delivery dates, and hand over to a human when the customer asks for a refund.";
const USER =
  "Hi! I ordered 'The Left Hand of Darkness' last Tuesday (order 48213) and the tracking page has said 'label created' " +
  "for five days now. Is it actually on its way, and can I still change the delivery address to my office?";

export const MOCK_HEADERS = { "x-mock-chunks": String(STREAM_CHUNKS) };

export function requestParams(provider: Provider, scenario: Scenario): Record<string, unknown> {
  const stream = scenario === "stream";
  if (provider === "openai") {
    return {
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: SYSTEM },
        { role: "user", content: USER },
      ],
      max_tokens: 256,
      temperature: 0.2,
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
  }
  return {
    model: "claude-sonnet-4-5",
    system: SYSTEM,
    messages: [{ role: "user", content: USER }],
    max_tokens: 256,
    temperature: 0.2,
    ...(stream ? { stream: true } : {}),
  };
}

/** The path each SDK posts to, relative to the mock server's root. */
export function endpointPath(provider: Provider): string {
  return provider === "openai" ? "/v1/chat/completions" : "/v1/messages";
}

type Create = (params: Record<string, unknown>) => Promise<unknown>;

export interface BenchClient {
  /** One awaited non-streaming call. */
  nonStream(): Promise<void>;
  /** One streaming call, consumed to the end; resolves with the content deltas seen. */
  stream(): Promise<number>;
}

export interface ClientOptions {
  /** The SDK module as `require()` returned it. */
  sdk: unknown;
  /** The mock server's root URL (loopback mode) or any URL (in-process mode). */
  baseURL: string;
  /** In-process mode: answers requests without a socket. */
  fetch?: typeof fetch;
}

function sdkClass(sdk: unknown, name: string): new (opts: Record<string, unknown>) => unknown {
  const m = sdk as Record<string, unknown>;
  const cls = m[name] ?? (m.default as Record<string, unknown> | undefined)?.[name] ?? m.default;
  if (typeof cls !== "function") throw new Error(`the SDK module has no ${name} class`);
  return cls as new (opts: Record<string, unknown>) => unknown;
}

export function makeClient(provider: Provider, options: ClientOptions): BenchClient {
  const common = { apiKey: "bench-key", maxRetries: 0, defaultHeaders: MOCK_HEADERS, ...(options.fetch ? { fetch: options.fetch } : {}) };
  let create: Create;
  let isDelta: (event: unknown) => boolean;
  if (provider === "openai") {
    const client = new (sdkClass(options.sdk, "OpenAI"))({ ...common, baseURL: `${options.baseURL}/v1` }) as {
      chat: { completions: { create: Create } };
    };
    create = (p) => client.chat.completions.create(p);
    // The first chunk carries the role with empty content; count only chunks with text.
    isDelta = (c) => {
      const text = (c as { choices?: Array<{ delta?: { content?: unknown } }> }).choices?.[0]?.delta?.content;
      return typeof text === "string" && text.length > 0;
    };
  } else {
    const client = new (sdkClass(options.sdk, "Anthropic"))({ ...common, baseURL: options.baseURL }) as { messages: { create: Create } };
    create = (p) => client.messages.create(p);
    isDelta = (e) => (e as { type?: string }).type === "content_block_delta";
  }
  const nonStreamParams = requestParams(provider, "nonStream");
  const streamParams = requestParams(provider, "stream");
  return {
    async nonStream() {
      await create(nonStreamParams);
    },
    async stream() {
      const events = (await create(streamParams)) as AsyncIterable<unknown>;
      let deltas = 0;
      for await (const event of events) if (isDelta(event)) deltas++;
      return deltas;
    },
  };
}
