/**
 * The service's own data, with the service's own keys (CONTRACT §2, §3). Shapes are open
 * (`[key: string]: unknown`) where the service adds fields over time; the fields the client reads
 * are typed.
 */

export type JsonObject = Record<string, unknown>;

export type TemplateFormat = "f-string" | "jinja2";

export interface ContentBlock {
  type: string;
  text?: string;
  [key: string]: unknown;
}

export interface BlueprintToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  [key: string]: unknown;
}

export interface BlueprintMessage {
  role: string;
  content?: ContentBlock[] | string | null;
  input_variables?: string[];
  template_format?: TemplateFormat;
  name?: string | null;
  tool_calls?: BlueprintToolCall[] | null;
  tool_call_id?: string;
  [key: string]: unknown;
}

export interface ChatPromptTemplate {
  type: "chat";
  messages: BlueprintMessage[];
  tools?: Array<{ type: string; [key: string]: unknown }> | null;
  functions?: unknown[] | null;
  function_call?: unknown;
  tool_choice?: unknown;
  input_variables?: string[];
  [key: string]: unknown;
}

export interface CompletionPromptTemplate {
  type: "completion";
  content: ContentBlock[];
  input_variables?: string[];
  template_format?: TemplateFormat;
  [key: string]: unknown;
}

export type PromptTemplateContent = ChatPromptTemplate | CompletionPromptTemplate;

export interface ModelMetadata {
  provider: string;
  name: string;
  parameters?: JsonObject;
  api_type?: string | null;
  base_model?: string | null;
  [key: string]: unknown;
}

export interface TemplateMetadata {
  model?: ModelMetadata | null;
  [key: string]: unknown;
}

/** `prompt_blueprint` of a `run()` result or a track-request answer. */
export interface PromptBlueprint {
  prompt_template: PromptTemplateContent;
  commit_message?: string | null;
  metadata?: TemplateMetadata | null;
  provider_base_url_name?: string | null;
  report_id?: number | null;
  inference_client_name?: string | null;
  provider_id?: number | null;
  [key: string]: unknown;
}

/**
 * The A/B assignment behind a fetched template or a run: which release label (the experiment)
 * served which version (the variant). Reported only when an A/B release actually picked the
 * version, which the local backend says in `ab_release`; a plain label is no experiment.
 */
export interface ExperimentAssignment {
  /** The release label requested (the experiment). */
  label: string;
  /** The version the release chose for this user (the variant). */
  variant: number;
  /** The release segment that applied (its name), when one did; absent for the default split. */
  segment?: string;
}

/** `ab_release` of a template answer (local backend): the A/B release that chose the version. */
export interface AbReleaseChoice {
  label: string;
  version: number;
  /** The segment that applied, or null for the release's default split. */
  segment: string | null;
}

/** `POST /prompt-templates/{identifier}` (CONTRACT §2.1). */
export interface PromptTemplate {
  id: number;
  prompt_name: string;
  version?: number;
  prompt_template: PromptTemplateContent;
  metadata?: TemplateMetadata | null;
  commit_message?: string | null;
  llm_kwargs?: JsonObject | null;
  provider_base_url?: { id?: number; name?: string; provider?: string; url: string } | null;
  custom_provider?: { id?: number; name?: string; client?: string; base_url?: string | null; api_key?: string | null; [key: string]: unknown } | null;
  provider_id?: number | null;
  tags?: string[];
  workspace_id?: number;
  snippets?: unknown[];
  warning?: string | null;
  /**
   * Local backend only: the A/B release that chose this version, absent when none did (the
   * PromptLayer service does not say).
   */
  ab_release?: AbReleaseChoice | null;
  /**
   * Added by the client (not a service key): the experiment and variant when an A/B release chose
   * the version — `templates.get(name, { label, externalUserId })` — as `run()` reports it.
   */
  experiment?: ExperimentAssignment;
  [key: string]: unknown;
}

/** One item of `GET /prompt-templates` (CONTRACT §2.2). */
export interface PromptTemplateListItem {
  id: number;
  prompt_name: string;
  prompt_template: PromptTemplateContent;
  version?: number;
  tags?: string[];
  folder_id?: number | null;
  commit_message?: string | null;
  metadata?: TemplateMetadata | null;
  parent_folder_name?: string | null;
  full_folder_path?: string | null;
  [key: string]: unknown;
}

export interface PromptTemplatePage {
  items: PromptTemplateListItem[];
  page: number;
  per_page?: number;
  pages: number;
  total: number;
  has_next: boolean;
  has_prev: boolean;
  next_num: number | null;
  prev_num: number | null;
}

/** `POST /rest/prompt-templates` (CONTRACT §2.3). */
export interface PublishedTemplate {
  id: number;
  prompt_name: string;
  prompt_version_id?: number;
  version_number?: number;
  tags?: string[];
  release_labels?: string[] | null;
  prompt_template: PromptTemplateContent;
  metadata?: TemplateMetadata | null;
  commit_message?: string | null;
  external_ids?: Array<{ source: string; external_id: string }>;
  [key: string]: unknown;
}

/** `POST /log-request` (CONTRACT §2.4): the request-log row. Its key is `id`. */
export interface RequestLog {
  id: number;
  prompt_version?: { prompt_template?: PromptTemplateContent; commit_message?: string | null; metadata?: TemplateMetadata | null; [key: string]: unknown } | null;
  prompt_id?: number | null;
  prompt_version_number?: number | null;
  span_id?: string | null;
  status?: string;
  error_type?: string | null;
  error_message?: string | null;
  [key: string]: unknown;
}

/** `POST /track-request` answer (CONTRACT §2.5). */
export interface TrackRequestResponse {
  success: boolean;
  request_id: number;
  prompt_blueprint: PromptBlueprint | null;
  message?: string;
  [key: string]: unknown;
}

/** One node of a workflow result (CONTRACT §2.7). */
export interface WorkflowNodeResult {
  status: string;
  value: unknown;
  error_message: string | null;
  raw_error_message: string | null;
  is_output_node: boolean;
  [key: string]: unknown;
}

export type WorkflowNodeResults = Record<string, WorkflowNodeResult>;

export interface WorkflowRunStarted {
  success: boolean;
  message?: string;
  warning?: string | null;
  workflow_version_execution_id: number;
}

/** `error_type` values the service accepts (CONTRACT §2.4). */
export type RequestErrorType =
  | "PROVIDER_RATE_LIMIT"
  | "PROVIDER_QUOTA_LIMIT"
  | "UNKNOWN_ERROR"
  | "PROVIDER_PARTIAL_RESPONSE"
  | "VARIABLE_MISSING_OR_EMPTY"
  | "PROVIDER_TIMEOUT"
  | "PROVIDER_AUTH_ERROR"
  | "PROVIDER_ERROR"
  | "TEMPLATE_RENDER_ERROR";

export type RequestStatus = "SUCCESS" | "WARNING" | "ERROR";
