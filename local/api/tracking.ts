/**
 * Request logging and annotation (CONTRACT §2.4–2.6):
 *   POST /log-request                    header auth, 201 with the stored row
 *   POST /track-request                  legacy auth (body api_key), the SDKs' run() / proxied calls
 *   POST /library-track-metadata|score|prompt, /track-group, /create-group   legacy auth
 *                                        (metadata `pl_event:<type>:<id>` entries are outcome events)
 *   POST /rest/track-metadata|score|prompt|group                            header-auth twins (OAS)
 */
import { appendOutput, blueprint } from "../domain/blueprint.js";
import { BadRequestError, ConflictError, NotFoundError, ValidationError } from "../domain/errors.js";
import type { Json } from "../domain/json.js";
import { normalizePromptTemplate } from "../domain/prompt-template.js";
import { apiTypeOf, readProviderCall } from "../domain/provider-io.js";
import type { LocalStore } from "../store/index.js";
import { eventEntries } from "./events.js";
import { ok, type Reply } from "./http.js";
import { requestLogBody } from "./request-view.js";
import type { RouteContext, Router } from "./router.js";
import { Fields, objectBody } from "./validate.js";

const STATUSES = ["SUCCESS", "WARNING", "ERROR"] as const;
/** Error types and the statuses each may be logged with (§2.4). */
const ERROR_TYPES: Record<string, readonly string[]> = {
  PROVIDER_RATE_LIMIT: ["WARNING", "ERROR"],
  PROVIDER_QUOTA_LIMIT: ["WARNING", "ERROR"],
  UNKNOWN_ERROR: ["WARNING", "ERROR"],
  PROVIDER_PARTIAL_RESPONSE: ["WARNING"],
  VARIABLE_MISSING_OR_EMPTY: ["WARNING"],
  PROVIDER_TIMEOUT: ["ERROR"],
  PROVIDER_AUTH_ERROR: ["ERROR"],
  PROVIDER_ERROR: ["ERROR"],
  TEMPLATE_RENDER_ERROR: ["ERROR"],
};

function statusFields(f: Fields, body: Json, truncateMessage: boolean): { status: string; errorType: string | null; errorMessage: string | null } {
  const status = f.oneOf("status", STATUSES) ?? "SUCCESS";
  const errorType = f.oneOf("error_type", Object.keys(ERROR_TYPES)) ?? null;
  let errorMessage = truncateMessage ? (f.string("error_message") ?? null) : (f.string("error_message", { max: 1024 }) ?? null);
  if (errorMessage && truncateMessage) errorMessage = errorMessage.slice(0, 1024);
  if (errorType && body.status !== undefined && !ERROR_TYPES[errorType]!.includes(status)) {
    f.issues.push({ loc: ["body", "error_type"], msg: `${errorType} is only allowed with status ${ERROR_TYPES[errorType]!.join(" or ")}`, type: "value_error" });
  }
  return { status: errorType && body.status === undefined ? ERROR_TYPES[errorType]!.at(-1)! : status, errorType, errorMessage };
}

function templateField(body: Json, key: string, issues: Fields["issues"]): Json {
  if (body[key] === undefined || body[key] === null) {
    issues.push({ loc: ["body", key], msg: "Field required", type: "missing" });
    return {};
  }
  try {
    return normalizePromptTemplate(body[key], ["body", key]);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.issues);
    return {};
  }
}

/** Resolves `prompt_name`/`prompt_id` + version to a stored template (404 when named but unknown). */
function promptLink(store: LocalStore, name: string | undefined, id: number | undefined, versionNumber: number | undefined): { promptId: number | null; version: number | null } {
  if (name === undefined && id === undefined) return { promptId: null, version: versionNumber ?? null };
  const prompt = name !== undefined ? store.templates.find(name) : store.templates.byId(id!);
  if (!prompt) throw new NotFoundError(`Prompt template '${name ?? id}' not found`);
  if (versionNumber !== undefined && !store.templates.version(prompt.id, versionNumber)) throw new NotFoundError(`Version ${versionNumber} of prompt template '${prompt.name}' not found`);
  return { promptId: prompt.id, version: versionNumber ?? store.templates.latest(prompt.id)?.version ?? null };
}

function logRequest(ctx: RouteContext): Reply {
  const body = objectBody(ctx.body);
  const f = new Fields(body);
  const provider = f.string("provider", { required: true, min: 1 });
  const model = f.string("model", { required: true, min: 1 });
  const start = f.time("request_start_time", { required: true });
  const end = f.time("request_end_time", { required: true });
  const parameters = f.object("parameters") ?? {};
  const tags = f.stringArray("tags", { maxItem: 512 }) ?? [];
  const metadata = f.stringMap("metadata", { maxKey: 1024 }) ?? {};
  const promptName = f.string("prompt_name");
  const promptId = f.int("prompt_id", { min: 1 });
  const promptVersion = f.int("prompt_version_number", { min: 1 });
  const inputVariables = f.object("prompt_input_variables") ?? {};
  const inputTokens = f.int("input_tokens", { min: 0 }) ?? 0;
  const outputTokens = f.int("output_tokens", { min: 0 }) ?? 0;
  const price = f.number("price", { min: 0 }) ?? 0;
  const functionName = f.string("function_name") ?? "";
  const score = f.int("score", { min: 0, max: 100 }) ?? 0;
  const scoreName = f.string("score_name");
  const apiType = f.string("api_type");
  const { status, errorType, errorMessage } = statusFields(f, body, false);
  const input = templateField(body, "input", f.issues);
  const output = templateField(body, "output", f.issues);
  f.done();

  const store = ctx.services.store;
  const link = promptLink(store, promptName, promptId, promptVersion);
  const row = store.requests.insert({
    source: "log-request",
    providerType: provider!,
    engine: model!,
    functionName,
    functionArgs: [],
    functionKwargs: { input, parameters },
    requestResponse: { output },
    promptBlueprint: blueprint(appendOutput(input, output), { provider: provider!, name: model!, parameters, apiType }),
    requestStartTime: start!,
    requestEndTime: end!,
    promptId: link.promptId,
    promptVersionNumber: link.version,
    promptInputVariables: inputVariables,
    inputTokens,
    outputTokens,
    price,
    score: scoreName && scoreName !== "default" ? 0 : score,
    tags,
    metadata,
    status,
    errorType,
    errorMessage,
    spanId: null,
    traceId: null,
    originSpan: null,
  });
  if (scoreName && scoreName !== "default" && score) store.requests.setScore(row.id, scoreName, score);
  return ok(requestLogBody(store.requests.get(row.id)!, store), 201);
}

/** A real span id: 16 hex digits, and not the all-zero id of a no-op tracer. */
function spanIdOf(value: string | undefined): string | null {
  if (!value) return null;
  const id = value.toLowerCase();
  return /^[0-9a-f]{16}$/.test(id) && !/^0+$/.test(id) ? id : null;
}

function trackRequest(ctx: RouteContext): Reply {
  const body = objectBody(ctx.body);
  const f = new Fields(body);
  const functionName = f.string("function_name", { required: true });
  const providerType = f.string("provider_type");
  const args = Array.isArray(body.args) ? body.args : [];
  const kwargs = f.object("kwargs", { required: true });
  const response = f.object("request_response") ?? {};
  const start = f.time("request_start_time", { required: true });
  const end = f.time("request_end_time", { required: true });
  const tags = f.stringArray("tags") ?? [];
  const metadata = f.stringMap("metadata") ?? {};
  const promptId = f.int("prompt_id", { min: 1 });
  const promptVersion = f.int("prompt_version", { min: 1 });
  const inputVariables = f.object("prompt_input_variables") ?? {};
  const groupId = f.int("group_id", { min: 1 });
  const returnBlueprint = f.bool("return_prompt_blueprint") ?? false;
  const spanId = spanIdOf(f.string("span_id"));
  const score = f.int("score", { min: 0, max: 100 }) ?? 0;
  // The JS SDK sends provider error messages uncut (CONTRACT §9.5): keep the first 1024 characters.
  const { status, errorType, errorMessage } = statusFields(f, body, true);
  f.done();

  const store = ctx.services.store;
  if (groupId !== undefined && !store.requests.groupExists(groupId)) throw new NotFoundError(`Group ${groupId} not found`);
  const link = promptLink(store, undefined, promptId, promptVersion);
  const provider = providerType ?? functionName!.split(".")[0] ?? "openai";
  const call = readProviderCall(provider, functionName!, kwargs!, response);
  const bp = blueprint(call.promptTemplate, { provider, name: call.model, parameters: call.parameters, apiType: apiTypeOf(call.api) });
  const row = store.requests.insert({
    source: "track-request",
    providerType: provider,
    engine: call.model,
    functionName: functionName!,
    functionArgs: args,
    functionKwargs: kwargs!,
    requestResponse: response,
    promptBlueprint: bp,
    requestStartTime: start!,
    requestEndTime: end!,
    promptId: link.promptId,
    promptVersionNumber: link.version,
    promptInputVariables: inputVariables,
    inputTokens: call.usage.inputTokens,
    outputTokens: call.usage.outputTokens,
    price: 0,
    score,
    tags,
    metadata,
    status,
    errorType,
    errorMessage,
    spanId,
    // The run span may already have arrived over OTLP; otherwise ingest links it later.
    traceId: spanId ? (store.spans.traceOfSpan(spanId) ?? null) : null,
    originSpan: null,
  });
  if (groupId !== undefined) store.requests.addToGroup(row.id, groupId);
  return ok({ success: true, request_id: row.id, prompt_blueprint: returnBlueprint ? bp : null, message: "Request tracked successfully" });
}

function requestIdOf(f: Fields, store: LocalStore): number {
  const id = f.int("request_id", { required: true, min: 1 });
  f.done();
  if (!store.requests.exists(id!)) throw new NotFoundError(`Request ${id} not found`);
  return id!;
}

type Annotation = (body: Json, store: LocalStore) => Json;

/**
 * Merges metadata; `pl_event:<type>:<event id>` entries are outcome events (api/events.ts) and
 * are stored as events instead. All or nothing: one bad event fails the call and stores nothing.
 * An event id already stored is a retried delivery and is skipped; the same id for another
 * request or type is a sender bug, refused with 409 rather than silently dropped.
 */
const trackMetadata: Annotation = (body, store) => {
  const f = new Fields(body);
  const metadata = f.stringMap("metadata", { required: true, maxKey: 1024 });
  const { events, rest } = eventEntries(metadata ?? {}, f.issues);
  const id = requestIdOf(f, store);
  store.db.transaction(() => {
    if (Object.keys(rest).length) store.requests.mergeMetadata(id, rest);
    for (const event of events) {
      if (store.events.insert(id, event)) continue;
      const first = store.events.byEventId(event.eventId)!;
      if (first.requestId !== id || first.type !== event.type) throw new ConflictError(`Event '${event.eventId}' is already recorded as a ${first.type} event of request ${first.requestId}`);
    }
  });
  return { success: true };
};

const trackScore: Annotation = (body, store) => {
  const f = new Fields(body);
  const score = f.int("score", { required: true, min: 0, max: 100 });
  const name = f.string("name", { min: 1 }) ?? f.string("score_name", { min: 1 }) ?? "default";
  const id = requestIdOf(f, store);
  store.requests.setScore(id, name, score!);
  return { success: true };
};

const trackPrompt: Annotation = (body, store) => {
  const f = new Fields(body);
  const promptName = f.string("prompt_name", { required: true, min: 1 });
  const inputVariables = f.object("prompt_input_variables") ?? {};
  const version = f.int("version", { min: 1 });
  const label = f.string("label");
  const id = requestIdOf(f, store);
  const prompt = store.templates.find(promptName!);
  if (!prompt) throw new NotFoundError(`Prompt template '${promptName}' not found`);
  if (version !== undefined && label !== undefined) throw new BadRequestError("Provide either version or label, not both");
  const v = version !== undefined ? store.templates.version(prompt.id, version) : label !== undefined ? store.templates.labelled(prompt.id, label) : store.templates.latest(prompt.id);
  if (!v) throw new NotFoundError(version !== undefined ? `Version ${version} of prompt template '${prompt.name}' not found` : `Release label '${label}' of prompt template '${prompt.name}' not found`);
  store.requests.setPrompt(id, prompt.id, v.version, inputVariables);
  return { success: true };
};

const trackGroup: Annotation = (body, store) => {
  const f = new Fields(body);
  const groupId = f.int("group_id", { required: true, min: 1 });
  const id = requestIdOf(f, store);
  if (!store.requests.groupExists(groupId!)) throw new NotFoundError(`Group ${groupId} not found`);
  store.requests.addToGroup(id, groupId!);
  return { success: true };
};

const legacy = (annotate: Annotation) => (ctx: RouteContext) => ok(annotate(objectBody(ctx.body), ctx.services.store));
const rest = (annotate: Annotation, message: string) => (ctx: RouteContext) => ok({ ...annotate(objectBody(ctx.body), ctx.services.store), message });

export function trackingRoutes(router: Router): void {
  router
    .add("POST", "/log-request", { auth: "header" }, logRequest)
    .add("POST", "/track-request", { auth: "legacy" }, trackRequest)
    .add("POST", "/library-track-metadata", { auth: "legacy" }, legacy(trackMetadata))
    .add("POST", "/library-track-score", { auth: "legacy" }, legacy(trackScore))
    .add("POST", "/library-track-prompt", { auth: "legacy" }, legacy(trackPrompt))
    .add("POST", "/track-group", { auth: "legacy" }, legacy(trackGroup))
    .add("POST", "/create-group", { auth: "legacy" }, (ctx) => ok({ success: true, id: ctx.services.store.requests.createGroup() }))
    .add("POST", "/rest/track-metadata", { auth: "header" }, rest(trackMetadata, "Metadata tracked successfully"))
    .add("POST", "/rest/track-score", { auth: "header" }, rest(trackScore, "Score tracked successfully"))
    .add("POST", "/rest/track-prompt", { auth: "header" }, rest(trackPrompt, "Prompt tracked successfully"))
    .add("POST", "/rest/track-group", { auth: "header" }, rest(trackGroup, "Group tracked successfully"));
}
