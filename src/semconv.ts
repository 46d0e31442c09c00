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

/** OpenTelemetry general: low-cardinality error class. */
export const ATTR_ERROR_TYPE = "error.type";
/** Fallback `error.type` when nothing better is known. */
export const ERROR_TYPE_OTHER = "_OTHER";
