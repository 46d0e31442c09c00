import { describe, expect, it } from "vitest";
import { resolveConfig, resolveExportConfig } from "../../src/config.js";
import { PromptLayerConfigError } from "../../src/errors.js";

const thrown = (fn: () => unknown): PromptLayerConfigError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof PromptLayerConfigError) return e;
    throw e;
  }
  throw new Error("expected a PromptLayerConfigError");
};

describe("endpoint resolution", () => {
  it("defaults to the PromptLayer service", () => {
    expect(resolveExportConfig({}, {}).endpoint).toBe("https://api.promptlayer.com/v1/traces");
  });

  it("derives the endpoint from PROMPTLAYER_BASE_URL, without a doubled slash", () => {
    expect(resolveExportConfig({}, { PROMPTLAYER_BASE_URL: "http://localhost:8787/" }).endpoint).toBe("http://localhost:8787/v1/traces");
  });

  it("prefers the option, then PROMPTLAYER_OTLP_TRACES_ENDPOINT, then the base URL", () => {
    const env = { PROMPTLAYER_BASE_URL: "http://base", PROMPTLAYER_OTLP_TRACES_ENDPOINT: "http://pl:9/v1/traces" };
    expect(resolveExportConfig({ endpoint: "http://opt/v1/traces" }, env).endpoint).toBe("http://opt/v1/traces");
    expect(resolveExportConfig({}, env).endpoint).toBe("http://pl:9/v1/traces");
    expect(resolveExportConfig({}, { PROMPTLAYER_BASE_URL: "http://base" }).endpoint).toBe("http://base/v1/traces");
  });

  it("leaves OTEL_EXPORTER_OTLP_ENDPOINT to the application's own collector", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" };
    expect(resolveExportConfig({}, env).endpoint).toBe("https://api.promptlayer.com/v1/traces");
  });
});

describe("headers", () => {
  it("sends the API key as X-API-KEY and merges OTEL headers", () => {
    const cfg = resolveExportConfig({ headers: { "x-extra": "1" } }, {
      PROMPTLAYER_API_KEY: " pl_key ",
      OTEL_EXPORTER_OTLP_HEADERS: "a=1,b=two%20words",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "a=override",
    });
    expect(cfg.headers).toEqual({ a: "override", b: "two words", "x-extra": "1", "X-API-KEY": "pl_key" });
  });

  it("never sends the application's collector headers to PromptLayer from a span processor", () => {
    const env = { PROMPTLAYER_API_KEY: "pl", OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Bearer collector-secret", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" };
    const cfg = resolveExportConfig({}, env, { otlpEnv: false });
    expect(cfg.headers).toEqual({ "X-API-KEY": "pl" });
    expect(cfg.protocol).toBe("http/protobuf");
  });

  it("rejects malformed header lists naming the variable", () => {
    expect(thrown(() => resolveExportConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: "novalue" })).setting).toBe("OTEL_EXPORTER_OTLP_HEADERS");
  });
});

describe("OTEL variables", () => {
  it("reads protocol, compression, timeouts and batch sizes", () => {
    const cfg = resolveExportConfig({}, {
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: "gzip",
      OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
      OTEL_BSP_MAX_QUEUE_SIZE: "100",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "10",
      OTEL_BSP_SCHEDULE_DELAY: "0",
      OTEL_BSP_EXPORT_TIMEOUT: "1000",
    });
    expect(cfg.protocol).toBe("http/json");
    expect(cfg.compression).toBe("gzip");
    expect(cfg.timeoutMillis).toBe(2500);
    expect(cfg.batch).toEqual({ maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 0, exportTimeoutMillis: 1000 });
  });

  it("reads service name, resource attributes, span limits and content capture", () => {
    const cfg = resolveConfig({}, {
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod,service.name=from-resource",
      OTEL_SERVICE_NAME: "checkout",
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: "4096",
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: "64",
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "false",
    });
    expect(cfg.serviceName).toBe("checkout");
    expect(cfg.resourceAttributes["deployment.environment"]).toBe("prod");
    expect(cfg.spanLimits.attributeValueLengthLimit).toBe(4096);
    expect(cfg.spanLimits.attributeCountLimit).toBe(64);
    expect(cfg.captureContent).toBe(false);
  });

  it("turns content capture on by default for PromptLayer users", () => {
    expect(resolveConfig({}, {}).captureContent).toBe(true);
  });

  it("reads the other GenAI instrumentations' capture modes", () => {
    expect(resolveConfig({}, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "SPAN_ONLY" }).captureContent).toBe(true);
    expect(resolveConfig({}, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "no_content" }).captureContent).toBe(false);
  });

  it.each([
    [{}, 1],
    [{ OTEL_TRACES_SAMPLER: "always_off" }, 0],
    [{ OTEL_TRACES_SAMPLER: "parentbased_always_on" }, 1],
    [{ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" }, 0.25],
    [{ OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" }, 0.1],
  ])("reads the sample rate from OTEL_TRACES_SAMPLER(_ARG): %o", (env, rate) => {
    expect(resolveConfig({}, env).sampleRate).toBe(rate);
  });

  it("rejects sampler settings it cannot honour, naming the variable", () => {
    expect(thrown(() => resolveConfig({}, { OTEL_TRACES_SAMPLER: "jaeger_remote" })).setting).toBe("OTEL_TRACES_SAMPLER");
    expect(thrown(() => resolveConfig({}, { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "1.5" })).setting).toBe("OTEL_TRACES_SAMPLER_ARG");
    expect(resolveConfig({ sampleRate: 0.3 }, { OTEL_TRACES_SAMPLER: "always_off" }).sampleRate).toBe(0.3);
  });

  it.each([
    ["OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"],
    ["OTEL_EXPORTER_OTLP_COMPRESSION", "brotli"],
    ["OTEL_EXPORTER_OTLP_TIMEOUT", "soon"],
    ["OTEL_BSP_MAX_QUEUE_SIZE", "-1"],
    ["OTEL_BSP_SCHEDULE_DELAY", "1.5"],
    ["OTEL_SDK_DISABLED", "maybe"],
    ["PROMPTLAYER_BASE_URL", "not a url"],
    ["PROMPTLAYER_OTLP_TRACES_ENDPOINT", "ftp://x/v1/traces"],
    ["PROMPTLAYER_LOG_LEVEL", "loud"],
    ["PROMPTLAYER_INSTRUMENTATIONS", "openai,cohere"],
    ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "yes please"],
    ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "constructor"],
  ])("rejects %s=%s with a typed error naming it", (name, value) => {
    const err = thrown(() => resolveConfig({}, { [name]: value }));
    expect(err.setting).toBe(name);
    expect(err.message).toContain(name);
  });

  it("rejects a batch size larger than the queue", () => {
    const err = thrown(() => resolveExportConfig({}, { OTEL_BSP_MAX_QUEUE_SIZE: "10", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "20" }));
    expect(err.setting).toBe("OTEL_BSP_MAX_EXPORT_BATCH_SIZE");
  });

  it("lets options win over the environment and validates them too", () => {
    expect(resolveExportConfig({ protocol: "http/json" }, { OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" }).protocol).toBe("http/json");
    expect(thrown(() => resolveExportConfig({ batch: { maxQueueSize: 0 } }, {})).setting).toBe("batch.maxQueueSize");
  });
});
