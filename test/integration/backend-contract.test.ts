/**
 * The local backend's contract, route by route: every REST route the router serves, plus the OTLP
 * receiver, each hit with a valid request and with the invalid ones that apply to it (missing
 * fields, wrong types, a body over the size limit, an unknown template or other object, a wrong
 * key and no key — in the header and, on the legacy tracking routes, in the body's `api_key`).
 * Each case asserts the exact status and the whole response body (`toEqual`); the parts that
 * vary (ids, times, a JSON parser's wording) are named explicitly with asymmetric matchers. Every
 * refused request must leave the database as it was.
 *
 * A guard test fails when a route is added without an entry here, and each entry must either
 * cover a kind of input or say why it does not apply.
 *
 * Behaviour in depth (rendering, A/B, OTLP mapping, durability…) is tested in the other
 * backend-*.test.ts files; this file pins the wire contract of every route.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRouter } from "../../local/server.js";
import { chatTemplate, eachTable, KEY, publish, startBackend, waitForExecution, type ApiResponse, type Client } from "./backend-helpers.js";

const LIMIT = 16 * 1024;

let client: Client;

interface Fixture {
  promptId: number;
  requestId: number;
  groupId: number;
  workflowId: number;
  executionId: number;
  skillId: string;
  traceId: string;
  releaseId: number;
  doomedReleaseId: number;
}
const fx = {} as Fixture;

// ---- the service's error bodies --------------------------------------------------------------

const failure = (message: string) => ({ success: false, message, error: message });
const authFailure = (error: string) => ({ success: false, message: "Invalid API key", error });
const BAD_KEY = authFailure("The API key does not match this local backend's key");
const NO_KEY = authFailure("No API key was sent (X-API-KEY header)");
const NO_KEY_LEGACY = authFailure("No API key was sent (X-API-KEY header or the body's api_key)");
const TOO_LARGE = failure(`body exceeds ${LIMIT} bytes`);
const NOT_JSON = failure('Unsupported content type "application/x-www-form-urlencoded"; send application/json');
// The text after the prefix is V8's JSON.parse message, which changes between Node versions.
const MALFORMED = { success: false, message: expect.stringMatching(/^Malformed JSON body: /), error: expect.stringMatching(/^Malformed JSON body: /) };
const detail = (...issues: Array<[loc: Array<string | number>, msg: string, type: string]>) => ({ detail: issues.map(([loc, msg, type]) => ({ loc, msg, type })) });
const missing = (...loc: Array<string | number>): [Array<string | number>, string, string] => [loc, "Field required", "missing"];
const notInt = (...loc: Array<string | number>): [Array<string | number>, string, string] => [loc, "Input should be a valid integer", "int_parsing"];
const notString = (...loc: Array<string | number>): [Array<string | number>, string, string] => [loc, "Input should be a valid string", "string_type"];
const notDict = (...loc: Array<string | number>): [Array<string | number>, string, string] => [loc, "Input should be a valid dictionary", "dict_type"];
const notBool = (...loc: Array<string | number>): [Array<string | number>, string, string] => [loc, "Input should be a valid boolean", "bool_parsing"];
const notList = (...loc: Array<string | number>): [Array<string | number>, string, string] => [loc, "Input should be a valid list", "list_type"];

// ---- valid bodies ----------------------------------------------------------------------------

const chat = (role: string, text: string) => ({ type: "chat", messages: [{ role, content: [{ type: "text", text }] }] });
const LOG = {
  provider: "openai",
  model: "gpt-4o-mini",
  input: chat("user", "Hello"),
  output: chat("assistant", "Hi"),
  request_start_time: "2026-01-02T03:04:05Z",
  request_end_time: "2026-01-02T03:04:06Z",
};
const TRACK = {
  function_name: "openai.chat.completions.create",
  provider_type: "openai",
  args: [],
  kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
  request_response: { id: "c1", object: "chat.completion", model: "gpt-4o-mini", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hello" } }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } },
  request_start_time: "2026-01-02T03:04:05.000Z",
  request_end_time: "2026-01-02T03:04:06.000Z",
  tags: [],
  metadata: {},
  return_prompt_blueprint: false,
};
const UNKNOWN_TRACE = "0123456789abcdef0123456789abcdef";
const otlpSpan = (span: Record<string, unknown>) => ({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "contract" }, spans: [span] }] }] });
const SPAN = { traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b174", name: "contract-span", kind: 1, startTimeUnixNano: "1767323045000000000", endTimeUnixNano: "1767323046000000000" };

// ---- the table -------------------------------------------------------------------------------

type Lazy<T> = T | ((f: Fixture) => T);
/** A JSON body or an expectation (with asymmetric matchers). */
type Value = object | string | number | boolean | null;
const lazy = <T,>(v: Lazy<T>): T => (typeof v === "function" ? (v as (f: Fixture) => T)(fx) : v);

/** The kinds of input #6 names; each route covers each one or says why it does not apply. */
const KINDS = ["valid", "missing", "wrong type", "oversized", "unknown", "bad key", "no key"] as const;
/** Plus, on every route with a body: malformed JSON and a body that is not JSON. */
type Kind = (typeof KINDS)[number] | "malformed" | "not JSON";

interface Case {
  kind: Kind;
  title: string;
  /** Default: the route's `sample` path. */
  path?: Lazy<string>;
  body?: Lazy<Value>;
  raw?: string;
  /** Default: the right key in `X-API-KEY`; null for none. */
  key?: string | null;
  headers?: Record<string, string>;
  status: number;
  /** The whole body (`toEqual`; asymmetric matchers for the parts that vary). */
  expect: Lazy<Value>;
}

interface Route {
  method: string;
  /** As registered, e.g. `/prompt-templates/{identifier}`. */
  path: string;
  auth: "header" | "legacy" | "none";
  /** A concrete path to send the generated cases to. */
  sample: Lazy<string>;
  /** A valid body for this route (the generated body and key cases start from it). */
  validBody?: Lazy<Value>;
  /** Reads a JSON body (the body-level cases apply). Default: POST/PATCH. */
  readsBody?: boolean;
  /** `otlp`: the collector's `{error}` bodies instead of the service's. */
  shape?: "rest" | "otlp";
  cases: Case[];
  /** Kinds that do not apply, and why. */
  na?: Partial<Record<Kind, string>>;
}

const NO_BODY = "no request body";
const NO_INPUT = "takes no parameters";

const TRACKING: Array<{ legacy: string; rest: string; message: string; valid: (f: Fixture) => Record<string, unknown>; missing: ReturnType<typeof detail>; wrong: { body: (f: Fixture) => Record<string, unknown>; expect: Value }; unknown: { body: (f: Fixture) => Record<string, unknown>; message: string } }> = [
  {
    legacy: "/library-track-metadata",
    rest: "/rest/track-metadata",
    message: "Metadata tracked successfully",
    valid: (f) => ({ request_id: f.requestId, metadata: { team: "contract" } }),
    missing: detail(missing("body", "metadata"), missing("body", "request_id")),
    wrong: { body: () => ({ request_id: "abc", metadata: { k: 1 } }), expect: detail(notString("body", "metadata", "k"), notInt("body", "request_id")) },
    unknown: { body: () => ({ request_id: 999999, metadata: { a: "b" } }), message: "Request 999999 not found" },
  },
  {
    legacy: "/library-track-score",
    rest: "/rest/track-score",
    message: "Score tracked successfully",
    valid: (f) => ({ request_id: f.requestId, score: 90 }),
    missing: detail(missing("body", "score"), missing("body", "request_id")),
    wrong: { body: () => ({ request_id: 1.5, score: "high" }), expect: detail(notInt("body", "score"), notInt("body", "request_id")) },
    unknown: { body: () => ({ request_id: 999999, score: 1 }), message: "Request 999999 not found" },
  },
  {
    legacy: "/library-track-prompt",
    rest: "/rest/track-prompt",
    message: "Prompt tracked successfully",
    valid: (f) => ({ request_id: f.requestId, prompt_name: "contract-tpl", prompt_input_variables: { question: "Why?" }, label: "prod" }),
    missing: detail(missing("body", "prompt_name"), missing("body", "request_id")),
    wrong: { body: (f) => ({ request_id: f.requestId, prompt_name: 3, prompt_input_variables: "x", version: "v" }), expect: detail(notString("body", "prompt_name"), notDict("body", "prompt_input_variables"), notInt("body", "version")) },
    unknown: { body: (f) => ({ request_id: f.requestId, prompt_name: "ghost" }), message: "Prompt template 'ghost' not found" },
  },
  {
    legacy: "/track-group",
    rest: "/rest/track-group",
    message: "Group tracked successfully",
    valid: (f) => ({ request_id: f.requestId, group_id: f.groupId }),
    missing: detail(missing("body", "group_id"), missing("body", "request_id")),
    wrong: { body: () => ({ group_id: "g", request_id: "r" }), expect: detail(notInt("body", "group_id"), notInt("body", "request_id")) },
    unknown: { body: (f) => ({ request_id: f.requestId, group_id: 999999 }), message: "Group 999999 not found" },
  },
];

const ROUTES: Route[] = [
  // ---- prompt registry (CONTRACT §2.1–2.3) ----
  {
    method: "POST",
    path: "/prompt-templates/{identifier}",
    auth: "header",
    sample: "/prompt-templates/contract-tpl",
    validBody: { label: "prod", input_variables: { question: "Why?" } },
    cases: [
      {
        kind: "valid",
        title: "renders the labelled version",
        body: { label: "prod", input_variables: { question: "Why?" } },
        status: 200,
        expect: (f) =>
          expect.objectContaining({
            id: f.promptId,
            prompt_name: "contract-tpl",
            version: 1,
            prompt_template: expect.objectContaining({ messages: [expect.objectContaining({ role: "user", content: [{ type: "text", text: "Answer Why?" }] })] }),
            llm_kwargs: expect.objectContaining({ model: "gpt-4o-mini" }),
          }),
      },
      { kind: "missing", title: "every field is optional: an empty body gets the latest version", body: {}, status: 200, expect: expect.objectContaining({ prompt_name: "contract-tpl", version: 2 }) },
      { kind: "missing", title: "a null body is an empty one", raw: "null", headers: { "content-type": "application/json" }, status: 200, expect: expect.objectContaining({ version: 2 }) },
      { kind: "wrong type", title: "version, label and input_variables", body: { version: "one", label: 5, input_variables: [] }, status: 422, expect: detail(notInt("body", "version"), notString("body", "label"), notDict("body", "input_variables")) },
      { kind: "wrong type", title: "a body that is not an object", body: [1], status: 422, expect: detail(notDict("body")) },
      { kind: "unknown", title: "template", path: "/prompt-templates/ghost", body: {}, status: 404, expect: failure("Prompt template 'ghost' not found") },
      { kind: "unknown", title: "version", body: { version: 99 }, status: 404, expect: failure("Version 99 of prompt template 'contract-tpl' not found") },
      { kind: "unknown", title: "label", body: { label: "nope" }, status: 404, expect: failure("Release label 'nope' of prompt template 'contract-tpl' not found") },
    ],
  },
  {
    method: "GET",
    path: "/prompt-templates/{identifier}",
    auth: "header",
    sample: "/prompt-templates/contract-tpl",
    cases: [
      { kind: "valid", title: "the labelled version, raw", path: "/prompt-templates/contract-tpl?label=prod", status: 200, expect: (f) => expect.objectContaining({ id: f.promptId, prompt_name: "contract-tpl", version: 1, llm_kwargs: null }) },
      { kind: "valid", title: "by id, with llm_kwargs", path: (f) => `/prompt-templates/${f.promptId}?version=1&include_llm_kwargs=true`, status: 200, expect: expect.objectContaining({ version: 1, llm_kwargs: expect.objectContaining({ model: "gpt-4o-mini" }) }) },
      { kind: "missing", title: "no parameter is required: the latest version", status: 200, expect: expect.objectContaining({ version: 2 }) },
      { kind: "wrong type", title: "version and include_llm_kwargs", path: "/prompt-templates/contract-tpl?version=one&include_llm_kwargs=maybe", status: 422, expect: detail(notInt("query", "version"), notBool("query", "include_llm_kwargs")) },
      { kind: "unknown", title: "template", path: "/prompt-templates/ghost", status: 404, expect: failure("Prompt template 'ghost' not found") },
      { kind: "unknown", title: "version", path: "/prompt-templates/contract-tpl?version=99", status: 404, expect: failure("Version 99 of prompt template 'contract-tpl' not found") },
    ],
  },
  {
    method: "GET",
    path: "/prompt-templates/{identifier}/labels",
    auth: "header",
    sample: "/prompt-templates/contract-tpl/labels",
    cases: [
      {
        kind: "valid",
        title: "the template's release labels",
        status: 200,
        expect: { release_labels: expect.arrayContaining([{ prompt_version_id: expect.any(Number), prompt_version_number: 1, release_label: "prod", release_label_id: expect.any(Number) }]) },
      },
      { kind: "unknown", title: "template", path: "/prompt-templates/ghost/labels", status: 404, expect: failure("Prompt template 'ghost' not found") },
    ],
    na: { missing: NO_INPUT, "wrong type": NO_INPUT },
  },
  {
    method: "GET",
    path: "/prompt-templates",
    auth: "header",
    sample: "/prompt-templates",
    cases: [
      {
        kind: "valid",
        title: "a page with the service's envelope",
        path: "/prompt-templates?page=1&per_page=1&name=contract-tpl",
        status: 200,
        expect: { items: [expect.objectContaining({ prompt_name: "contract-tpl", version: 2 })], page: 1, per_page: 1, pages: 1, total: 1, has_next: false, has_prev: false, next_num: null, prev_num: null },
      },
      { kind: "missing", title: "no parameter is required: page 1 of 30", status: 200, expect: expect.objectContaining({ page: 1, per_page: 30 }) },
      {
        kind: "wrong type",
        title: "page, per_page and status",
        path: "/prompt-templates?page=zero&per_page=0&status=gone",
        status: 422,
        expect: detail(notInt("query", "page"), [["query", "per_page"], "Input should be greater than or equal to 1", "greater_than_equal"], [["query", "status"], "Input should be 'active', 'deleted', 'all'", "enum"]),
      },
    ],
    na: { unknown: "a list: an unknown name filter is an empty page" },
  },
  {
    method: "POST",
    path: "/rest/prompt-templates",
    auth: "header",
    sample: "/rest/prompt-templates",
    validBody: { prompt_template: { prompt_name: "contract-published" }, prompt_version: { prompt_template: chatTemplate([{ role: "user", text: "Hi" }]) } },
    cases: [
      {
        kind: "valid",
        title: "publishes version 1 (201)",
        body: { prompt_template: { prompt_name: "contract-new", tags: ["contract"] }, prompt_version: { prompt_template: chatTemplate([{ role: "user", text: "Hi {name}" }]), commit_message: "first" }, release_labels: ["prod"] },
        status: 201,
        expect: expect.objectContaining({ id: expect.any(Number), prompt_name: "contract-new", prompt_version_id: expect.any(Number), version_number: 1, tags: ["contract"], release_labels: ["prod"], commit_message: "first", external_ids: [] }),
      },
      { kind: "missing", title: "prompt_name and the template", body: {}, status: 422, expect: detail(missing("body", "prompt_name"), missing("body", "prompt_template")) },
      { kind: "wrong type", title: "prompt_template and prompt_version", body: { prompt_template: "x", prompt_version: 5 }, status: 422, expect: detail(notDict("body", "prompt_template"), notDict("body", "prompt_version")) },
      {
        kind: "wrong type",
        title: "commit_message too long and tags not a list",
        body: { prompt_template: { prompt_name: "contract-x", tags: "t" }, prompt_version: { prompt_template: chatTemplate([{ role: "user", text: "Hi" }]), commit_message: "c".repeat(73) } },
        status: 422,
        expect: detail([["body", "prompt_template", "commit_message"], "String should have at most 72 characters", "string_too_long"], notList("body", "prompt_template", "tags")),
      },
    ],
    na: { unknown: "creates the template when it does not exist" },
  },

  // ---- logging and tracking (CONTRACT §2.4–2.6) ----
  {
    method: "POST",
    path: "/log-request",
    auth: "header",
    sample: "/log-request",
    validBody: LOG,
    cases: [
      {
        kind: "valid",
        title: "stores the log (201, the request-log row)",
        body: { ...LOG, prompt_name: "contract-tpl", prompt_version_number: 1 },
        status: 201,
        expect: (f) => expect.objectContaining({ id: expect.any(Number), provider_type: "openai", engine: "gpt-4o-mini", prompt_id: f.promptId, prompt_version_number: 1, status: "SUCCESS", response_string: "Hi" }),
      },
      {
        kind: "missing",
        title: "every required field",
        body: {},
        status: 422,
        expect: detail(missing("body", "provider"), missing("body", "model"), missing("body", "request_start_time"), missing("body", "request_end_time"), missing("body", "input"), missing("body", "output")),
      },
      { kind: "wrong type", title: "provider, tags and input_tokens", body: { ...LOG, provider: 1, tags: "t", input_tokens: "many" }, status: 422, expect: detail(notString("body", "provider"), notList("body", "tags"), notInt("body", "input_tokens")) },
      { kind: "wrong type", title: "a time that is not one", body: { ...LOG, request_end_time: "yesterday" }, status: 422, expect: detail([["body", "request_end_time"], "Input should be a valid datetime (ISO 8601 or epoch seconds)", "datetime_parsing"]) },
      { kind: "unknown", title: "template", body: { ...LOG, prompt_name: "ghost" }, status: 404, expect: failure("Prompt template 'ghost' not found") },
      { kind: "unknown", title: "template version", body: { ...LOG, prompt_name: "contract-tpl", prompt_version_number: 99 }, status: 404, expect: failure("Version 99 of prompt template 'contract-tpl' not found") },
    ],
  },
  {
    method: "POST",
    path: "/track-request",
    auth: "legacy",
    sample: "/track-request",
    validBody: TRACK,
    cases: [
      { kind: "valid", title: "tracks with the body's api_key", body: { ...TRACK, api_key: KEY }, key: null, status: 200, expect: { success: true, request_id: expect.any(Number), prompt_blueprint: null, message: "Request tracked successfully" } },
      {
        kind: "missing",
        title: "every required field",
        body: { api_key: KEY },
        key: null,
        status: 422,
        expect: detail(missing("body", "function_name"), missing("body", "kwargs"), missing("body", "request_start_time"), missing("body", "request_end_time")),
      },
      { kind: "wrong type", title: "function_name, kwargs and group_id", body: { ...TRACK, api_key: KEY, function_name: 7, kwargs: "x", group_id: "g" }, key: null, status: 422, expect: detail(notString("body", "function_name"), notDict("body", "kwargs"), notInt("body", "group_id")) },
      { kind: "unknown", title: "template id", body: { ...TRACK, api_key: KEY, prompt_id: 999999 }, key: null, status: 404, expect: failure("Prompt template '999999' not found") },
      { kind: "unknown", title: "group", body: { ...TRACK, api_key: KEY, group_id: 999999 }, key: null, status: 404, expect: failure("Group 999999 not found") },
    ],
  },
  ...TRACKING.flatMap((t): Route[] => [
    {
      method: "POST",
      path: t.legacy,
      auth: "legacy",
      sample: t.legacy,
      validBody: t.valid,
      cases: [
        { kind: "valid", title: "with the body's api_key", body: (f) => ({ ...t.valid(f), api_key: KEY }), key: null, status: 200, expect: { success: true } },
        { kind: "missing", title: "the required fields", body: { api_key: KEY }, key: null, status: 422, expect: t.missing },
        { kind: "wrong type", title: "the fields' types", body: (f) => ({ ...t.wrong.body(f), api_key: KEY }), key: null, status: 422, expect: t.wrong.expect },
        { kind: "unknown", title: "what it refers to", body: (f) => ({ ...t.unknown.body(f), api_key: KEY }), key: null, status: 404, expect: failure(t.unknown.message) },
      ],
    },
    {
      method: "POST",
      path: t.rest,
      auth: "header",
      sample: t.rest,
      validBody: t.valid,
      cases: [
        { kind: "valid", title: "with the header key", body: t.valid, status: 200, expect: { success: true, message: t.message } },
        { kind: "missing", title: "the required fields", body: {}, status: 422, expect: t.missing },
        { kind: "wrong type", title: "the fields' types", body: t.wrong.body, status: 422, expect: t.wrong.expect },
        { kind: "unknown", title: "what it refers to", body: t.unknown.body, status: 404, expect: failure(t.unknown.message) },
      ],
    },
  ]),
  {
    method: "POST",
    path: "/create-group",
    auth: "legacy",
    sample: "/create-group",
    validBody: {},
    cases: [
      { kind: "valid", title: "a new group id", body: { api_key: KEY }, key: null, status: 200, expect: { success: true, id: expect.any(Number) } },
      { kind: "wrong type", title: "an api_key that is not a string is no key", body: { api_key: 123 }, key: null, status: 401, expect: NO_KEY_LEGACY },
    ],
    na: { missing: "api_key is its only field (see no key)", unknown: "refers to nothing" },
  },

  // ---- workflows (CONTRACT §2.7) ----
  {
    method: "POST",
    path: "/workflows/{identifier}/run",
    auth: "header",
    sample: "/workflows/contract-flow/run",
    validBody: { input_variables: { topic: "tea" } },
    cases: [
      { kind: "valid", title: "starts a run (201)", body: { input_variables: { topic: "tea" }, metadata: null, workflow_label_name: "prod", workflow_version_number: null, return_all_outputs: false }, status: 201, expect: { success: true, message: "Workflow execution created successfully", warning: null, workflow_version_execution_id: expect.any(Number) } },
      { kind: "missing", title: "a missing input variable starts the run with a warning", body: {}, status: 201, expect: { success: true, message: "Workflow execution created successfully", warning: "Missing input variables: topic", workflow_version_execution_id: expect.any(Number) } },
      {
        kind: "wrong type",
        title: "input_variables, workflow_version_number and callback_url",
        body: { input_variables: "x", workflow_version_number: "latest", callback_url: "ftp://x" },
        status: 422,
        expect: detail(notDict("body", "input_variables"), notInt("body", "workflow_version_number"), [["body", "callback_url"], "Input should be an http(s) URL", "url_parsing"]),
      },
      { kind: "unknown", title: "workflow", path: "/workflows/ghost/run", body: {}, status: 404, expect: failure("Workflow 'ghost' not found") },
      { kind: "unknown", title: "version", body: { workflow_version_number: 99 }, status: 404, expect: failure("Version 99 of workflow 'contract-flow' not found") },
      { kind: "unknown", title: "label", body: { workflow_label_name: "nope" }, status: 404, expect: failure("Release label 'nope' of workflow 'contract-flow' not found") },
    ],
  },
  {
    method: "GET",
    path: "/workflows/{identifier}",
    auth: "header",
    sample: "/workflows/contract-flow",
    cases: [
      {
        kind: "valid",
        title: "the definition, by name",
        status: 200,
        expect: (f) => expect.objectContaining({ success: true, workflow: { id: f.workflowId, workspace_id: 1, user_id: null, name: "contract-flow", is_draft: false, is_deleted: false }, workflow_id: f.workflowId, workflow_name: "contract-flow", version: 1, release_labels: ["prod"], required_input_variables: { topic: "string" } }),
      },
      { kind: "valid", title: "by id and label", path: (f) => `/workflows/${f.workflowId}?label=prod`, status: 200, expect: expect.objectContaining({ workflow_name: "contract-flow", version: 1 }) },
      { kind: "wrong type", title: "version", path: "/workflows/contract-flow?version=one", status: 422, expect: detail(notInt("query", "version")) },
      { kind: "unknown", title: "workflow", path: "/workflows/ghost", status: 404, expect: failure("Workflow 'ghost' not found") },
      { kind: "unknown", title: "version", path: "/workflows/contract-flow?version=99", status: 404, expect: failure("Version 99 of workflow 'contract-flow' not found") },
    ],
    na: { missing: "no parameter is required (by name and by id: see valid)" },
  },
  {
    method: "GET",
    path: "/workflow-version-execution-results",
    auth: "header",
    sample: (f) => `/workflow-version-execution-results?workflow_version_execution_id=${f.executionId}`,
    cases: [
      { kind: "valid", title: "the output value", status: 200, expect: "About tea" },
      {
        kind: "valid",
        title: "every node",
        path: (f) => `/workflow-version-execution-results?workflow_version_execution_id=${f.executionId}&return_all_outputs=true`,
        status: 200,
        expect: {
          topic: { status: "SUCCESS", value: "tea", error_message: null, raw_error_message: null, is_output_node: false },
          about: { status: "SUCCESS", value: "About tea", error_message: null, raw_error_message: null, is_output_node: true },
        },
      },
      { kind: "missing", title: "the execution id", path: "/workflow-version-execution-results", status: 422, expect: detail(missing("query", "workflow_version_execution_id")) },
      { kind: "wrong type", title: "execution id and return_all_outputs", path: "/workflow-version-execution-results?workflow_version_execution_id=abc&return_all_outputs=perhaps", status: 422, expect: detail(notInt("query", "workflow_version_execution_id"), notBool("query", "return_all_outputs")) },
      { kind: "unknown", title: "execution", path: "/workflow-version-execution-results?workflow_version_execution_id=999999", status: 404, expect: failure("Workflow version execution 999999 not found") },
    ],
  },
  {
    method: "POST",
    path: "/ws-token-request-library",
    auth: "header",
    sample: "/ws-token-request-library?capability=workflows%3A1%3Arun%3Aabc",
    validBody: {},
    cases: [
      {
        kind: "valid",
        title: "a token for the asked capability (201)",
        status: 201,
        expect: {
          success: true,
          token_details: { expires: expect.any(Number), token: expect.any(String), issued: expect.any(Number), capability: { "user:1": ["presence", "subscribe"], "workflows:1:run:abc": ["presence", "subscribe"] }, clientId: "1" },
          messaging_backend: "none",
        },
      },
    ],
    na: { missing: "takes no fields", "wrong type": "takes no fields", unknown: "refers to nothing" },
  },

  // ---- OTLP/HTTP (CONTRACT §2.8), outside the router ----
  {
    method: "POST",
    path: "/v1/traces",
    auth: "header",
    sample: "/v1/traces",
    shape: "otlp",
    validBody: otlpSpan({ ...SPAN, spanId: "eee19b7ec3c1b175" }),
    cases: [
      { kind: "valid", title: "stores an OTLP/JSON export (200 {})", body: otlpSpan({ ...SPAN, traceId: "6b8efff798038103d269b633813fc60c" }), status: 200, expect: {} },
      { kind: "missing", title: "a span without traceId", body: otlpSpan({ ...SPAN, traceId: undefined }), status: 400, expect: { error: "traceId is required" } },
      { kind: "wrong type", title: "a traceId that is a number", body: otlpSpan({ ...SPAN, traceId: 5 }), status: 400, expect: { error: "traceId must be bytes or a hex string" } },
      { kind: "wrong type", title: "resourceSpans that is not a list", body: { resourceSpans: "x" }, status: 400, expect: { error: "resourceSpans must be an array" } },
      { kind: "wrong type", title: "a time that is not a number", body: otlpSpan({ ...SPAN, startTimeUnixNano: "soon" }), status: 400, expect: { error: "startTimeUnixNano must be an unsigned integer" } },
    ],
    na: { unknown: "refers to nothing" },
  },

  // ---- skills (CONTRACT §2.9) ----
  {
    method: "POST",
    path: "/api/public/v2/skill-collections",
    auth: "header",
    sample: "/api/public/v2/skill-collections",
    validBody: { name: "Contract skills extra" },
    cases: [
      {
        kind: "valid",
        title: "creates a collection with version 1 (201)",
        body: { name: "Contract skills 2", provider: "openai", files: [{ path: "SKILL.md", content: "# two" }], commit_message: "first" },
        status: 201,
        expect: {
          success: true,
          skill_collection: expect.objectContaining({ id: expect.any(String), name: "Contract skills 2", root_path: "/contract-skills-2", provider: "openai" }),
          external_ids: [],
          version: expect.objectContaining({ number: 1, file_paths: ["SKILL.md"], commit_message: "first" }),
        },
      },
      { kind: "missing", title: "name", body: {}, status: 422, expect: detail(missing("body", "name")) },
      {
        kind: "wrong type",
        title: "name, folder_id, provider and files",
        body: { name: 5, folder_id: "f", provider: "x", files: "x" },
        status: 422,
        expect: detail(notString("body", "name"), notInt("body", "folder_id"), [["body", "provider"], "Input should be 'claude_code', 'openai', 'openclaw'", "enum"], notList("body", "files")),
      },
      { kind: "wrong type", title: "a file path that climbs out", body: { name: "Contract evil", files: [{ path: "../etc/passwd", content: "x" }] }, status: 422, expect: detail([["body", "files", 0, "path"], expect.stringMatching(/^Path '\.\.\/etc\/passwd' /), "value_error"]) },
    ],
    na: { unknown: "creates; a taken name is a 400 (skills-backend)" },
  },
  {
    method: "GET",
    path: "/api/public/v2/skill-collections/{identifier}",
    auth: "header",
    sample: (f) => `/api/public/v2/skill-collections/${f.skillId}`,
    cases: [
      { kind: "valid", title: "the latest version's files", status: 200, expect: (f) => ({ success: true, skill_collection: expect.objectContaining({ id: f.skillId }), files: { "SKILL.md": "# contract" }, version: expect.objectContaining({ number: 1 }) }) },
      { kind: "missing", title: "no parameter is required: the latest version", path: (f) => `/api/public/v2/skill-collections/${f.skillId}?format=json`, status: 200, expect: expect.objectContaining({ files: { "SKILL.md": "# contract" } }) },
      {
        kind: "wrong type",
        title: "version and format",
        path: (f) => `/api/public/v2/skill-collections/${f.skillId}?version=one&format=tar`,
        status: 422,
        expect: detail(notInt("query", "version"), [["query", "format"], "Input should be 'json', 'zip'", "enum"]),
      },
      { kind: "wrong type", title: "label and version together", path: (f) => `/api/public/v2/skill-collections/${f.skillId}?version=1&label=prod`, status: 400, expect: failure("label and version are mutually exclusive") },
      { kind: "unknown", title: "collection", path: "/api/public/v2/skill-collections/ghost", status: 404, expect: failure("Skill collection 'ghost' not found") },
      { kind: "unknown", title: "version", path: (f) => `/api/public/v2/skill-collections/${f.skillId}?version=99`, status: 404, expect: failure("Skill collection 'Contract skills' has no version 99") },
    ],
  },
  {
    method: "PATCH",
    path: "/api/public/v2/skill-collections/{identifier}",
    auth: "header",
    sample: (f) => `/api/public/v2/skill-collections/${f.skillId}`,
    validBody: { name: "Contract skills" },
    cases: [
      { kind: "valid", title: "renames (to its own name)", body: { name: "Contract skills" }, status: 200, expect: (f) => ({ success: true, skill_collection: expect.objectContaining({ id: f.skillId, name: "Contract skills" }) }) },
      { kind: "missing", title: "name", body: {}, status: 422, expect: detail(missing("body", "name")) },
      { kind: "wrong type", title: "name", body: { name: 5 }, status: 422, expect: detail(notString("body", "name")) },
      { kind: "unknown", title: "collection", path: "/api/public/v2/skill-collections/ghost", body: { name: "x" }, status: 404, expect: failure("Skill collection 'ghost' not found") },
    ],
  },
  {
    method: "POST",
    path: "/api/public/v2/skill-collections/{identifier}/versions",
    auth: "header",
    sample: (f) => `/api/public/v2/skill-collections/${f.skillId}/versions`,
    validBody: { file_updates: [{ path: "NOTES.md", content: "n" }] },
    cases: [
      {
        kind: "valid",
        title: "a new version (201)",
        body: { file_updates: [{ path: "README.md", content: "r" }], commit_message: "two", release_label: "prod" },
        status: 201,
        expect: (f) => ({ success: true, skill_collection: expect.objectContaining({ id: f.skillId }), version: expect.objectContaining({ number: 2, file_paths: ["README.md", "SKILL.md"], commit_message: "two", release_label: "prod" }) }),
      },
      {
        kind: "wrong type",
        title: "commit_message, provider, file_updates and a move without new_path",
        body: { commit_message: 5, provider: "x", file_updates: "x", moves: [{ old_path: "SKILL.md" }] },
        status: 422,
        expect: detail(notString("body", "commit_message"), [["body", "provider"], "Input should be 'claude_code', 'openai', 'openclaw'", "enum"], notList("body", "file_updates"), missing("body", "moves", 0, "new_path")),
      },
      { kind: "unknown", title: "collection", path: "/api/public/v2/skill-collections/ghost/versions", body: {}, status: 404, expect: failure("Skill collection 'ghost' not found") },
      { kind: "unknown", title: "a file to delete", body: { deletes: ["nope.md"] }, status: 422, expect: detail([["body", "deletes", 0], "File 'nope.md' does not exist in the current version", "value_error"]) },
    ],
    na: { missing: "every field is optional" },
  },

  // ---- local admin and read API (the web page's; local only) ----
  {
    method: "POST",
    path: "/api/local/workflows",
    auth: "header",
    sample: "/api/local/workflows",
    validBody: { name: "contract-extra", nodes: [{ name: "a", node_type: "TEMPLATE_STRING", is_output_node: true, configuration: { template: "x" } }] },
    cases: [
      {
        kind: "valid",
        title: "saves a new workflow version (201)",
        body: { name: "contract-admin", nodes: [{ name: "a", node_type: "TEMPLATE_STRING", is_output_node: true, configuration: { template: "x" } }] },
        status: 201,
        expect: expect.objectContaining({ success: true, workflow_name: "contract-admin", version: 1, release_labels: [], required_input_variables: {} }),
      },
      { kind: "missing", title: "name and nodes", body: {}, status: 422, expect: detail(missing("body", "name"), [["body", "nodes"], "Expected a non-empty list of nodes", "list_type"]) },
      { kind: "wrong type", title: "name, nodes and commit_message", body: { name: 5, nodes: "x", commit_message: 3 }, status: 422, expect: detail(notString("body", "name"), [["body", "nodes"], "Expected a non-empty list of nodes", "list_type"], notString("body", "commit_message")) },
      { kind: "unknown", title: "a dependency", body: { name: "contract-bad", nodes: [{ name: "a", node_type: "TEMPLATE_STRING", dependencies: ["zzz"], is_output_node: true, configuration: { template: "" } }] }, status: 422, expect: detail([["body", "nodes", 0, "dependencies", 0], "Unknown node 'zzz'", "value_error"]) },
    ],
  },
  {
    method: "GET",
    path: "/api/local/workflows",
    auth: "header",
    sample: "/api/local/workflows",
    cases: [{ kind: "valid", title: "every workflow", status: 200, expect: { items: expect.arrayContaining([{ id: expect.any(Number), name: "contract-flow", created_at: expect.any(String), latest_version: 1, release_labels: ["prod"] }]) } }],
    na: { missing: NO_INPUT, "wrong type": NO_INPUT, unknown: NO_INPUT },
  },
  {
    method: "POST",
    path: "/api/local/releases",
    auth: "header",
    sample: "/api/local/releases",
    validBody: { prompt_name: "contract-tpl", label: "ab-extra", split: [{ version: 1, percentage: 100 }] },
    cases: [
      {
        kind: "valid",
        title: "creates a release (201)",
        body: { prompt_name: "contract-tpl", label: "ab-new", split: [{ version: 1, percentage: 30 }, { version: 2, percentage: 70 }] },
        status: 201,
        expect: (f) => ({ id: expect.any(Number), prompt_id: f.promptId, prompt_name: "contract-tpl", label: "ab-new", split: [{ version: 1, percentage: 30 }, { version: 2, percentage: 70 }], segments: [], created_at: expect.any(String) }),
      },
      {
        kind: "missing",
        title: "label, the template and the split",
        body: {},
        status: 422,
        expect: detail(missing("body", "label"), [["body", "prompt_name"], "Field required (or prompt_id)", "missing"], [["body", "split"], "A split must be a non-empty list of {version, percentage}", "list_type"]),
      },
      {
        kind: "wrong type",
        title: "prompt_name, label and percentages",
        body: { prompt_name: 5, label: 7, split: [{ version: 1, percentage: "all" }] },
        status: 422,
        expect: detail(notString("body", "prompt_name"), notString("body", "label"), [["body", "split", 0, "percentage"], "Input should be an integer from 0 to 100", "int_range"]),
      },
      { kind: "unknown", title: "template", body: { prompt_name: "ghost", label: "ab", split: [{ version: 1, percentage: 100 }] }, status: 404, expect: failure("Prompt template 'ghost' not found") },
      { kind: "unknown", title: "version", body: { prompt_name: "contract-tpl", label: "ab", split: [{ version: 99, percentage: 100 }] }, status: 404, expect: failure("Prompt template 'contract-tpl' has no version 99") },
    ],
  },
  {
    method: "GET",
    path: "/api/local/releases",
    auth: "header",
    sample: "/api/local/releases",
    cases: [{ kind: "valid", title: "every release", status: 200, expect: (f) => ({ items: expect.arrayContaining([expect.objectContaining({ id: f.releaseId, prompt_name: "contract-tpl", label: "ab" })]) }) }],
    na: { missing: NO_INPUT, "wrong type": NO_INPUT, unknown: NO_INPUT },
  },
  {
    method: "DELETE",
    path: "/api/local/releases/{id}",
    auth: "header",
    sample: (f) => `/api/local/releases/${f.doomedReleaseId}`,
    readsBody: false,
    cases: [
      { kind: "valid", title: "deletes it", status: 200, expect: { success: true } },
      { kind: "wrong type", title: "an id that is not a number", path: "/api/local/releases/abc", status: 404, expect: failure("Release abc not found") },
      { kind: "unknown", title: "release", path: "/api/local/releases/999999", status: 404, expect: failure("Release 999999 not found") },
    ],
    na: { missing: "the id is the path" },
  },
  {
    method: "GET",
    path: "/api/local/experiments",
    auth: "header",
    sample: "/api/local/experiments",
    cases: [{ kind: "valid", title: "one summary per release", status: 200, expect: (f) => ({ items: expect.arrayContaining([expect.objectContaining({ release_id: f.releaseId, prompt_name: "contract-tpl", label: "ab" })]) }) }],
    na: { missing: NO_INPUT, "wrong type": NO_INPUT, unknown: NO_INPUT },
  },
  {
    method: "GET",
    path: "/api/local/experiments/{id}",
    auth: "header",
    sample: (f) => `/api/local/experiments/${f.releaseId}`,
    cases: [
      { kind: "valid", title: "the release's report", status: 200, expect: (f) => expect.objectContaining({ experiment: expect.objectContaining({ release_id: f.releaseId, prompt_id: f.promptId, prompt_name: "contract-tpl", label: "ab", active: true }), requests: 0, users: 0 }) },
      { kind: "wrong type", title: "an id that is not a number", path: "/api/local/experiments/abc", status: 404, expect: failure("Release abc not found") },
      { kind: "unknown", title: "release", path: "/api/local/experiments/999999", status: 404, expect: failure("Release 999999 not found") },
    ],
    na: { missing: "the id is the path" },
  },
  {
    method: "GET",
    path: "/api/local/experiments/{prompt_name}/{label}",
    auth: "header",
    sample: "/api/local/experiments/contract-tpl/ab",
    cases: [
      { kind: "valid", title: "the label's report", status: 200, expect: (f) => expect.objectContaining({ experiment: expect.objectContaining({ release_id: f.releaseId, prompt_name: "contract-tpl", label: "ab" }), requests: 0 }) },
      { kind: "unknown", title: "template", path: "/api/local/experiments/ghost/ab", status: 404, expect: failure("Prompt template 'ghost' not found") },
      { kind: "unknown", title: "label", path: "/api/local/experiments/contract-tpl/none", status: 404, expect: failure("Prompt template 'contract-tpl' has no A/B release and no experiment traffic on label 'none'") },
    ],
    na: { missing: "both are the path", "wrong type": "both are names" },
  },
  {
    method: "GET",
    path: "/api/local/traces",
    auth: "header",
    sample: "/api/local/traces",
    cases: [
      {
        kind: "valid",
        title: "newest first, one page",
        path: "/api/local/traces?limit=1",
        status: 200,
        expect: { items: [expect.objectContaining({ trace_id: expect.any(String), span_count: 1 })], next_before: expect.any(Number), next_before_trace_id: expect.any(String) },
      },
      { kind: "missing", title: "before, with before_trace_id", path: "/api/local/traces?before_trace_id=abc", status: 422, expect: detail([["query", "before"], "Field required with before_trace_id", "missing"]) },
      { kind: "wrong type", title: "limit and before", path: "/api/local/traces?limit=many&before=then", status: 422, expect: detail(notInt("query", "limit"), [["query", "before"], "Input should be a valid number", "float_parsing"]) },
    ],
    na: { unknown: "a list" },
  },
  {
    method: "GET",
    path: "/api/local/traces/{traceId}",
    auth: "header",
    sample: (f) => `/api/local/traces/${f.traceId}`,
    cases: [
      {
        kind: "valid",
        title: "the trace's tree",
        status: 200,
        expect: (f) => ({ trace: expect.objectContaining({ trace_id: f.traceId, root_span_name: "contract-span", span_count: 1 }), spans: [expect.objectContaining({ span_id: SPAN.spanId, name: "contract-span", children: [] })], request_logs: [] }),
      },
      { kind: "unknown", title: "trace (ids are case-insensitive)", path: `/api/local/traces/${UNKNOWN_TRACE.toUpperCase()}`, status: 404, expect: failure(`Trace ${UNKNOWN_TRACE} not found`) },
    ],
    na: { missing: "the id is the path", "wrong type": "any text is an id (unknown)" },
  },
  {
    method: "GET",
    path: "/api/local/health",
    auth: "none",
    sample: "/api/local/health",
    cases: [{ kind: "valid", title: "ok without a key", key: null, status: 200, expect: { ok: true } }],
    na: { missing: NO_INPUT, "wrong type": NO_INPUT, unknown: NO_INPUT },
  },
  {
    method: "GET",
    path: "/api/local/requests",
    auth: "header",
    sample: "/api/local/requests",
    cases: [
      { kind: "valid", title: "newest first, one page", path: "/api/local/requests?limit=1", status: 200, expect: { items: [expect.objectContaining({ id: expect.any(Number), source: expect.any(String) })], next_before_id: expect.any(Number) } },
      { kind: "missing", title: "no parameter is required", status: 200, expect: expect.objectContaining({ items: expect.any(Array) }) },
      { kind: "wrong type", title: "limit and before_id", path: "/api/local/requests?limit=0&before_id=x", status: 422, expect: detail([["query", "limit"], "Input should be greater than or equal to 1", "greater_than_equal"], notInt("query", "before_id")) },
      { kind: "unknown", title: "a template filter matches nothing", path: "/api/local/requests?prompt_name=ghost", status: 200, expect: { items: [], next_before_id: null } },
    ],
  },
  {
    method: "GET",
    path: "/api/local/requests/{id}",
    auth: "header",
    sample: (f) => `/api/local/requests/${f.requestId}`,
    cases: [
      { kind: "valid", title: "one row with its groups and blueprint", status: 200, expect: (f) => expect.objectContaining({ id: f.requestId, source: "log-request", group_ids: expect.any(Array), prompt_blueprint: expect.any(Object) }) },
      { kind: "wrong type", title: "an id that is not a number", path: "/api/local/requests/abc", status: 404, expect: failure("Request abc not found") },
      { kind: "unknown", title: "request", path: "/api/local/requests/999999", status: 404, expect: failure("Request 999999 not found") },
    ],
    na: { missing: "the id is the path" },
  },
  {
    method: "GET",
    path: "/api/local/templates",
    auth: "header",
    sample: "/api/local/templates",
    cases: [{ kind: "valid", title: "every template", status: 200, expect: (f) => ({ items: expect.arrayContaining([expect.objectContaining({ id: f.promptId, prompt_name: "contract-tpl", latest_version: 2, labels: expect.objectContaining({ prod: 1 }) })]) }) }],
    na: { missing: NO_INPUT, "wrong type": NO_INPUT, unknown: NO_INPUT },
  },
  {
    method: "GET",
    path: "/api/local/templates/{identifier}",
    auth: "header",
    sample: "/api/local/templates/contract-tpl",
    cases: [
      {
        kind: "valid",
        title: "the template with every version, newest first",
        status: 200,
        expect: (f) =>
          expect.objectContaining({
            id: f.promptId,
            prompt_name: "contract-tpl",
            // Newest first, like every list of the read API.
            versions: [expect.objectContaining({ version: 2, commit_message: "two" }), expect.objectContaining({ version: 1, commit_message: "one" })],
          }),
      },
      { kind: "unknown", title: "template", path: "/api/local/templates/ghost", status: 404, expect: failure("Prompt template 'ghost' not found") },
    ],
    na: { missing: "the name is the path", "wrong type": "any text is a name (unknown)" },
  },
];

// ---- the generated cases -------------------------------------------------------------------

const readsBody = (r: Route) => r.readsBody ?? ["POST", "PATCH", "PUT"].includes(r.method);

/** The route's valid body as an object, to add a field to. */
const validOf = (r: Route): Record<string, unknown> => ({ ...(lazy(r.validBody ?? {}) as Record<string, unknown>) });

/** Wrong and missing keys, and the body-level failures, derived from the route's valid body. */
function generated(r: Route): Case[] {
  const otlp = r.shape === "otlp";
  const out: Case[] = [];
  const body = readsBody(r) ? () => validOf(r) : undefined;
  if (r.auth === "none") {
    out.push({ kind: "bad key", title: "a wrong key is ignored", key: "wrong", status: 200, expect: { ok: true } });
    out.push({ kind: "no key", title: "needs none", key: null, status: 200, expect: { ok: true } });
  } else {
    out.push({ kind: "bad key", title: "wrong X-API-KEY", body, key: "wrong", status: 401, expect: BAD_KEY });
    out.push({ kind: "no key", title: "no key at all", body, key: null, status: 401, expect: r.auth === "legacy" ? NO_KEY_LEGACY : NO_KEY });
  }
  if (r.auth === "legacy") {
    out.push({ kind: "bad key", title: "wrong api_key in the body", body: () => ({ ...validOf(r), api_key: "wrong" }), key: null, status: 401, expect: BAD_KEY });
    out.push({ kind: "bad key", title: "a wrong header key beats a right body key", body: () => ({ ...validOf(r), api_key: KEY }), key: "wrong", status: 401, expect: BAD_KEY });
  } else if (r.auth === "header" && readsBody(r) && !otlp) {
    out.push({ kind: "no key", title: "a body api_key is no key here", body: () => ({ ...validOf(r), api_key: KEY }), key: null, status: 401, expect: NO_KEY });
  }
  if (readsBody(r)) {
    const pad = "x".repeat(LIMIT);
    out.push({ kind: "oversized", title: `a body over ${LIMIT} bytes`, body: () => ({ ...validOf(r), pad }), status: 413, expect: otlp ? { error: TOO_LARGE.message } : TOO_LARGE });
    out.push({ kind: "malformed", title: "malformed JSON", raw: "{not json", headers: { "content-type": "application/json" }, status: 400, expect: otlp ? { error: expect.stringMatching(/^malformed JSON: /) } : MALFORMED });
    out.push({
      kind: "not JSON",
      title: "a body that is not JSON",
      raw: "a=b",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      status: 415,
      expect: otlp ? { error: 'unsupported content-type "application/x-www-form-urlencoded"; use application/x-protobuf or application/json' } : NOT_JSON,
    });
  }
  return out;
}

// ---- running them --------------------------------------------------------------------------

function rowCounts(): Record<string, number> {
  return eachTable(client, (db, name) => Number((db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n));
}

async function send(r: Route, c: Case): Promise<ApiResponse> {
  const path = lazy(c.path ?? r.sample);
  const body = c.body === undefined ? undefined : lazy(c.body);
  return client.call(r.method, path, c.raw === undefined ? body : undefined, { key: c.key, headers: c.headers, ...(c.raw !== undefined ? { raw: c.raw } : {}) });
}

beforeAll(async () => {
  client = await startBackend({ maxBodyBytes: LIMIT });
  const must = async (res: Promise<ApiResponse>, status: number) => {
    const r = await res;
    if (r.status !== status) throw new Error(`fixture: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const model = { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } };
  fx.promptId = (await publish(client, "contract-tpl", chatTemplate([{ role: "user", text: "Answer {question}" }]), { release_labels: ["prod"], commit_message: "one", metadata: model })).id;
  await publish(client, "contract-tpl", chatTemplate([{ role: "user", text: "Answer {question}, briefly" }]), { commit_message: "two", metadata: model });
  fx.requestId = (await must(client.call("POST", "/log-request", LOG), 201)).id;
  fx.groupId = (await must(client.call("POST", "/create-group", { api_key: KEY }, { key: null }), 200)).id;
  const flow = await must(
    client.call("POST", "/api/local/workflows", {
      name: "contract-flow",
      release_labels: ["prod"],
      nodes: [
        { name: "topic", node_type: "VARIABLE", configuration: { value: { type: "input", name: "topic" } } },
        { name: "about", node_type: "TEMPLATE_STRING", dependencies: ["topic"], is_output_node: true, configuration: { template: "About {topic}" } },
      ],
    }),
    201,
  );
  fx.workflowId = flow.workflow_id;
  fx.executionId = (await must(client.call("POST", "/workflows/contract-flow/run", { input_variables: { topic: "tea" } }), 201)).workflow_version_execution_id;
  await waitForExecution(client, fx.executionId);
  fx.skillId = (await must(client.call("POST", "/api/public/v2/skill-collections", { name: "Contract skills", files: [{ path: "SKILL.md", content: "# contract" }] }), 201)).skill_collection.id;
  await must(client.call("POST", "/v1/traces", otlpSpan(SPAN)), 200);
  fx.traceId = SPAN.traceId;
  fx.releaseId = (await must(client.call("POST", "/api/local/releases", { prompt_name: "contract-tpl", label: "ab", split: [{ version: 1, percentage: 50 }, { version: 2, percentage: 50 }] }), 201)).id;
  fx.doomedReleaseId = (await must(client.call("POST", "/api/local/releases", { prompt_name: "contract-tpl", label: "doomed", split: [{ version: 1, percentage: 100 }] }), 201)).id;
});
afterAll(() => client.backend.close());

describe("the contract covers every route", () => {
  it("has an entry for each route the backend serves, with its auth style", () => {
    const served = [...buildRouter().list(), { method: "POST", path: "/v1/traces", auth: "header" }].map((r) => `${r.method} ${r.path} ${r.auth}`).sort();
    expect(ROUTES.map((r) => `${r.method} ${r.path} ${r.auth}`).sort()).toEqual(served);
  });

  it("covers every kind of input on every route, or says why it does not apply", () => {
    const gaps: string[] = [];
    for (const r of ROUTES) {
      const kinds = new Set([...r.cases, ...generated(r)].map((c) => c.kind));
      for (const kind of KINDS as readonly Kind[]) {
        const covered = kinds.has(kind);
        const reason = kind === "oversized" && !readsBody(r) ? NO_BODY : r.na?.[kind as (typeof KINDS)[number]];
        if (covered === (reason !== undefined)) gaps.push(`${r.method} ${r.path}: ${kind} ${covered ? "is covered but also marked n/a" : "is neither covered nor marked n/a"}`);
      }
    }
    expect(gaps).toEqual([]);
  });
});

for (const r of ROUTES) {
  describe(`${r.method} ${r.path}`, () => {
    for (const c of [...r.cases, ...generated(r)]) {
      it(`${c.kind}: ${c.title} → ${c.status}`, async () => {
        const before = c.status >= 400 ? rowCounts() : undefined;
        const res = await send(r, c);
        expect({ status: res.status, body: res.body }).toEqual({ status: c.status, body: lazy(c.expect) });
        if (c.status !== 200 && c.status !== 201 && c.status !== 202) expect(res.headers.get("content-type")).toBe("application/json");
        // Refused: nothing stored.
        if (before) expect(rowCounts()).toEqual(before);
      });
    }
  });
}
