/**
 * `pl.run()` (CONTRACT §4, with the bugs of §9 fixed): fetch the template, call the provider with
 * the caller's own key, log the call through track-request, return
 * `{request_id, raw_response, prompt_blueprint}` — or, with `stream: true`, an async iterable of
 * such items.
 *
 * Tracing: a run span (`node_type=CODE_EXECUTION`) with the template fetch as a child
 * (`PROMPT_TEMPLATE`); the provider call runs in a prompt context that names the run span as
 * the request log's span, so the instrumented model span nests under the run span and carries
 * the prompt attributes and the managed-log marker. As that span is therefore not logged by the
 * service, the request context `run()` is called in (`withRequestContext`) goes into the logged
 * request itself: its metadata and ids (`user_id`, `session_id`, `conversation_id`) and tags,
 * the run's own `metadata` winning (see `../request-context.ts`).
 *
 * When the model call succeeded but logging it failed, the answer is still returned, with
 * `request_id: null`, a blueprint built on the client, a warning through the client's logger and
 * `promptlayer.request_log.error` on the run span. A failed model call is logged (status ERROR)
 * and its ORIGINAL error rethrown; a failure of that log call never replaces it.
 */
import { context, isSpanContextValid, trace, type Attributes, type Context, type Span } from "@opentelemetry/api";
import { genAIEnvironment, providerEnvironment, type ProviderEnvironment } from "../../config.js";
import {
  ATTR_FUNCTION_NAME,
  ATTR_NODE_TYPE,
  ATTR_PROMPTLAYER_API_TYPE,
  ATTR_PROMPTLAYER_METADATA_PREFIX,
  ATTR_PROMPTLAYER_PROMPT_CACHE_HIT,
  ATTR_PROMPTLAYER_PROMPT_ID,
  ATTR_PROMPTLAYER_PROMPT_INPUT_VARIABLES,
  ATTR_PROMPTLAYER_PROMPT_LABEL,
  ATTR_PROMPTLAYER_PROMPT_NAME,
  ATTR_PROMPTLAYER_PROMPT_REQUESTED_LABEL,
  ATTR_PROMPTLAYER_PROMPT_REQUESTED_NAME,
  ATTR_PROMPTLAYER_PROMPT_REQUESTED_VERSION,
  ATTR_PROMPTLAYER_PROMPT_VERSION,
  ATTR_PROMPTLAYER_PROVIDER_TYPE,
  ATTR_PROMPTLAYER_REQUEST_LOG_ERROR,
  ATTR_PROMPTLAYER_REQUEST_LOG_ID,
  ATTR_PROMPTLAYER_TAGS,
  ATTR_PROMPTLAYER_TELEMETRY_SOURCE,
  ATTR_PROMPTLAYER_TELEMETRY_SOURCE_VERSION,
  ATTR_PROMPTLAYER_EXPERIMENT_LABEL,
  ATTR_PROMPTLAYER_EXPERIMENT_SEGMENT,
  ATTR_PROMPTLAYER_EXPERIMENT_VARIANT,
  ATTR_USER_ID,
  NODE_TYPE,
} from "../../semconv.js";
import { recordError } from "../../tracing/errors.js";
import { withPromptContext, type PromptContext } from "../../tracing/prompt-context.js";
import { getRequestContext, type RequestContext } from "../../tracing/request-context.js";
import { safeStringify } from "../../tracing/serialize.js";
import { activeParentContext } from "../../tracing/ambient-parent.js";
import { getTracer } from "../../tracing/tracer.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../../version.js";
import type { HttpClient } from "../http.js";
import { mergeLogMetadata, mergeLogTags } from "../request-context.js";
import type { Templates } from "../templates/index.js";
import type { ExperimentAssignment, PromptBlueprint, PromptTemplate, RequestErrorType, RequestStatus, TrackRequestResponse } from "../types.js";
import { requireInt, requireObject, requireString, requireStringArray, requireStringMap } from "../validate.js";
import { createAccumulator } from "./accumulate.js";
import { assistantReply, buildBlueprint } from "./blueprint.js";
import { categorizeProviderError, providerErrorMessage } from "./error-type.js";
import { planProviderCall, type ProviderPlan } from "./plan.js";
import { callProvider } from "./providers.js";
import { trackRequest } from "./track-request.js";

export interface RunParams {
  promptName: string;
  /** Version number; default: the label's, else the latest. */
  promptVersion?: number;
  /** Release label, e.g. `prod` (A/B releases resolve against `metadata`). */
  promptReleaseLabel?: string;
  inputVariables?: Record<string, unknown>;
  /** Tags of the request log. */
  tags?: string[];
  /** Request-log metadata; also the metadata filters that pick an A/B release segment. */
  metadata?: Record<string, string>;
  groupId?: number;
  /** Applied by the service, which translates the names per model. */
  modelParameterOverrides?: Record<string, unknown>;
  stream?: boolean;
  /** Render `llm_kwargs` for another provider than the template's. */
  provider?: string;
  model?: string;
  /**
   * The end user: sent as the `user_id` metadata filter, which picks the user's arm of an A/B
   * release (stickily on the local backend), and logged as the request's `user_id` metadata.
   */
  externalUserId?: string;
}

export type { ExperimentAssignment } from "../types.js";

/** A finished run. Keys are the service's, plus `experiment`. */
export interface RunResult<Response = unknown> {
  /** The request log's id; null when the model call succeeded but logging it failed. */
  request_id: number | null;
  /** The provider's own response, untouched. */
  raw_response: Response;
  /** The rendered template with the reply appended (the service's when logging succeeded). */
  prompt_blueprint: PromptBlueprint;
  /**
   * Present when an A/B release chose the version (the label, the variant served, the segment if
   * one applied); absent for a plain label or version. Only the local backend says whether a
   * release applied, so against the PromptLayer service it is absent.
   */
  experiment?: ExperimentAssignment;
}

/** One item of a streamed run: a provider chunk and the blueprint accumulated up to it. */
export interface RunStreamItem<Chunk = unknown> {
  /** Null on every item but the last, which carries the request log's id (null if logging failed). */
  request_id: number | null;
  /** The provider's chunk, untouched (null only on the single item of an empty stream). */
  raw_response: Chunk;
  prompt_blueprint: PromptBlueprint;
  /** As `RunResult.experiment`. */
  experiment?: ExperimentAssignment;
}

export interface RunDeps {
  http: HttpClient;
  templates: Templates;
  /** Provider credentials; read per run so the environment can change between runs. */
  providerEnv?: () => ProviderEnvironment;
  fetch?: typeof fetch;
}

function validate(p: RunParams): void {
  requireString("promptName", p.promptName);
  if (p.promptVersion !== undefined) requireInt("promptVersion", p.promptVersion, 1);
  if (p.promptReleaseLabel !== undefined) requireString("promptReleaseLabel", p.promptReleaseLabel);
  if (p.inputVariables !== undefined) requireObject("inputVariables", p.inputVariables);
  if (p.tags !== undefined) requireStringArray("tags", p.tags, { maxItemLength: 512 });
  if (p.metadata !== undefined) requireStringMap("metadata", p.metadata);
  if (p.groupId !== undefined) requireInt("groupId", p.groupId, 1);
  if (p.modelParameterOverrides !== undefined) requireObject("modelParameterOverrides", p.modelParameterOverrides);
  if (p.externalUserId !== undefined) requireString("externalUserId", p.externalUserId);
}

/** The end user goes into the metadata: the filter that picks the A/B arm, and the logged user. */
function withEndUser(p: RunParams): RunParams {
  if (p.externalUserId === undefined) return p;
  return { ...p, metadata: { ...p.metadata, user_id: p.externalUserId } };
}

function runAttributes(p: RunParams): Attributes {
  const attrs: Attributes = {
    [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution,
    [ATTR_FUNCTION_NAME]: "promptlayer.run",
    [ATTR_PROMPTLAYER_PROMPT_NAME]: p.promptName,
    [ATTR_PROMPTLAYER_TELEMETRY_SOURCE]: PACKAGE_NAME,
    [ATTR_PROMPTLAYER_TELEMETRY_SOURCE_VERSION]: PACKAGE_VERSION,
  };
  if (p.promptReleaseLabel !== undefined) attrs[ATTR_PROMPTLAYER_PROMPT_LABEL] = p.promptReleaseLabel;
  if (p.promptVersion !== undefined) attrs[ATTR_PROMPTLAYER_PROMPT_VERSION] = p.promptVersion;
  if (p.inputVariables && genAIEnvironment().captureContent !== false) attrs[ATTR_PROMPTLAYER_PROMPT_INPUT_VARIABLES] = safeStringify(p.inputVariables);
  if (p.tags?.length) attrs[ATTR_PROMPTLAYER_TAGS] = [...p.tags];
  for (const [k, v] of Object.entries(p.metadata ?? {})) attrs[ATTR_PROMPTLAYER_METADATA_PREFIX + k] = v;
  return attrs;
}

/** The run span's id for `span_id`; null when nothing records it (no id worth linking to). */
function spanIdOf(span: Span): string | null {
  const sc = span.spanContext();
  return isSpanContextValid(sc) ? sc.spanId : null;
}

// Ends the span of a streamed run whose iterator was dropped without being read to the end.
const abandonedStreams = new FinalizationRegistry<() => void>((finish) => finish());

/** One run: its span, template, plan, and the bookkeeping shared by both return shapes. */
class Run {
  private template!: PromptTemplate;
  plan!: ProviderPlan;
  experiment: ExperimentAssignment | undefined;
  private spanId: string | null = null;
  private ended = false;
  private readonly secrets: Array<string | undefined>;

  constructor(
    private readonly deps: RunDeps,
    private readonly params: RunParams,
    private readonly span: Span,
    private readonly ctx: Context,
    private readonly env: ProviderEnvironment,
    /** The request context `run()` was called in: its metadata and tags go into the log. */
    private readonly requestContext: RequestContext | undefined,
  ) {
    this.secrets = [env.openai.apiKey, env.anthropic.apiKey, env.azure.apiKey, env.google.apiKey];
  }

  async prepare(): Promise<void> {
    const { template, cacheHit } = await context.with(this.ctx, () => this.fetchTemplate());
    this.template = template;
    this.plan = planProviderCall(template, this.params.stream === true);
    this.secrets.push(this.plan.connection.apiKey);
    this.spanId = spanIdOf(this.span);
    // Only a real A/B release makes an experiment (the template says so); a plain label does not.
    if (this.params.promptReleaseLabel !== undefined && template.experiment) {
      this.experiment = { ...template.experiment };
      this.span.setAttributes({ [ATTR_PROMPTLAYER_EXPERIMENT_LABEL]: this.experiment.label, [ATTR_PROMPTLAYER_EXPERIMENT_VARIANT]: this.experiment.variant });
      if (this.experiment.segment !== undefined) this.span.setAttribute(ATTR_PROMPTLAYER_EXPERIMENT_SEGMENT, this.experiment.segment);
    }
    if (this.params.externalUserId !== undefined) this.span.setAttribute(ATTR_USER_ID, this.params.externalUserId);
    this.span.setAttributes({
      [ATTR_PROMPTLAYER_PROMPT_ID]: String(template.id),
      [ATTR_PROMPTLAYER_PROVIDER_TYPE]: this.plan.providerType,
      [ATTR_PROMPTLAYER_PROMPT_CACHE_HIT]: cacheHit,
      ...(typeof template.version === "number" ? { [ATTR_PROMPTLAYER_PROMPT_VERSION]: template.version } : {}),
      ...(this.plan.apiType ? { [ATTR_PROMPTLAYER_API_TYPE]: this.plan.apiType } : {}),
    });
  }

  private async fetchTemplate() {
    const p = this.params;
    const attributes: Attributes = { [ATTR_NODE_TYPE]: NODE_TYPE.promptTemplate, [ATTR_PROMPTLAYER_PROMPT_REQUESTED_NAME]: p.promptName };
    if (p.promptVersion !== undefined) attributes[ATTR_PROMPTLAYER_PROMPT_REQUESTED_VERSION] = p.promptVersion;
    if (p.promptReleaseLabel !== undefined) attributes[ATTR_PROMPTLAYER_PROMPT_REQUESTED_LABEL] = p.promptReleaseLabel;
    const span = getTracer().startSpan(`promptlayer.template.fetch ${p.promptName}`, { attributes });
    try {
      const fetched = await this.deps.templates.fetch(p.promptName, {
        version: p.promptVersion,
        label: p.promptReleaseLabel,
        inputVariables: p.inputVariables,
        provider: p.provider,
        model: p.model,
        metadataFilters: p.metadata,
        modelParameterOverrides: p.modelParameterOverrides,
      });
      span.setAttributes({
        [ATTR_PROMPTLAYER_PROMPT_CACHE_HIT]: fetched.cacheHit,
        [ATTR_PROMPTLAYER_PROMPT_ID]: String(fetched.template.id),
        ...(typeof fetched.template.version === "number" ? { [ATTR_PROMPTLAYER_PROMPT_VERSION]: fetched.template.version } : {}),
      });
      return fetched;
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Calls the provider inside the prompt context, under the run span. */
  callProvider(): Promise<unknown> {
    const prompt: PromptContext = {
      name: this.template.prompt_name ?? this.params.promptName,
      id: this.template.id,
      version: this.template.version,
      label: this.params.promptReleaseLabel,
      requestLogSpanId: this.spanId ?? undefined,
    };
    const env = this.env;
    return context.with(this.ctx, () => withPromptContext(prompt, () => callProvider(this.plan, env, this.deps.fetch)));
  }

  blueprint(response: unknown): PromptBlueprint {
    return buildBlueprint(this.template, assistantReply(this.plan.api, response), this.plan.stream);
  }

  /** Logs the call; never throws. Undefined when logging failed (already reported). */
  async log(
    requestResponse: unknown,
    started: Date,
    outcome: { status?: RequestStatus; errorType?: RequestErrorType; errorMessage?: string } = {},
  ): Promise<TrackRequestResponse | undefined> {
    const p = this.params;
    try {
      const logged = await trackRequest(this.deps.http, {
        functionName: this.plan.functionName,
        providerType: this.plan.providerType,
        kwargs: this.plan.kwargs,
        requestResponse,
        requestStartTime: started,
        requestEndTime: new Date(),
        tags: mergeLogTags(this.requestContext, [], p.tags),
        metadata: this.logMetadata(),
        promptId: this.template.id,
        promptVersion: this.template.version,
        promptInputVariables: p.inputVariables,
        groupId: p.groupId,
        spanId: this.spanId,
        ...outcome,
      });
      this.span.setAttribute(ATTR_PROMPTLAYER_REQUEST_LOG_ID, logged.request_id);
      return logged;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.http.logger.warn(`run("${p.promptName}"): the model call ${outcome.status === "ERROR" ? "failed and" : "succeeded but"} logging it to PromptLayer failed: ${message}`);
      this.span.setAttribute(ATTR_PROMPTLAYER_REQUEST_LOG_ERROR, message);
      return undefined;
    }
  }

  /**
   * The request's metadata: the request context's (ids as `user_id`, `session_id`,
   * `conversation_id`), then the run's own, which win, then the experiment it ran in, so results
   * can group by variant.
   */
  private logMetadata(): Record<string, string> | undefined {
    const metadata = mergeLogMetadata(this.requestContext, this.params.metadata);
    if (!this.experiment) return metadata;
    const tagged: Record<string, string> = { ...metadata, pl_experiment_label: this.experiment.label, pl_experiment_variant: String(this.experiment.variant) };
    if (this.experiment.segment !== undefined) tagged.pl_experiment_segment = this.experiment.segment;
    return tagged;
  }

  /** Logs a failed call; a stream that failed midway logs what had arrived. */
  logFailure(error: unknown, started: Date, partialResponse: unknown = {}): Promise<unknown> {
    return this.log(partialResponse, started, {
      status: "ERROR",
      errorType: categorizeProviderError(error),
      errorMessage: providerErrorMessage(error, this.secrets),
    });
  }

  fail(error: unknown): void {
    if (!this.ended) recordError(this.span, error);
    this.end();
  }

  /** Ends the run span once, whichever path (result, error, early close, abandonment) gets here first. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.span.end();
  }
}

async function* streamItems(run: Run, stream: AsyncIterable<unknown>, started: Date): AsyncGenerator<RunStreamItem, void, undefined> {
  const acc = createAccumulator(run.plan.api);
  const experiment = run.experiment ? { experiment: run.experiment } : {};
  // One item is held back so the last one can carry the request_id once the stream has ended.
  let held: RunStreamItem | undefined;
  let finished = false;
  try {
    for await (const chunk of stream) {
      acc.push(chunk);
      const item: RunStreamItem = { request_id: null, raw_response: chunk, prompt_blueprint: run.blueprint(acc.response()), ...experiment };
      if (held) yield held;
      held = item;
    }
    finished = true;
  } catch (error) {
    finished = true;
    await run.logFailure(error, started, acc.response());
    run.fail(error);
    throw error;
  } finally {
    if (!finished) {
      // The consumer stopped early: log what arrived, as a partial response, without waiting.
      void run.log(acc.response(), started, { status: "WARNING", errorType: "PROVIDER_PARTIAL_RESPONSE", errorMessage: "The stream was closed before the provider finished." }).finally(() => run.end());
    }
  }
  const response = acc.response();
  const logged = await run.log(response, started);
  run.end();
  yield {
    request_id: logged?.request_id ?? null,
    raw_response: held ? held.raw_response : null,
    prompt_blueprint: logged?.prompt_blueprint ?? held?.prompt_blueprint ?? run.blueprint(response),
    ...experiment,
  };
}

/** Runs a registry prompt; see the module comment for what is returned, logged and traced. */
export async function runPrompt(deps: RunDeps, given: RunParams): Promise<RunResult | AsyncGenerator<RunStreamItem, void, undefined>> {
  validate(given);
  const params = withEndUser(given);
  const parent = activeParentContext();
  const span = getTracer().startSpan(`promptlayer.run ${params.promptName}`, { attributes: runAttributes(params) }, parent);
  const ctx = trace.setSpan(parent, span);
  const run = new Run(deps, params, span, ctx, (deps.providerEnv ?? providerEnvironment)(), getRequestContext());
  try {
    await run.prepare();
  } catch (error) {
    run.fail(error);
    throw error;
  }

  const started = new Date();
  let response: unknown;
  try {
    response = await run.callProvider();
  } catch (error) {
    await run.logFailure(error, started);
    run.fail(error);
    throw error;
  }

  if (run.plan.stream) {
    const items = streamItems(run, response as AsyncIterable<unknown>, started);
    abandonedStreams.register(items, () => run.end());
    return items;
  }
  const logged = await run.log(response, started);
  run.end();
  return {
    request_id: logged?.request_id ?? null,
    raw_response: response,
    prompt_blueprint: logged?.prompt_blueprint ?? run.blueprint(response),
    ...(run.experiment ? { experiment: run.experiment } : {}),
  };
}
