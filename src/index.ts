export { init, shutdown, forceFlush, getTracing, type Tracing, type TracingOptions } from "./tracing/sdk.js";
export { traceable, traceTool, type TraceableOptions, type TraceableKind } from "./tracing/traceable.js";
export {
  withRequestContext,
  getRequestContext,
  RequestContextSpanProcessor,
  type RequestContext,
  type RequestContextOptions,
} from "./tracing/request-context.js";
export { PromptLayerSpanProcessor, type PromptLayerSpanProcessorOptions } from "./tracing/processor.js";
export { createOtlpExporter, type ExportStats } from "./tracing/exporter.js";
export { safeStringify, type SerializeLimits } from "./tracing/serialize.js";
export { PromptLayerError, PromptLayerConfigError } from "./errors.js";
export { setLogger, getLogger, createConsoleLogger, type Logger, type LogLevel } from "./logger.js";
export {
  resolveConfig,
  type InitOptions,
  type ExportOptions,
  type BatchOptions,
  type SpanLimitOptions,
  type OtlpProtocol,
  type InstrumentationName,
} from "./config.js";
export { PACKAGE_VERSION as VERSION } from "./version.js";
export { withPromptContext, getPromptContext, type PromptContext } from "./tracing/prompt-context.js";
