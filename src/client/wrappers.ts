/**
 * `pl.openai()` / `pl.anthropic()`: the app's own SDK client classes, extended so that every
 * model call is also logged to PromptLayer (track-request), and tagged with `pl_tags`.
 *
 * Why a subclass with per-instance methods, and not a Proxy: the SDK method must return the SDK's
 * own `APIPromise` (with `withResponse()`, `asResponse()`, stream helpers) and its declared types.
 * The subclass constructor puts, on each resource instance (`client.chat.completions`, …), a
 * `create` that strips `pl_tags`, calls the prototype's `create` — looked up per call, so the
 * OpenTelemetry instrumentation that patches the prototype still traces it — and observes the
 * returned promise in place (the same helper the instrumentations use). Nothing is wrapped, the
 * class's type is the SDK's, and clients built from the plain SDK class are untouched.
 *
 * One log per call, with tracing on too. The call is logged here, so the model span the
 * instrumentation (or the SDK's own tracing) starts for it must not become a second log: the
 * subclass also overrides the SDK's `prepareOptions` hook, which the client runs for every
 * request inside the model span's context. There, the span started inside the wrapped call (the
 * model span) is marked `promptlayer.request_log.managed=true` with
 * `promptlayer.request_log.span_id` = its own id, and that id is the logged request's
 * `span_id` — as `run()` does with its run span. Without a model span (no instrumentation) the
 * span active at the call is sent, and outside any trace `null`.
 *
 * The request context (`withRequestContext`) active at the call goes into the log too: its
 * metadata and ids (`user_id`, `session_id`, `conversation_id`), and its tags after the class's
 * and before the call's `pl_tags` (see `./request-context.ts`).
 */
import type { Anthropic as AnthropicClient } from "@anthropic-ai/sdk";
import { context, createContextKey, isSpanContextValid, trace, type Span } from "@opentelemetry/api";
import type { OpenAI as OpenAIClient } from "openai";
import { observeApiPromise } from "../../instrumentations/genai/api-promise.js";
import { isIterableStream, observeStream } from "../../instrumentations/genai/stream.js";
import { ATTR_PROMPTLAYER_REQUEST_LOG_MANAGED, ATTR_PROMPTLAYER_REQUEST_LOG_SPAN_ID } from "../semconv.js";
import { getRequestContext } from "../tracing/request-context.js";
import type { HttpClient } from "./http.js";
import { mergeLogMetadata, mergeLogTags } from "./request-context.js";
import { createAccumulator } from "./run/accumulate.js";
import { categorizeProviderError, providerErrorMessage } from "./run/error-type.js";
import type { ProviderApi } from "./run/plan.js";
import { loadAnthropic, loadOpenAI, type AnthropicModule, type OpenAIModule } from "./run/sdk.js";
import { trackRequest, type TrackRequestParams } from "./run/track-request.js";
import type { JsonObject } from "./types.js";
import { isPlainObject } from "./validate.js";

export type OpenAIClass = typeof OpenAIClient;
export type AnthropicClass = typeof AnthropicClient;

export interface LoggedRequest {
  request_id: number;
  function_name: string;
}

export interface ProviderClassOptions<Module> {
  /** The SDK module to extend, for bundled apps: `pl.openai({ module: await import("openai") })`. */
  module?: Module;
  /** Tags for every request logged from clients of this class (merged with each call's `pl_tags`). */
  tags?: string[];
  /** Called after each request is logged, with its request-log id (e.g. to score it later). */
  onRequestLogged?: (request: LoggedRequest) => void;
}

interface Surface {
  /** Path of the resource on the client, e.g. `chat.completions`. */
  path: string[];
  method: string;
  api: ProviderApi;
  functionName: string;
}

const OPENAI_SURFACES: Surface[] = [
  { path: ["chat", "completions"], method: "create", api: "openai.chat", functionName: "openai.chat.completions.create" },
  { path: ["completions"], method: "create", api: "openai.completions", functionName: "openai.completions.create" },
  { path: ["responses"], method: "create", api: "openai.responses", functionName: "openai.responses.create" },
  { path: ["images"], method: "generate", api: "openai.images", functionName: "openai.images.generate" },
];

const ANTHROPIC_SURFACES: Surface[] = [{ path: ["messages"], method: "create", api: "anthropic.messages", functionName: "anthropic.messages.create" }];

type Log = (entry: Omit<TrackRequestParams, "tags"> & { tags: string[] }) => void;

function spanIdOf(span: Span | undefined): string | null {
  const sc = span?.spanContext();
  return sc && isSpanContextValid(sc) ? sc.spanId : null;
}

/** One wrapped call, in the context its SDK call runs in, until its model span is known. */
interface WrappedCall {
  /** The span active when the call was made (the model span's parent, if one is started). */
  outer: Span | undefined;
  /** The model span started for this call, once the SDK's `prepareOptions` has seen it. */
  model?: Span | undefined;
}

const WRAPPED_CALL = createContextKey("promptlayer-otel.wrapped-call");

/** The span the call's log belongs to: its model span, else the span active at the call. */
function logSpanId(call: WrappedCall): string | null {
  return spanIdOf(call.model) ?? spanIdOf(call.outer);
}

/**
 * Runs inside the SDK's request pipeline (`prepareOptions`), in the context of the model span the
 * instrumentation started around the wrapped call: takes that span as the call's log span and
 * marks it as already logged, so the service makes no second log from the trace.
 */
function claimModelSpan(): void {
  const call = context.active().getValue(WRAPPED_CALL) as WrappedCall | undefined;
  if (!call || call.model) return;
  const span = trace.getActiveSpan();
  // The same span as at the call: nothing started a model span (no instrumentation).
  if (!span || span === call.outer) return;
  const id = spanIdOf(span);
  if (!id) return;
  call.model = span;
  span.setAttributes({ [ATTR_PROMPTLAYER_REQUEST_LOG_MANAGED]: true, [ATTR_PROMPTLAYER_REQUEST_LOG_SPAN_ID]: id });
}

function resourceAt(client: object, path: string[]): Record<string, unknown> | undefined {
  let r: unknown = client;
  for (const key of path) r = isPlainObjectLike(r) ? (r as Record<string, unknown>)[key] : undefined;
  return isPlainObjectLike(r) ? (r as Record<string, unknown>) : undefined;
}

function isPlainObjectLike(v: unknown): v is object {
  return v !== null && typeof v === "object";
}

/** Puts the logging `method` on one resource instance. */
function hookResource(resource: Record<string, unknown>, surface: Surface, providerType: string, classTags: string[], log: Log): void {
  const proto = Object.getPrototypeOf(resource) as Record<string, unknown> | null;
  if (typeof proto?.[surface.method] !== "function") return;
  Object.defineProperty(resource, surface.method, {
    configurable: true,
    writable: true,
    value: function loggedCall(this: unknown, params: unknown, ...rest: unknown[]): unknown {
      const original = proto[surface.method] as (...a: unknown[]) => unknown;
      if (!isPlainObject(params)) return original.call(this, params, ...rest);
      const { pl_tags: plTags, ...kwargs } = params;
      const requestContext = getRequestContext();
      const tags = mergeLogTags(requestContext, classTags, Array.isArray(plTags) ? plTags.filter((t): t is string => typeof t === "string") : []);
      const metadata = mergeLogMetadata(requestContext, undefined);
      const started = new Date();
      // The client's own key, so an error message that quotes it is scrubbed before logging.
      const secrets = [(this as { _client?: { apiKey?: unknown } } | undefined)?._client?.apiKey].filter((k): k is string => typeof k === "string");
      const call: WrappedCall = { outer: trace.getActiveSpan() };
      // The span id is read when logging: by then the SDK has reported the model span.
      const base = () => ({ functionName: surface.functionName, providerType, kwargs: kwargs as JsonObject, requestStartTime: started, spanId: logSpanId(call), tags, metadata });
      const result = context.with(context.active().setValue(WRAPPED_CALL, call), () => original.call(this, kwargs, ...rest));
      return observeApiPromise(result, {
        onResult: (value) => {
          if (!isIterableStream(value)) {
            log({ ...base(), requestResponse: value, requestEndTime: new Date() });
            return;
          }
          const acc = createAccumulator(surface.api);
          observeStream(value, {
            onChunk: (chunk) => acc.push(chunk),
            onEnd: ({ error, incomplete }) => {
              const end = { ...base(), requestResponse: acc.response(), requestEndTime: new Date() };
              if (error !== undefined) log({ ...end, status: "ERROR", errorType: categorizeProviderError(error), errorMessage: providerErrorMessage(error, secrets) });
              else if (incomplete) log({ ...end, status: "WARNING", errorType: "PROVIDER_PARTIAL_RESPONSE", errorMessage: "The stream was closed before the provider finished." });
              else log(end);
            },
          });
        },
        onError: (error) =>
          log({ ...base(), requestResponse: {}, requestEndTime: new Date(), status: "ERROR", errorType: categorizeProviderError(error), errorMessage: providerErrorMessage(error, secrets) }),
        onRawResponse: () => {
          // The caller took the raw HTTP response and never parsed it: nothing to log.
        },
      });
    },
  });
}

function requestLogger(http: HttpClient, onLogged: ((r: LoggedRequest) => void) | undefined): Log {
  return (entry) => {
    trackRequest(http, entry).then(
      (logged) => {
        try {
          onLogged?.({ request_id: logged.request_id, function_name: entry.functionName });
        } catch (error) {
          http.logger.warn("onRequestLogged threw", error);
        }
      },
      (error: unknown) => http.logger.warn(`logging ${entry.functionName} to PromptLayer failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
}

function extend<C extends abstract new (...args: never[]) => object>(Base: C, name: string, surfaces: Surface[], providerType: string, options: ProviderClassOptions<unknown>, http: HttpClient): C {
  const log = requestLogger(http, options.onRequestLogged);
  const tags = [...(options.tags ?? [])];
  // A class expression over an abstract-typed base: the SDK classes are concrete at run time.
  const Extended = class extends (Base as unknown as new (...args: unknown[]) => object) {
    constructor(...args: unknown[]) {
      super(...args);
      for (const s of surfaces) {
        const resource = resourceAt(this, s.path);
        if (resource) hookResource(resource, s, providerType, tags, log);
      }
    }
  };
  // The SDK's own hook for subclasses, run for every request (retries too) in the context of the
  // call's model span; the base's hook is looked up per call and still runs.
  if (typeof (Base.prototype as { prepareOptions?: unknown }).prepareOptions === "function") {
    Object.defineProperty(Extended.prototype, "prepareOptions", {
      configurable: true,
      writable: true,
      value: function prepareOptions(this: object, ...args: unknown[]): unknown {
        try {
          claimModelSpan();
        } catch (error) {
          http.logger.debug("could not mark the model span as logged", error);
        }
        const inherited = (Base.prototype as { prepareOptions: (...a: unknown[]) => unknown }).prepareOptions;
        return inherited.apply(this, args);
      },
    });
  }
  Object.defineProperty(Extended, "name", { value: name });
  return Extended as unknown as C;
}

export async function promptLayerOpenAI(http: HttpClient, options: ProviderClassOptions<OpenAIModule> = {}): Promise<OpenAIClass> {
  const mod = options.module ?? (await loadOpenAI());
  return extend(mod.OpenAI, "PromptLayerOpenAI", OPENAI_SURFACES, "openai", options, http);
}

export async function promptLayerAnthropic(http: HttpClient, options: ProviderClassOptions<AnthropicModule> = {}): Promise<AnthropicClass> {
  const mod = options.module ?? (await loadAnthropic());
  return extend(mod.Anthropic, "PromptLayerAnthropic", ANTHROPIC_SURFACES, "anthropic", options, http);
}
