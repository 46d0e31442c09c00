import "./tracing/api-bridge.js";
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
export { setLogger, getLogger, createConsoleLogger, createDiagLogger, type Logger, type LogLevel } from "./logger.js";
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
export { PromptLayer, type PromptLayerOptions } from "./client/index.js";
export type { GetTemplateParams, ListTemplatesParams, PublishTemplateParams, FetchedTemplate } from "./client/templates/index.js";
export type { RunParams, RunResult, RunStreamItem, ExperimentAssignment } from "./client/run/index.js";
export type {
  OutcomeEvent,
  OutcomeType,
  ClickEvent,
  ConversionEvent,
  FeedbackEvent,
  RatingEvent,
  EngagementEvent,
  FlushResult,
} from "./client/events.js";
export type { RunWorkflowParams } from "./client/workflows.js";
export type { LogRequestParams } from "./client/log-request.js";
export type { TrackMetadataParams, TrackScoreParams, TrackPromptParams, TrackGroupParams } from "./client/track.js";
export type { ProviderClassOptions, LoggedRequest } from "./client/wrappers.js";
export type {
  PromptTemplate,
  PromptTemplateListItem,
  PromptTemplatePage,
  PromptTemplateContent,
  ChatPromptTemplate,
  CompletionPromptTemplate,
  BlueprintMessage,
  BlueprintToolCall,
  ContentBlock,
  PromptBlueprint,
  PublishedTemplate,
  RequestLog,
  TrackRequestResponse,
  WorkflowNodeResult,
  WorkflowNodeResults,
  TemplateMetadata,
  ModelMetadata,
  RequestErrorType,
  RequestStatus,
} from "./client/types.js";
export {
  PromptLayerAPIError,
  PromptLayerAPIStatusError,
  PromptLayerBadRequestError,
  PromptLayerAuthenticationError,
  PromptLayerPermissionDeniedError,
  PromptLayerNotFoundError,
  PromptLayerConflictError,
  PromptLayerUnprocessableEntityError,
  PromptLayerRateLimitError,
  PromptLayerInternalServerError,
  PromptLayerConnectionError,
  PromptLayerTimeoutError,
  PromptLayerValidationError,
  PromptLayerWorkflowError,
  PromptLayerMissingDependencyError,
} from "./errors.js";
export { SKILL_PROVIDERS, type PullSkillParams, type PublishSkillParams, type UpdateSkillParams, type SkillFile, type SkillFileMove, type SkillProvider } from "./client/skills.js";
export type { SkillCollection, SkillCollectionVersion, PulledSkillCollection, PublishedSkillCollection, UpdatedSkillCollection } from "./client/skills/types.js";
