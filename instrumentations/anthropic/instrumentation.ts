/**
 * `AnthropicInstrumentation`: one CLIENT span `chat {model}` per model call made through
 * `@anthropic-ai/sdk` (0.30 onward and 1.x), whatever helper made it: `messages.stream()` and its
 * MessageStream, `messages.parse`, `beta.messages.*`, `toolRunner` all go through the patched
 * `create` of `Anthropic.Messages` / `Anthropic.Beta.Messages`.
 *
 * Since 0.134 the SDK also starts spans of its own (`anthropic.messages.create`) whenever a
 * tracer provider is registered. Two spans per call, with different names and attributes, is the
 * failure to avoid: for every client this instrumentation sees, it turns the SDK's built-in spans
 * off (`client._tracer`, the SDK's own switch) and records the one conventions-conformant span.
 * `messages.countTokens` is not a model call — nothing is generated or billed as output — so it
 * gets no GenAI span.
 */
import { logger } from "../../src/logger.js";
import { GEN_AI_PROVIDER } from "../../src/semconv.js";
import { isObject } from "../genai/attributes.js";
import { GenAIInstrumentation, type Method, type Proto } from "../genai/base.js";
import type { GenAIInstrumentationConfig } from "../genai/config.js";
import { targetOf } from "../genai/target.js";
import { tracedCall } from "../genai/traced-call.js";
import { messages } from "./messages.js";

export type AnthropicInstrumentationConfig = GenAIInstrumentationConfig;

/** Methods that would start the SDK's own span without going through `create`. */
const HELPERS = ["stream", "toolRunner", "parse", "countTokens"] as const;

interface AnthropicClass {
  Messages?: { prototype: Proto };
  Beta?: { Messages?: { prototype: Proto } };
}

function anthropicClass(moduleExports: unknown): AnthropicClass | undefined {
  const m = moduleExports as { Anthropic?: unknown; default?: unknown } | undefined;
  const candidate = m?.Anthropic ?? (m?.default as { Anthropic?: unknown } | undefined)?.Anthropic ?? m?.default ?? m;
  return typeof candidate === "function" ? (candidate as AnthropicClass) : undefined;
}

function prototypes(Anthropic: AnthropicClass): Proto[] {
  return [Anthropic.Messages?.prototype, Anthropic.Beta?.Messages?.prototype].filter((p): p is Proto => p !== undefined);
}

/** The SDK's built-in tracing for `client`, switched off so our span is the only one. */
function silenceBuiltInTracing(client: unknown): void {
  if (isObject(client) && client._tracer !== undefined) client._tracer = undefined;
}

const TRACER_SWITCH = Symbol.for("promptlayer-otel.anthropic-tracer-switch");
type TracerSwitch = { silenced: boolean };

/**
 * Turns the SDK's built-in tracing off for every client from its construction, not only from its
 * first Messages call: the constructor's `this._tracer = …` lands in an accessor on the client class
 * that keeps the value aside and reads as "no tracer" while we are patched (as before the switch
 * existed, the SDK then makes no spans of its own). Unpatched, clients get their tracer back.
 * Clients made before patching keep their own property; the per-call switch covers those.
 */
function tracerSwitch(Anthropic: AnthropicClass): TracerSwitch | undefined {
  const proto = (Anthropic as unknown as { prototype?: Record<PropertyKey, unknown> }).prototype;
  if (!proto) return undefined;
  const existing = proto[TRACER_SWITCH] as TracerSwitch | undefined;
  if (existing) return existing;
  if (Object.getOwnPropertyDescriptor(proto, "_tracer")) return undefined; // an SDK shape we do not know
  const state: TracerSwitch = { silenced: false };
  const tracers = new WeakMap<object, unknown>();
  Object.defineProperty(proto, TRACER_SWITCH, { value: state });
  Object.defineProperty(proto, "_tracer", {
    configurable: true,
    get(this: object) {
      return state.silenced ? undefined : tracers.get(this);
    },
    set(this: object, tracer: unknown) {
      tracers.set(this, tracer);
    },
  });
  return state;
}

/** A helper method whose SDK span must not start: silence the client, then run it unchanged. */
function silencing(original: Method): Method {
  return function (this: unknown, ...args: unknown[]): unknown {
    silenceBuiltInTracing((this as { _client?: unknown } | undefined)?._client);
    return original.apply(this, args);
  };
}

export class AnthropicInstrumentation extends GenAIInstrumentation<AnthropicInstrumentationConfig> {
  constructor(config: AnthropicInstrumentationConfig = {}) {
    super("promptlayer-otel/anthropic", config);
  }

  protected sdkModule(): string {
    return "@anthropic-ai/sdk";
  }

  protected patch(moduleExports: unknown, version: string | undefined): void {
    try {
      const Anthropic = anthropicClass(moduleExports);
      if (!Anthropic || typeof Anthropic.Messages?.prototype?.create !== "function") {
        logger.warn(`@anthropic-ai/sdk ${version ?? ""}: the SDK's shape is not one we know (no Anthropic.Messages); calls are not traced`);
        return;
      }
      for (const proto of prototypes(Anthropic)) {
        this.wrapOnce(proto, "create", (original) => this.tracedCreate(original));
        for (const helper of HELPERS) this.wrapOnce(proto, helper, silencing);
      }
      const builtIn = tracerSwitch(Anthropic);
      if (builtIn) builtIn.silenced = true;
    } catch (error) {
      logger.warn("could not instrument @anthropic-ai/sdk; calls are not traced", error);
    }
  }

  protected unpatch(moduleExports: unknown): void {
    const Anthropic = anthropicClass(moduleExports);
    if (!Anthropic) return;
    for (const proto of prototypes(Anthropic)) for (const name of ["create", ...HELPERS]) this.unwrapIfWrapped(proto, name);
    const builtIn = tracerSwitch(Anthropic);
    if (builtIn) builtIn.silenced = false;
  }

  private tracedCreate(original: Method): Method {
    const instrumentation = this;
    return function (this: unknown, ...args: unknown[]): unknown {
      const params = args[0];
      const client = (this as { _client?: unknown } | undefined)?._client;
      silenceBuiltInTracing(client);
      if (!isObject(params)) return original.apply(this, args);
      return tracedCall(
        instrumentation.tracer,
        instrumentation,
        messages,
        targetOf(client, () => GEN_AI_PROVIDER.anthropic),
        () => original.apply(this, args),
        params,
      );
    };
  }
}
