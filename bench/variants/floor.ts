/**
 * `floor`: the least any span-based instrumentation can cost. A hand-written wrapper around the
 * SDK's `create` starts one CLIENT span with the request attributes ours sets, adds the response
 * id, model, finish reason and token counts, and ends it when the call's promise settles (for
 * streams: when the stream is returned, no per-chunk work). No content, no context entry, no
 * error handling, no stream observation: a reference point, not an instrumentation anyone
 * should ship. It shows what share of an instrumentation's overhead is the OpenTelemetry SDK's
 * own span start/end and attribute handling.
 */
import { SpanKind, trace } from "@opentelemetry/api";
import type { Provider } from "../workload.js";
import { NO_SDK_TRACING } from "./baseline.js";
import type { Variant } from "./types.js";

type Create = (this: unknown, params: Record<string, unknown>, options?: unknown) => PromiseLike<Record<string, unknown>>;
type Proto = { create: Create };

/** The client class the way the instrumentations find it (named export first, then default). */
function protoOf(provider: Provider, sdk: Record<string, unknown>): Proto | undefined {
  const name = provider === "openai" ? "OpenAI" : "Anthropic";
  const fallback = sdk.default as Record<string, unknown> | undefined;
  const cls = (sdk[name] ?? fallback?.[name] ?? fallback ?? sdk) as { Chat?: { Completions?: { prototype: Proto } }; Messages?: { prototype: Proto } };
  return provider === "openai" ? cls.Chat?.Completions?.prototype : cls.Messages?.prototype;
}

export const floor: Variant = {
  id: "floor",
  family: "provider",
  name: "reference: one bare span per call",
  content: "off",
  isDefault: true,
  providers: ["openai", "anthropic"],
  traced: true,
  expectedSpansPerCall: 1,
  env: NO_SDK_TRACING,
  async setup({ provider, peerRequire }) {
    const proto = protoOf(provider, peerRequire(provider === "openai" ? "openai" : "@anthropic-ai/sdk") as Record<string, unknown>);
    if (!proto) throw new Error(`floor: no create() to wrap on ${provider}`);
    const tracer = trace.getTracer("bench-floor");
    const original = proto.create;
    const system = provider === "openai" ? "openai" : "anthropic";
    proto.create = function (this: unknown, params: Record<string, unknown>, options?: unknown) {
      const span = tracer.startSpan(`chat ${String(params.model)}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": system,
          "gen_ai.request.model": String(params.model),
          "server.address": "canned.invalid",
          "server.port": 80,
          "gen_ai.request.max_tokens": Number(params.max_tokens),
          "gen_ai.request.temperature": Number(params.temperature),
        },
      });
      const result = original.call(this, params, options);
      result.then(
        (r) => {
          if (!params.stream) {
            const usage = (r.usage ?? {}) as Record<string, number>;
            span.setAttributes({
              "gen_ai.response.id": String(r.id),
              "gen_ai.response.model": String(r.model),
              "gen_ai.response.finish_reasons": ["stop"],
              "gen_ai.usage.input_tokens": usage.prompt_tokens ?? usage.input_tokens ?? 0,
              "gen_ai.usage.output_tokens": usage.completion_tokens ?? usage.output_tokens ?? 0,
            });
          }
          span.end();
        },
        () => span.end(),
      );
      return result;
    };
    return {};
  },
};
