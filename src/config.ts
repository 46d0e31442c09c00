/**
 * The one place that reads the environment. `init()` options win over environment variables,
 * which win over defaults; every value is validated here, and a bad one is a
 * `PromptLayerConfigError` naming the option or variable.
 */
import { PromptLayerConfigError } from "./errors.js";
import { isLogLevel, LOG_LEVELS, logger, type LogLevel } from "./logger.js";

export const DEFAULT_BASE_URL = "https://api.promptlayer.com";

export type OtlpProtocol = "http/protobuf" | "http/json";
export type InstrumentationName = "openai" | "anthropic";
export const INSTRUMENTATION_NAMES: readonly InstrumentationName[] = ["openai", "anthropic"];

export interface BatchOptions {
  /** Spans held before new ones are dropped (counted). `OTEL_BSP_MAX_QUEUE_SIZE`, default 2048. */
  maxQueueSize?: number;
  /** Spans per export request. `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, default 512. */
  maxExportBatchSize?: number;
  /** Delay between scheduled exports. `OTEL_BSP_SCHEDULE_DELAY`, default 5000 ms. */
  scheduledDelayMillis?: number;
  /** Upper bound of one batch export. `OTEL_BSP_EXPORT_TIMEOUT`, default 30000 ms. */
  exportTimeoutMillis?: number;
}

export interface SpanLimitOptions {
  /** `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT` / `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`; unlimited by default. */
  attributeValueLengthLimit?: number;
  /** `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT` / `OTEL_ATTRIBUTE_COUNT_LIMIT`; default 128. */
  attributeCountLimit?: number;
  /** `OTEL_SPAN_EVENT_COUNT_LIMIT`; default 128. */
  eventCountLimit?: number;
  /** `OTEL_SPAN_LINK_COUNT_LIMIT`; default 128. */
  linkCountLimit?: number;
}

/** Where spans go and how: shared by `init()` and `PromptLayerSpanProcessor`. */
export interface ExportOptions {
  /** PromptLayer API key, sent as `X-API-KEY`. Default `PROMPTLAYER_API_KEY`. */
  apiKey?: string;
  /** PromptLayer base URL. Default `PROMPTLAYER_BASE_URL`, else `https://api.promptlayer.com`. */
  baseURL?: string;
  /**
   * Full OTLP/HTTP traces URL. Default `PROMPTLAYER_OTLP_TRACES_ENDPOINT`, else
   * `<baseURL>/v1/traces`. (`OTEL_EXPORTER_OTLP_*ENDPOINT` is left to the application's own
   * collector exporter.)
   */
  endpoint?: string;
  /** Default `http/protobuf`; `init()` also reads `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL`. */
  protocol?: OtlpProtocol;
  /** Extra headers; `init()` merges them over `OTEL_EXPORTER_OTLP_(TRACES_)HEADERS`. */
  headers?: Record<string, string>;
  /** Per-request export timeout, default 10000 ms; `init()` also reads `OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT`. */
  timeoutMillis?: number;
  /** Default `none`; `init()` also reads `OTEL_EXPORTER_OTLP_(TRACES_)COMPRESSION`. */
  compression?: "gzip" | "none";
  batch?: BatchOptions;
}

export interface InitOptions extends ExportOptions {
  /** `service.name`. Default `OTEL_SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES`. */
  serviceName?: string;
  /** Extra resource attributes, merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Record<string, string>;
  spanLimits?: SpanLimitOptions;
  /**
   * Record prompts and completions on model spans. Default
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, else `true` (PromptLayer shows prompts).
   */
  captureContent?: boolean;
  /**
   * Which provider SDKs to instrument. Default `PROMPTLAYER_INSTRUMENTATIONS` (comma-separated),
   * else all. `false` or `[]` turns auto-instrumentation off.
   */
  instrumentations?: readonly InstrumentationName[] | false;
  /** Flush on SIGTERM, SIGINT and normal exit. Default true. */
  handleExit?: boolean;
  /** Upper bound on the final flush at exit or `shutdown()`. `PROMPTLAYER_SHUTDOWN_TIMEOUT_MS`, default 5000. */
  shutdownTimeoutMillis?: number;
  /** `PROMPTLAYER_LOG_LEVEL`: debug, info, warn (default), error, none. */
  logLevel?: LogLevel;
  /** Turn tracing off entirely. Default `OTEL_SDK_DISABLED` / `PROMPTLAYER_TRACING_DISABLED`. */
  disabled?: boolean;
  /**
   * Fraction of root requests to trace (0–1), decided from the trace id so every span of a kept
   * trace is kept and none of a dropped one. Default `OTEL_TRACES_SAMPLER` (`always_on`,
   * `always_off`, `traceidratio`, `parentbased_*`) with `OTEL_TRACES_SAMPLER_ARG`, else 1.
   */
  sampleRate?: number;
}

export interface ResolvedExportConfig {
  apiKey: string | undefined;
  baseURL: string;
  endpoint: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  timeoutMillis: number;
  compression: "gzip" | "none";
  batch: Required<BatchOptions>;
}

export interface ResolvedConfig extends ResolvedExportConfig {
  serviceName: string | undefined;
  resourceAttributes: Record<string, string>;
  spanLimits: SpanLimitOptions;
  captureContent: boolean;
  instrumentations: InstrumentationName[];
  handleExit: boolean;
  shutdownTimeoutMillis: number;
  logLevel: LogLevel | undefined;
  disabled: boolean;
  /** Root sampling ratio in [0, 1]; children follow their parent. */
  sampleRate: number;
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function positiveInt(setting: string, raw: unknown, { allowZero = false } = {}): number {
  const n = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new PromptLayerConfigError(setting, raw, allowZero ? "a non-negative integer" : "a positive integer");
  }
  return n;
}

/** An integer from the option, else the first set environment variable, else the default. */
function intSetting(
  env: Env,
  option: { name: string; value: number | undefined },
  vars: string[],
  fallback: number | undefined,
  allowZero = false,
): number | undefined {
  if (option.value !== undefined) return positiveInt(option.name, option.value, { allowZero });
  for (const v of vars) {
    const raw = str(env, v);
    if (raw !== undefined) return positiveInt(v, raw, { allowZero });
  }
  return fallback;
}

function boolEnv(env: Env, name: string): boolean | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  const v = raw.toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw new PromptLayerConfigError(name, raw, "true or false");
}

const CAPTURE_CONTENT_VAR = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
/** The other GenAI instrumentations' modes (Python's enum) mean "capture", except NO_CONTENT. */
const CAPTURE_MODES = new Map<string, boolean>([
  ["true", true],
  ["1", true],
  ["span_only", true],
  ["event_only", true],
  ["span_and_event", true],
  ["false", false],
  ["0", false],
  ["no_content", false],
]);

/** `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`; throws a typed error for an unknown value. */
function captureContentEnv(env: Env): boolean | undefined {
  const raw = str(env, CAPTURE_CONTENT_VAR);
  if (raw === undefined) return undefined;
  const mode = CAPTURE_MODES.get(raw.toLowerCase());
  if (mode === undefined) throw new PromptLayerConfigError(CAPTURE_CONTENT_VAR, raw, "true, false, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT or NO_CONTENT");
  return mode;
}

function url(setting: string, raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
    return raw;
  } catch {
    throw new PromptLayerConfigError(setting, raw, "an absolute http(s) URL");
  }
}

/** `key=value,key2=value2` with percent-encoded values, as the OTLP and resource specs define it. */
export function parseKeyValueList(setting: string, raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const part of raw.split(",")) {
    if (!part.trim()) continue;
    const eq = part.indexOf("=");
    if (eq <= 0) throw new PromptLayerConfigError(setting, raw, "comma-separated key=value pairs");
    try {
      out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new PromptLayerConfigError(setting, raw, "percent-encoded key=value pairs");
    }
  }
  return out;
}

/** The first set value among the option and the variables, which must be one of `allowed`. */
function choice<T extends string>(env: Env, option: [string, T | undefined], vars: string[], allowed: readonly T[], fallback: T, expected: string): T {
  const candidates: Array<[string, string | undefined]> = [option, ...vars.map((v): [string, string | undefined] => [v, str(env, v)])];
  for (const [setting, value] of candidates) {
    if (value === undefined) continue;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new PromptLayerConfigError(setting, value, expected);
  }
  return fallback;
}

function stripSlash(u: string): string {
  return u.replace(/\/+$/, "");
}

/**
 * Export settings. `otlpEnv` says whether the standard `OTEL_EXPORTER_OTLP_*` variables describe
 * this exporter: true for `init()`, where ours is the process's exporter; false for
 * `PromptLayerSpanProcessor` inside an application's own setup, where they describe the
 * application's collector (and its credentials must not be sent to PromptLayer).
 */
export function resolveExportConfig(
  options: ExportOptions = {},
  fullEnv: Env = process.env,
  { otlpEnv = true }: { otlpEnv?: boolean } = {},
): ResolvedExportConfig {
  const env: Env = otlpEnv ? fullEnv : Object.fromEntries(Object.entries(fullEnv).filter(([k]) => !k.startsWith("OTEL_EXPORTER_OTLP_")));
  const apiKey = options.apiKey?.trim() || str(env, "PROMPTLAYER_API_KEY");
  const baseURL = stripSlash(
    options.baseURL ? url("baseURL", options.baseURL) : url("PROMPTLAYER_BASE_URL", str(env, "PROMPTLAYER_BASE_URL") ?? DEFAULT_BASE_URL),
  );

  const plEndpoint = str(env, "PROMPTLAYER_OTLP_TRACES_ENDPOINT");
  const endpoint = options.endpoint
    ? url("endpoint", options.endpoint)
    : plEndpoint
      ? url("PROMPTLAYER_OTLP_TRACES_ENDPOINT", plEndpoint)
      : `${baseURL}/v1/traces`;

  const headers = {
    ...parseKeyValueList("OTEL_EXPORTER_OTLP_HEADERS", str(env, "OTEL_EXPORTER_OTLP_HEADERS")),
    ...parseKeyValueList("OTEL_EXPORTER_OTLP_TRACES_HEADERS", str(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS")),
    ...options.headers,
  };
  if (apiKey && !Object.keys(headers).some((h) => h.toLowerCase() === "x-api-key")) headers["X-API-KEY"] = apiKey;

  const b = options.batch ?? {};
  const batch = {
    maxQueueSize: intSetting(env, { name: "batch.maxQueueSize", value: b.maxQueueSize }, ["OTEL_BSP_MAX_QUEUE_SIZE"], 2048)!,
    maxExportBatchSize: intSetting(env, { name: "batch.maxExportBatchSize", value: b.maxExportBatchSize }, ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"], 512)!,
    scheduledDelayMillis: intSetting(env, { name: "batch.scheduledDelayMillis", value: b.scheduledDelayMillis }, ["OTEL_BSP_SCHEDULE_DELAY"], 5000, true)!,
    exportTimeoutMillis: intSetting(env, { name: "batch.exportTimeoutMillis", value: b.exportTimeoutMillis }, ["OTEL_BSP_EXPORT_TIMEOUT"], 30000)!,
  };
  if (batch.maxExportBatchSize > batch.maxQueueSize) {
    throw new PromptLayerConfigError("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", batch.maxExportBatchSize, `at most the queue size (${batch.maxQueueSize})`);
  }

  return {
    apiKey,
    baseURL,
    endpoint,
    protocol: choice(env, ["protocol", options.protocol], ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"], ["http/protobuf", "http/json"], "http/protobuf", "http/protobuf or http/json (gRPC is not supported)"),
    headers,
    timeoutMillis: intSetting(env, { name: "timeoutMillis", value: options.timeoutMillis }, ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"], 10000)!,
    compression: choice(env, ["compression", options.compression], ["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"], ["gzip", "none"], "none", "gzip or none"),
    batch,
  };
}

function instrumentationList(env: Env, option: InitOptions["instrumentations"]): InstrumentationName[] {
  const check = (setting: string, names: readonly string[]) => {
    for (const n of names) {
      if (!INSTRUMENTATION_NAMES.includes(n as InstrumentationName)) {
        throw new PromptLayerConfigError(setting, n, `one of ${INSTRUMENTATION_NAMES.join(", ")}`);
      }
    }
    return [...new Set(names)] as InstrumentationName[];
  };
  if (option === false) return [];
  if (option !== undefined) return check("instrumentations", option);
  const raw = str(env, "PROMPTLAYER_INSTRUMENTATIONS");
  if (raw === undefined) return [...INSTRUMENTATION_NAMES];
  if (raw.toLowerCase() === "none") return [];
  return check("PROMPTLAYER_INSTRUMENTATIONS", raw.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean));
}

function ratio(setting: string, raw: unknown): number {
  const n = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new PromptLayerConfigError(setting, raw, "a number between 0 and 1");
  return n;
}

function sampleRate(env: Env, option: number | undefined): number {
  if (option !== undefined) return ratio("sampleRate", option);
  const sampler = str(env, "OTEL_TRACES_SAMPLER")?.toLowerCase();
  if (sampler === undefined) return 1;
  switch (sampler) {
    case "always_on":
    case "parentbased_always_on":
      return 1;
    case "always_off":
    case "parentbased_always_off":
      return 0;
    case "traceidratio":
    case "parentbased_traceidratio":
      return ratio("OTEL_TRACES_SAMPLER_ARG", str(env, "OTEL_TRACES_SAMPLER_ARG") ?? "1");
    default:
      throw new PromptLayerConfigError("OTEL_TRACES_SAMPLER", sampler, "always_on, always_off, traceidratio or their parentbased_ forms");
  }
}

export function resolveConfig(options: InitOptions = {}, env: Env = process.env): ResolvedConfig {
  const resourceAttributes = {
    ...parseKeyValueList("OTEL_RESOURCE_ATTRIBUTES", str(env, "OTEL_RESOURCE_ATTRIBUTES")),
    ...options.resourceAttributes,
  };
  const serviceName = options.serviceName ?? str(env, "OTEL_SERVICE_NAME") ?? resourceAttributes["service.name"];

  const l = options.spanLimits ?? {};
  const spanLimits: SpanLimitOptions = {
    attributeValueLengthLimit: intSetting(env, { name: "spanLimits.attributeValueLengthLimit", value: l.attributeValueLengthLimit }, ["OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"], undefined),
    attributeCountLimit: intSetting(env, { name: "spanLimits.attributeCountLimit", value: l.attributeCountLimit }, ["OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT"], undefined),
    eventCountLimit: intSetting(env, { name: "spanLimits.eventCountLimit", value: l.eventCountLimit }, ["OTEL_SPAN_EVENT_COUNT_LIMIT"], undefined, true),
    linkCountLimit: intSetting(env, { name: "spanLimits.linkCountLimit", value: l.linkCountLimit }, ["OTEL_SPAN_LINK_COUNT_LIMIT"], undefined, true),
  };

  let logLevel = options.logLevel;
  const rawLevel = str(env, "PROMPTLAYER_LOG_LEVEL")?.toLowerCase();
  if (logLevel === undefined && rawLevel !== undefined) {
    if (!isLogLevel(rawLevel)) throw new PromptLayerConfigError("PROMPTLAYER_LOG_LEVEL", rawLevel, LOG_LEVELS.join(", "));
    logLevel = rawLevel;
  }

  return {
    ...resolveExportConfig(options, env),
    serviceName,
    resourceAttributes,
    spanLimits,
    captureContent: options.captureContent ?? captureContentEnv(env) ?? true,
    instrumentations: instrumentationList(env, options.instrumentations),
    handleExit: options.handleExit ?? true,
    shutdownTimeoutMillis: intSetting(env, { name: "shutdownTimeoutMillis", value: options.shutdownTimeoutMillis }, ["PROMPTLAYER_SHUTDOWN_TIMEOUT_MS"], 5000)!,
    logLevel,
    disabled: options.disabled ?? boolEnv(env, "OTEL_SDK_DISABLED") ?? boolEnv(env, "PROMPTLAYER_TRACING_DISABLED") ?? false,
    sampleRate: sampleRate(env, options.sampleRate),
  };
}

/** GenAI instrumentation settings that come from the environment. */
export interface GenAIEnvironment {
  /** `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, undefined when unset. */
  captureContent: boolean | undefined;
  /** `OTEL_SEMCONV_STABILITY_OPT_IN` contains `gen_ai_latest_experimental`. */
  latestConventions: boolean;
}

export function genAIEnvironment(env: Env = process.env): GenAIEnvironment {
  const optIn = (str(env, "OTEL_SEMCONV_STABILITY_OPT_IN") ?? "").split(",").map((s) => s.trim());
  let captureContent: boolean | undefined;
  try {
    captureContent = captureContentEnv(env);
  } catch (error) {
    // The bare instrumentations run inside the app's calls: a bad value is reported, never thrown,
    // and read as "off" (the safe reading of a switch about recording prompts).
    warnOnce(CAPTURE_CONTENT_VAR, `${(error as Error).message} Content capture stays off.`);
    captureContent = false;
  }
  return {
    captureContent,
    latestConventions: optIn.includes("gen_ai_latest_experimental"),
  };
}

const warned = new Set<string>();
function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  logger.warn(message);
}

/**
 * Every credential variable this package reads, without validating anything else: error scrubbing
 * must know the keys even when, say, a base URL variable is malformed.
 */
export const CREDENTIAL_VARIABLES = ["PROMPTLAYER_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AZURE_OPENAI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY"] as const;

export function credentialValues(env: Env = process.env): string[] {
  return CREDENTIAL_VARIABLES.map((name) => str(env, name)).filter((v): v is string => v !== undefined);
}

// ---- PromptLayer client (src/client) and the model providers `run()` calls ----

export interface ClientConfigOptions {
  apiKey?: string | undefined;
  baseURL?: string | undefined;
  /** Per-request timeout in milliseconds. */
  timeout?: number | undefined;
  cacheTtlSeconds?: number | undefined;
}

export interface ResolvedClientConfig {
  /** Undefined when neither the option nor `PROMPTLAYER_API_KEY` is set; the first call then fails. */
  apiKey: string | undefined;
  /** Without a trailing slash. */
  baseURL: string;
  timeout: number;
  cacheTtlSeconds: number;
}

export const DEFAULT_CLIENT_TIMEOUT_MS = 30_000;

/** `new PromptLayer()` settings: options, else `PROMPTLAYER_API_KEY` / `PROMPTLAYER_BASE_URL`, else defaults. */
export function resolveClientConfig(options: ClientConfigOptions = {}, env: Env = process.env): ResolvedClientConfig {
  const baseURL = options.baseURL ? url("baseURL", options.baseURL) : url("PROMPTLAYER_BASE_URL", str(env, "PROMPTLAYER_BASE_URL") ?? DEFAULT_BASE_URL);
  const ttl = options.cacheTtlSeconds ?? 0;
  if (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl < 0) throw new PromptLayerConfigError("cacheTtlSeconds", ttl, "a non-negative number of seconds");
  return {
    apiKey: options.apiKey?.trim() || str(env, "PROMPTLAYER_API_KEY"),
    baseURL: stripSlash(baseURL),
    timeout: options.timeout === undefined ? DEFAULT_CLIENT_TIMEOUT_MS : positiveInt("timeout", options.timeout),
    cacheTtlSeconds: ttl,
  };
}

/**
 * The user's own model-provider credentials, for `run()`. They go to the provider SDK (or the
 * Gemini REST call) only, never to PromptLayer.
 */
export interface ProviderEnvironment {
  openai: { apiKey: string | undefined; baseURL: string | undefined };
  anthropic: { apiKey: string | undefined; baseURL: string | undefined };
  azure: { endpoint: string | undefined; apiVersion: string | undefined; apiKey: string | undefined };
  google: {
    /** `GOOGLE_API_KEY`, else `GEMINI_API_KEY`: the Gemini API with a key. */
    apiKey: string | undefined;
    /** `GEMINI_BASE_URL`, else `GOOGLE_GEMINI_BASE_URL`, else the public endpoint. */
    baseURL: string;
    /** Vertex AI settings, used when no key is set (`VERTEX_AI_*`, `GOOGLE_*` project/location). */
    vertex: {
      project: string | undefined;
      location: string | undefined;
      credentials: string | undefined;
      /** `VERTEX_AI_BASE_URL`: a proxy or test endpoint instead of `https://{location}-aiplatform.googleapis.com`. */
      baseURL: string | undefined;
    };
  };
}

export const DEFAULT_GEMINI_BASE_URL = "https://generativelanguage.googleapis.com";

const first = (env: Env, names: string[]): string | undefined => {
  for (const n of names) {
    const v = str(env, n);
    if (v !== undefined) return v;
  }
  return undefined;
};

export function providerEnvironment(env: Env = process.env): ProviderEnvironment {
  const geminiVar = ["GEMINI_BASE_URL", "GOOGLE_GEMINI_BASE_URL"].find((n) => str(env, n) !== undefined);
  const geminiBase = geminiVar ? str(env, geminiVar) : undefined;
  return {
    openai: { apiKey: str(env, "OPENAI_API_KEY"), baseURL: str(env, "OPENAI_BASE_URL") },
    anthropic: { apiKey: str(env, "ANTHROPIC_API_KEY"), baseURL: str(env, "ANTHROPIC_BASE_URL") },
    azure: { endpoint: str(env, "AZURE_OPENAI_ENDPOINT"), apiVersion: str(env, "OPENAI_API_VERSION"), apiKey: str(env, "AZURE_OPENAI_API_KEY") },
    google: {
      apiKey: first(env, ["GOOGLE_API_KEY", "GEMINI_API_KEY"]),
      baseURL: stripSlash(geminiVar && geminiBase ? url(geminiVar, geminiBase) : DEFAULT_GEMINI_BASE_URL),
      vertex: {
        project: first(env, ["VERTEX_AI_PROJECT_ID", "GOOGLE_PROJECT_ID", "GOOGLE_CLOUD_PROJECT"]),
        location: first(env, ["VERTEX_AI_PROJECT_LOCATION", "GOOGLE_PROJECT_LOCATION", "GOOGLE_CLOUD_PROJECT_LOCATION", "GOOGLE_CLOUD_LOCATION"]),
        credentials: str(env, "GOOGLE_APPLICATION_CREDENTIALS"),
        baseURL: str(env, "VERTEX_AI_BASE_URL") ? stripSlash(url("VERTEX_AI_BASE_URL", str(env, "VERTEX_AI_BASE_URL")!)) : undefined,
      },
    },
  };
}
