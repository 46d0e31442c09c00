/**
 * `init()`, `shutdown()` and `forceFlush()`: a tracer provider with the PromptLayer span
 * processor, registered globally — unless the application already registered its own, which is
 * then left alone (see the NodeSDK recipe in the README).
 */
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type SpanProcessor } from "@opentelemetry/sdk-trace";
import { DEFAULT_BASE_URL, resolveConfig, type InitOptions, type ResolvedConfig } from "../config.js";
import { createConsoleLogger, logger, setLogger } from "../logger.js";
import { PACKAGE_VERSION } from "../version.js";
import { setContentCapture } from "./capture.js";
import { AISDKSpanProcessor } from "../integrations/ai-sdk.js";
import { onProcessExit } from "./exit.js";
import { enableInstrumentations } from "./instrumentations.js";
import type { ExportStats } from "./exporter.js";
import { PromptLayerSpanProcessor } from "./processor.js";
import { settleWithin } from "./timeout.js";

export interface TracingOptions extends InitOptions {
  /** More span processors on the same provider (e.g. a console exporter while debugging). */
  spanProcessors?: SpanProcessor[];
}

/** What `init()` set up. */
export interface Tracing {
  readonly config: ResolvedConfig;
  /** Our provider, or undefined when the application's own provider was kept. */
  readonly tracerProvider: TracerProvider | undefined;
  /** Our span processor, or undefined when the application's own provider was kept. */
  readonly spanProcessor: PromptLayerSpanProcessor | undefined;
  /** Export counters (all zero when the application's provider was kept). */
  stats(): Readonly<ExportStats> & { lost: number };
}

interface State extends Tracing {
  registered: { trace: boolean; context: boolean; propagation: boolean };
  removeExitHooks: () => void;
  disableInstrumentations: () => void;
}

// One setup per process, shared by the ESM and CJS builds.
const STATE = Symbol.for("promptlayer-otel.tracing");
type Holder = { [STATE]?: State };
const holder = globalThis as Holder;

function buildResource(config: ResolvedConfig) {
  const attributes: Record<string, string> = {
    ...config.resourceAttributes,
    "promptlayer.telemetry.source": "promptlayer-otel",
    "promptlayer.telemetry.source_version": PACKAGE_VERSION,
  };
  if (config.serviceName) attributes["service.name"] = config.serviceName;
  return defaultResource().merge(resourceFromAttributes(attributes));
}

/** The current setup, if `init()` ran. */
export function getTracing(): Tracing | undefined {
  return holder[STATE];
}

/**
 * Set up tracing: provider, PromptLayer span processor, context propagation and exit hooks.
 * Calling it again returns the existing setup. Throws `PromptLayerConfigError` for invalid
 * options or environment variables.
 */
export function init(options: TracingOptions = {}): Tracing {
  const existing = holder[STATE];
  if (existing) {
    logger.debug("init() already ran; keeping the first setup");
    return existing;
  }
  const config = resolveConfig(options);
  if (config.logLevel) setLogger(createConsoleLogger(config.logLevel));
  setContentCapture(config.captureContent);

  const registered = { trace: false, context: false, propagation: false };
  let tracerProvider: TracerProvider | undefined;
  let spanProcessor: PromptLayerSpanProcessor | undefined;

  if (!config.disabled) {
    if (!config.apiKey && config.endpoint.startsWith(DEFAULT_BASE_URL)) {
      logger.warn("no PromptLayer API key (PROMPTLAYER_API_KEY): the service will reject the spans");
    }
    spanProcessor = new PromptLayerSpanProcessor({ shutdownTimeoutMillis: config.shutdownTimeoutMillis }, config);
    const provider = new TracerProvider({
      resource: buildResource(config),
      // Children follow their parent, so a trace is kept or dropped whole.
      sampler: new ParentBasedSampler({ root: config.sampleRate >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(config.sampleRate) }),
      spanLimits: config.spanLimits,
      // The AI SDK processor only touches the AI SDK's spans (and ours under them); it costs a scope check otherwise.
      spanProcessors: [new AISDKSpanProcessor(), spanProcessor, ...(options.spanProcessors ?? [])],
    });
    registered.trace = trace.setGlobalTracerProvider(provider);
    if (registered.trace) {
      tracerProvider = provider;
      registered.context = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      registered.propagation = propagation.setGlobalPropagator(
        new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
      );
    } else {
      spanProcessor = undefined;
      void provider.shutdown();
      logger.info(
        "an OpenTelemetry tracer provider is already registered; spans go to it. To also send them to " +
          "PromptLayer, add `new PromptLayerSpanProcessor()` to its span processors.",
      );
    }
  }

  const state: State = {
    config,
    tracerProvider,
    spanProcessor,
    registered,
    removeExitHooks: () => {},
    disableInstrumentations: config.disabled ? () => {} : enableInstrumentations(config),
    stats: () => spanProcessor?.getStats() ?? { ended: 0, exported: 0, failed: 0, lost: 0 },
  };
  holder[STATE] = state;
  if (config.handleExit && tracerProvider) {
    state.removeExitHooks = onProcessExit(() => shutdownTracing(config.shutdownTimeoutMillis));
  }
  return state;
}

/**
 * Export everything queued so far — by every span processor of the provider `init()` made, yours
 * from `spanProcessors` included. Resolves within the shutdown timeout; never rejects.
 */
export async function forceFlush(): Promise<void> {
  const state = holder[STATE];
  if (!state?.tracerProvider) return;
  await settleWithin(state.tracerProvider.forceFlush(), state.config.shutdownTimeoutMillis);
}

/**
 * Flush and stop: exports what is queued (bounded by the shutdown timeout), reports spans that
 * could not be delivered, and unregisters what `init()` registered so `init()` can run again.
 */
export async function shutdown(): Promise<void> {
  await shutdownTracing(holder[STATE]?.config.shutdownTimeoutMillis);
}

/** Shutdown, resolving to whether everything finished in time (nothing left in flight). */
async function shutdownTracing(timeoutMillis?: number): Promise<boolean> {
  const state = holder[STATE];
  if (!state) return true;
  delete holder[STATE];
  setContentCapture(undefined);
  state.removeExitHooks();
  state.disableInstrumentations();
  try {
    const work = state.tracerProvider?.shutdown() ?? Promise.resolve();
    const inTime = timeoutMillis === undefined ? (await work, true) : await settleWithin(work, timeoutMillis);
    return inTime && (state.spanProcessor?.completedInTime ?? true);
  } catch (error) {
    logger.debug("tracer provider shutdown failed", error);
    return false;
  } finally {
    if (state.registered.trace) trace.disable();
    if (state.registered.context) context.disable();
    if (state.registered.propagation) propagation.disable();
  }
}
