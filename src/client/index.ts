/**
 * `new PromptLayer(options)`: the client for the PromptLayer prompt registry and request log.
 * Method parameters are camelCase; the service's own data (templates, blueprints, `run()`
 * results) keeps the service's keys.
 */
import { providerEnvironment, resolveClientConfig, type ProviderEnvironment } from "../config.js";
import { logger as packageLogger, type Logger } from "../logger.js";
import { fallible, type Fallible } from "./fallback.js";
import { HttpClient } from "./http.js";
import { logRequest, type LogRequestParams } from "./log-request.js";
import { runPrompt, type RunParams, type RunResult, type RunStreamItem } from "./run/index.js";
import type { AnthropicModule, OpenAIModule } from "./run/sdk.js";
import type { Sleep } from "./retry.js";
import { Skills } from "./skills.js";
import { TemplateCache } from "./templates/cache.js";
import { Templates } from "./templates/index.js";
import { Group, Track } from "./track.js";
import type { RequestLog, WorkflowNodeResults } from "./types.js";
import { traceable } from "../tracing/traceable.js";
import { runWorkflow, type RunWorkflowParams } from "./workflows.js";
import { promptLayerAnthropic, promptLayerOpenAI, type AnthropicClass, type OpenAIClass, type ProviderClassOptions } from "./wrappers.js";

export interface PromptLayerOptions {
  /** Default `PROMPTLAYER_API_KEY`. A missing key fails the first call (PromptLayerAuthenticationError). */
  apiKey?: string;
  /** Default `PROMPTLAYER_BASE_URL`, else `https://api.promptlayer.com`. */
  baseURL?: string;
  /**
   * Default true. When false, failed calls return `null` (templates.get, logRequest, publish),
   * `[]` (templates.all), `false` (track.*, group.create) and log a warning instead of throwing.
   * `run()` and `runWorkflow()` always throw: they have no neutral answer.
   */
  throwOnError?: boolean;
  /** Template cache lifetime in seconds; 0 (default) turns the cache off. */
  cacheTtlSeconds?: number;
  /** Per-request timeout in milliseconds, default 30 000. */
  timeout?: number;
  /** A `fetch` to use instead of the global one (proxies, tests). */
  fetch?: typeof fetch;
  /**
   * Where this client's own messages go: the warnings of `throwOnError: false`, events the
   * service refused, a `run()` whose logging failed, a stale cached template served, retries
   * (info) and API calls (debug). Default: the package logger (`setLogger()`,
   * `PROMPTLAYER_LOG_LEVEL`). A logger that throws is ignored, never breaks a call.
   */
  logger?: Logger;
}

/** Internal seams for tests: how to wait, what time it is, where provider keys come from. */
export interface PromptLayerInternals {
  sleep?: Sleep;
  now?: () => number;
  providerEnv?: () => ProviderEnvironment;
}

export class PromptLayer {
  readonly baseURL: string;
  readonly throwOnError: boolean;
  readonly templates: Templates;
  readonly track: Track;
  readonly group: Group;
  /** Skill collections: pull, publish, update (rename and new versions). */
  readonly skills: Skills;
  private readonly http: HttpClient;
  private readonly fallible: Fallible;
  private readonly internals: PromptLayerInternals;
  private readonly fetchImpl: typeof fetch | undefined;

  constructor(options: PromptLayerOptions = {}, internals: PromptLayerInternals = {}) {
    const config = resolveClientConfig(options);
    this.baseURL = config.baseURL;
    this.throwOnError = options.throwOnError ?? true;
    this.internals = internals;
    this.fetchImpl = options.fetch;
    const log = options.logger ? guardedLogger(options.logger) : packageLogger;
    this.http = new HttpClient({ apiKey: config.apiKey, baseURL: config.baseURL, timeout: config.timeout, fetch: options.fetch, sleep: internals.sleep, logger: log });
    this.fallible = fallible(this.throwOnError, log);
    this.templates = new Templates(this.http, new TemplateCache(config.cacheTtlSeconds * 1000, internals.now), this.fallible);
    this.track = new Track(this.http, this.fallible, this.throwOnError, { sleep: internals.sleep });
    this.group = new Group(this.http, this.fallible);
    this.skills = new Skills(this.http, this.fallible);
  }

  /**
   * Runs a registry prompt with your own provider key (from `OPENAI_API_KEY`, `ANTHROPIC_API_KEY`,
   * Azure or Gemini variables) and logs it. With `stream: true`, resolves to an async iterable of
   * `{request_id, raw_response, prompt_blueprint}` items: each carries one provider chunk and the
   * blueprint accumulated so far; the last also carries `request_id`.
   * If only the logging failed, `request_id` is null and a warning is logged.
   */
  run(params: RunParams & { stream: true }): Promise<AsyncGenerator<RunStreamItem, void, undefined>>;
  run(params: RunParams & { stream?: false | undefined }): Promise<RunResult>;
  run(params: RunParams): Promise<RunResult | AsyncGenerator<RunStreamItem, void, undefined>>;
  run(params: RunParams): Promise<RunResult | AsyncGenerator<RunStreamItem, void, undefined>> {
    return runPrompt({ http: this.http, templates: this.templates, providerEnv: this.internals.providerEnv ?? providerEnvironment, fetch: this.fetchImpl }, params);
  }

  /**
   * Runs a workflow and waits for it by polling its results. Returns the output node's value, or
   * every node's result with `returnAllOutputs`. Throws PromptLayerWorkflowError when no output
   * node succeeded and PromptLayerTimeoutError after `timeout` ms.
   */
  runWorkflow(params: RunWorkflowParams & { returnAllOutputs: true }): Promise<WorkflowNodeResults>;
  runWorkflow(params: RunWorkflowParams): Promise<unknown>;
  runWorkflow(params: RunWorkflowParams): Promise<unknown> {
    // One `invoke_workflow {name}` span over start and wait, so the run shows in the caller's trace.
    const traced = traceable(() => runWorkflow(this.http, params, this.internals.sleep), {
      kind: "workflow",
      name: params.workflowName,
      processInputs: () => ({ inputVariables: params.inputVariables, label: params.workflowLabelName, version: params.workflowVersion }),
    });
    return traced();
  }

  /** Logs a model call made outside `run()`; returns the request-log row (`id`, `prompt_version`, …). */
  logRequest(params: LogRequestParams): Promise<RequestLog | null> {
    return logRequest(this.http, this.fallible, params);
  }

  /** Drops cached templates: one name, or all. */
  invalidate(name?: string): void {
    this.templates.invalidate(name);
  }

  /**
   * The `openai` SDK's `OpenAI` class, extended so that calls through its clients are logged to
   * PromptLayer (and traced by the OpenAI instrumentation, as any client is). Calls accept
   * `pl_tags: string[]`, which is removed before the request goes to OpenAI.
   */
  openai(options?: ProviderClassOptions<OpenAIModule>): Promise<OpenAIClass> {
    return promptLayerOpenAI(this.http, options);
  }

  /** Like `openai()`, for `@anthropic-ai/sdk`'s `Anthropic` class (`messages.create`). */
  anthropic(options?: ProviderClassOptions<AnthropicModule>): Promise<AnthropicClass> {
    return promptLayerAnthropic(this.http, options);
  }
}

/** The caller's logger, such that a logger that throws cannot turn a logged warning into a failed call. */
function guardedLogger(target: Logger): Logger {
  const guard =
    (level: keyof Logger) =>
    (message: string, ...args: unknown[]): void => {
      try {
        target[level](message, ...args);
      } catch {
        // Nowhere left to report it.
      }
    };
  return { debug: guard("debug"), info: guard("info"), warn: guard("warn"), error: guard("error") };
}
