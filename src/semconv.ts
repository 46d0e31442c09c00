/**
 * Attribute names this package writes, in one place. GenAI semantic-convention names used by the
 * instrumentations are added beside these as they land.
 */

/** Serialized arguments of a traced function (PromptLayer trace view). */
export const ATTR_FUNCTION_INPUT = "function_input";
/** Serialized result of a traced function (PromptLayer trace view). */
export const ATTR_FUNCTION_OUTPUT = "function_output";
/** The traced function's name. */
export const ATTR_FUNCTION_NAME = "function_name";
/** PromptLayer node type: LLM_SESSION, LLM_CALL, CODE_EXECUTION, PROMPT_TEMPLATE. */
export const ATTR_NODE_TYPE = "node_type";
/** The official PromptLayer SDKs' name for a tool span's tool (beside `gen_ai.tool.name`). */
export const ATTR_TOOL_NAME = "tool.name";
/** Tags of a traced function or request (string array). */
export const ATTR_PROMPTLAYER_TAGS = "promptlayer.tags";
/** Prefix of per-key metadata; the service turns these into request metadata. */
export const ATTR_PROMPTLAYER_METADATA_PREFIX = "promptlayer.metadata.";
/** Which library produced the span, and its version. */
export const ATTR_PROMPTLAYER_TELEMETRY_SOURCE = "promptlayer.telemetry.source";
export const ATTR_PROMPTLAYER_TELEMETRY_SOURCE_VERSION = "promptlayer.telemetry.source_version";
/** Set when a traced generator was closed before it finished (`break`, `return()`, abandoned). */
export const ATTR_PROMPTLAYER_ITERATION_INCOMPLETE = "promptlayer.iteration.incomplete";
/** Number of items a traced generator yielded. */
export const ATTR_PROMPTLAYER_ITERATION_ITEMS = "promptlayer.iteration.items";

/** The registry prompt behind a span (CONTRACT §2.8): the service links spans to templates by these. */
export const ATTR_PROMPTLAYER_PROMPT_NAME = "promptlayer.prompt.name";
export const ATTR_PROMPTLAYER_PROMPT_ID = "promptlayer.prompt.id";
export const ATTR_PROMPTLAYER_PROMPT_VERSION = "promptlayer.prompt.version";
export const ATTR_PROMPTLAYER_PROMPT_LABEL = "promptlayer.prompt.label";
/** Marks a model span whose request log `run()` already created, and the span id it used. */
export const ATTR_PROMPTLAYER_REQUEST_LOG_MANAGED = "promptlayer.request_log.managed";
export const ATTR_PROMPTLAYER_REQUEST_LOG_SPAN_ID = "promptlayer.request_log.span_id";
/** PromptLayer node types used by the trace view. */
export const NODE_TYPE = {
  llmSession: "LLM_SESSION",
  llmCall: "LLM_CALL",
  codeExecution: "CODE_EXECUTION",
  promptTemplate: "PROMPT_TEMPLATE",
} as const;

/** OpenTelemetry general: low-cardinality error class. */
export const ATTR_ERROR_TYPE = "error.type";
export const ATTR_HTTP_RESPONSE_STATUS_CODE = "http.response.status_code";
/** Fallback `error.type` when nothing better is known. */
export const ERROR_TYPE_OTHER = "_OTHER";

// ---- GenAI semantic conventions (v1.41; newer names noted where the opt-in changes them) ----

export const ATTR_GEN_AI_OPERATION_NAME = "gen_ai.operation.name";
export const ATTR_GEN_AI_PROVIDER_NAME = "gen_ai.provider.name";
export const ATTR_GEN_AI_REQUEST_MODEL = "gen_ai.request.model";
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = "gen_ai.request.temperature";
export const ATTR_GEN_AI_REQUEST_TOP_P = "gen_ai.request.top_p";
export const ATTR_GEN_AI_REQUEST_TOP_K = "gen_ai.request.top_k";
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = "gen_ai.request.frequency_penalty";
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = "gen_ai.request.presence_penalty";
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = "gen_ai.request.stop_sequences";
export const ATTR_GEN_AI_REQUEST_SEED = "gen_ai.request.seed";
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = "gen_ai.request.choice.count";
export const ATTR_GEN_AI_REQUEST_STREAM = "gen_ai.request.stream";
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = "gen_ai.request.encoding_formats";
/** Latest-experimental only: reasoning effort requested. */
export const ATTR_GEN_AI_REQUEST_REASONING_LEVEL = "gen_ai.request.reasoning.level";
export const ATTR_GEN_AI_OUTPUT_TYPE = "gen_ai.output.type";
export const ATTR_GEN_AI_RESPONSE_ID = "gen_ai.response.id";
export const ATTR_GEN_AI_RESPONSE_MODEL = "gen_ai.response.model";
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk";
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
/** v1.41 name; the latest-experimental conventions call it `cache_write`. */
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = "gen_ai.usage.cache_creation.input_tokens";
export const ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS = "gen_ai.usage.cache_write.input_tokens";
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = "gen_ai.usage.reasoning.output_tokens";
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = "gen_ai.embeddings.dimension.count";
export const ATTR_GEN_AI_CONVERSATION_ID = "gen_ai.conversation.id";
export const ATTR_GEN_AI_INPUT_MESSAGES = "gen_ai.input.messages";
export const ATTR_GEN_AI_OUTPUT_MESSAGES = "gen_ai.output.messages";
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = "gen_ai.system_instructions";
export const ATTR_GEN_AI_TOOL_DEFINITIONS = "gen_ai.tool.definitions";
export const ATTR_GEN_AI_TOKEN_TYPE = "gen_ai.token.type";
export const ATTR_GEN_AI_AGENT_NAME = "gen_ai.agent.name";
export const ATTR_GEN_AI_AGENT_ID = "gen_ai.agent.id";
export const ATTR_GEN_AI_AGENT_DESCRIPTION = "gen_ai.agent.description";
export const ATTR_GEN_AI_WORKFLOW_NAME = "gen_ai.workflow.name";
export const ATTR_GEN_AI_TOOL_NAME = "gen_ai.tool.name";
export const ATTR_GEN_AI_TOOL_TYPE = "gen_ai.tool.type";
export const ATTR_GEN_AI_TOOL_DESCRIPTION = "gen_ai.tool.description";
export const ATTR_GEN_AI_TOOL_CALL_ID = "gen_ai.tool.call.id";
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = "gen_ai.tool.call.arguments";
export const ATTR_GEN_AI_TOOL_CALL_RESULT = "gen_ai.tool.call.result";
/** The A/B experiment (release label) a run was made in, and the variant (version) that served it. */
export const ATTR_PROMPTLAYER_EXPERIMENT_LABEL = "promptlayer.experiment.label";
export const ATTR_PROMPTLAYER_EXPERIMENT_VARIANT = "promptlayer.experiment.variant";
/** The segment (matched on request metadata) whose split chose the variant, when the release has segments. */
export const ATTR_PROMPTLAYER_EXPERIMENT_SEGMENT = "promptlayer.experiment.segment";
/** Who and what a request is about (request context). */
export const ATTR_USER_ID = "user.id";
export const ATTR_SESSION_ID = "session.id";
export const ATTR_SERVER_ADDRESS = "server.address";
export const ATTR_SERVER_PORT = "server.port";

export const ATTR_OPENAI_API_TYPE = "openai.api.type";
export const ATTR_OPENAI_REQUEST_SERVICE_TIER = "openai.request.service_tier";
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = "openai.response.service_tier";
export const ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT = "openai.response.system_fingerprint";

/**
 * Anthropic extended thinking as requested (no convention covers it in v1.41), under the names
 * `@anthropic-ai/sdk`'s own tracing uses, since our span replaces its span.
 */
export const ATTR_ANTHROPIC_REQUEST_THINKING_TYPE = "anthropic.thinking.type";
export const ATTR_ANTHROPIC_REQUEST_THINKING_BUDGET_TOKENS = "anthropic.thinking.budget_tokens";

/** Set when recorded message content was cut to the configured size. */
export const ATTR_PROMPTLAYER_CONTENT_TRUNCATED = "promptlayer.content.truncated";
/** How many of the oldest input messages were left out to keep `gen_ai.input.messages` within budget. */
export const ATTR_PROMPTLAYER_CONTENT_OMITTED_MESSAGES = "promptlayer.content.omitted_messages";

export const GEN_AI_OPERATION = {
  chat: "chat",
  textCompletion: "text_completion",
  embeddings: "embeddings",
  generateContent: "generate_content",
  executeTool: "execute_tool",
  invokeAgent: "invoke_agent",
  invokeWorkflow: "invoke_workflow",
} as const;

export const GEN_AI_PROVIDER = {
  openai: "openai",
  azureOpenAI: "azure.ai.openai",
  anthropic: "anthropic",
  gcpGemini: "gcp.gemini",
  gcpVertexAI: "gcp.vertex_ai",
} as const;

/** Metric names: v1.41, and their latest-experimental replacements. */
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = "gen_ai.client.token.usage";
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = "gen_ai.client.operation.duration";
export const METRIC_GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
export const METRIC_GEN_AI_CLIENT_TIME_PER_OUTPUT_CHUNK = "gen_ai.client.operation.time_per_output_chunk";
export const METRIC_GEN_AI_CLIENT_INFERENCE_DURATION = "gen_ai.client.inference.duration";
export const METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK = "gen_ai.client.inference.time_to_first_chunk";
export const METRIC_GEN_AI_CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK = "gen_ai.client.inference.time_per_output_chunk";
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS = "gen_ai.client.inference.usage.input_tokens";
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS = "gen_ai.client.inference.usage.output_tokens";
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.client.inference.usage.cache_read.input_tokens";
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS = "gen_ai.client.inference.usage.cache_write.input_tokens";
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS = "gen_ai.client.inference.usage.reasoning.output_tokens";
export const METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS = "gen_ai.client.inference.operation.input_tokens";
export const METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS = "gen_ai.client.inference.operation.output_tokens";

/** Bucket boundaries from the conventions. */
export const TOKEN_USAGE_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

// ---- PromptLayer client: run() and its template fetch ----

/** Input variables of a `run()`, serialized as JSON. */
export const ATTR_PROMPTLAYER_PROMPT_INPUT_VARIABLES = "promptlayer.prompt.input_variables";
/** What the caller asked for (the fetch may resolve a label or an A/B release to another version). */
export const ATTR_PROMPTLAYER_PROMPT_REQUESTED_NAME = "promptlayer.prompt.requested.name";
export const ATTR_PROMPTLAYER_PROMPT_REQUESTED_VERSION = "promptlayer.prompt.requested.version";
export const ATTR_PROMPTLAYER_PROMPT_REQUESTED_LABEL = "promptlayer.prompt.requested.label";
/** The template came from the client's cache (rendered locally) rather than the service. */
export const ATTR_PROMPTLAYER_PROMPT_CACHE_HIT = "promptlayer.prompt.cache_hit";
/** Provider and API type the template resolved to, e.g. `openai` / `chat-completions`. */
export const ATTR_PROMPTLAYER_PROVIDER_TYPE = "promptlayer.provider.type";
export const ATTR_PROMPTLAYER_API_TYPE = "promptlayer.api.type";
/** The request-log id `track-request` returned for this run. */
export const ATTR_PROMPTLAYER_REQUEST_LOG_ID = "promptlayer.request_log.id";
/** Set when the model call succeeded but logging it to PromptLayer failed (the error message). */
export const ATTR_PROMPTLAYER_REQUEST_LOG_ERROR = "promptlayer.request_log.error";
