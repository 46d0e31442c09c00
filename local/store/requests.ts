/** Request logs and what is attached to them later: scores, metadata, prompt links, groups. */
import type { Json } from "../domain/json.js";
import { fromJson, nowIso, toJson, type Db } from "./db.js";

export type RequestSource = "log-request" | "track-request" | "otlp" | "workflow";

export interface RequestLogInput {
  source: RequestSource;
  providerType: string | null;
  engine: string | null;
  functionName: string;
  functionArgs: unknown[];
  functionKwargs: Json;
  requestResponse: Json;
  /** The request as a prompt blueprint: rendered input with the reply appended. */
  promptBlueprint: Json | null;
  /** ISO 8601. */
  requestStartTime: string;
  requestEndTime: string;
  promptId: number | null;
  promptVersionNumber: number | null;
  promptInputVariables: Json;
  inputTokens: number;
  outputTokens: number;
  price: number;
  score: number;
  tags: string[];
  metadata: Record<string, string>;
  status: string;
  errorType: string | null;
  errorMessage: string | null;
  spanId: string | null;
  traceId: string | null;
  /** `<trace id>:<span id>` when the log was derived from an OTLP span (dedupes re-sent exports). */
  originSpan: string | null;
}

export interface RequestLogRow extends RequestLogInput {
  id: number;
  createdAt: string;
}

export interface ScoreRow {
  name: string;
  score: number;
}

type Raw = Record<string, unknown>;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const int = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const row = (r: Raw): RequestLogRow => ({
  id: Number(r.id),
  source: String(r.source) as RequestSource,
  providerType: str(r.provider_type),
  engine: str(r.engine),
  functionName: String(r.function_name),
  functionArgs: fromJson<unknown[]>(r.function_args, []),
  functionKwargs: fromJson<Json>(r.function_kwargs, {}),
  requestResponse: fromJson<Json>(r.request_response, {}),
  promptBlueprint: fromJson<Json | null>(r.prompt_blueprint, null),
  requestStartTime: String(r.request_start_time),
  requestEndTime: String(r.request_end_time),
  promptId: int(r.prompt_id),
  promptVersionNumber: int(r.prompt_version_number),
  promptInputVariables: fromJson<Json>(r.prompt_input_variables, {}),
  inputTokens: Number(r.input_tokens),
  outputTokens: Number(r.output_tokens),
  price: Number(r.price),
  score: Number(r.score),
  tags: fromJson<string[]>(r.tags, []),
  metadata: fromJson<Record<string, string>>(r.metadata, {}),
  status: String(r.status),
  errorType: str(r.error_type),
  errorMessage: str(r.error_message),
  spanId: str(r.span_id),
  traceId: str(r.trace_id),
  originSpan: str(r.origin_span),
  createdAt: String(r.created_at),
});

export interface RequestListQuery {
  limit: number;
  beforeId?: number | undefined;
  promptId?: number | undefined;
  traceId?: string | undefined;
}

export class RequestStore {
  constructor(private readonly db: Db) {}

  /**
   * Stores a log. With `originSpan` set and already stored, nothing is written and the existing
   * row is returned (an exporter retry re-sending the same span).
   */
  insert(input: RequestLogInput): RequestLogRow {
    return this.db.transaction(() => {
      if (input.originSpan) {
        const existing = this.db.get("SELECT * FROM request_logs WHERE origin_span = $origin", { origin: input.originSpan });
        if (existing) return row(existing);
      }
      const { lastInsertRowid } = this.db.run(
        `INSERT INTO request_logs (
           source, provider_type, engine, function_name, function_args, function_kwargs, request_response, prompt_blueprint,
           request_start_time, request_end_time, prompt_id, prompt_version_number, prompt_input_variables,
           input_tokens, output_tokens, price, score, tags, metadata, status, error_type, error_message,
           span_id, trace_id, origin_span, created_at)
         VALUES (
           $source, $providerType, $engine, $functionName, $functionArgs, $functionKwargs, $requestResponse, $promptBlueprint,
           $start, $end, $promptId, $promptVersionNumber, $promptInputVariables,
           $inputTokens, $outputTokens, $price, $score, $tags, $metadata, $status, $errorType, $errorMessage,
           $spanId, $traceId, $originSpan, $now)`,
        {
          source: input.source,
          providerType: input.providerType,
          engine: input.engine,
          functionName: input.functionName,
          functionArgs: toJson(input.functionArgs),
          functionKwargs: toJson(input.functionKwargs),
          requestResponse: toJson(input.requestResponse),
          promptBlueprint: toJson(input.promptBlueprint),
          start: input.requestStartTime,
          end: input.requestEndTime,
          promptId: input.promptId,
          promptVersionNumber: input.promptVersionNumber,
          promptInputVariables: toJson(input.promptInputVariables),
          inputTokens: input.inputTokens,
          outputTokens: input.outputTokens,
          price: input.price,
          score: input.score,
          tags: toJson(input.tags),
          metadata: toJson(input.metadata),
          status: input.status,
          errorType: input.errorType,
          errorMessage: input.errorMessage,
          spanId: input.spanId,
          traceId: input.traceId,
          originSpan: input.originSpan,
          now: nowIso(),
        },
      );
      if (input.score) this.setScore(lastInsertRowid, "default", input.score);
      return this.get(lastInsertRowid)!;
    });
  }

  get(id: number): RequestLogRow | undefined {
    const r = this.db.get("SELECT * FROM request_logs WHERE id = $id", { id });
    return r ? row(r) : undefined;
  }

  /** The log derived from an OTLP span (`<trace id>:<span id>`), if any. */
  byOrigin(originSpan: string): RequestLogRow | undefined {
    const r = this.db.get("SELECT * FROM request_logs WHERE origin_span = $origin", { origin: originSpan });
    return r ? row(r) : undefined;
  }

  exists(id: number): boolean {
    return this.db.get("SELECT 1 AS one FROM request_logs WHERE id = $id", { id }) !== undefined;
  }

  /** Newest first; `beforeId` pages backwards. */
  list(query: RequestListQuery): RequestLogRow[] {
    return this.db
      .all(
        `SELECT * FROM request_logs
         WHERE ($beforeId IS NULL OR id < $beforeId)
           AND ($promptId IS NULL OR prompt_id = $promptId)
           AND ($traceId IS NULL OR trace_id = $traceId)
         ORDER BY id DESC LIMIT $limit`,
        { beforeId: query.beforeId ?? null, promptId: query.promptId ?? null, traceId: query.traceId ?? null, limit: query.limit },
      )
      .map(row);
  }

  byTrace(traceId: string): RequestLogRow[] {
    return this.db.all("SELECT * FROM request_logs WHERE trace_id = $traceId ORDER BY id", { traceId }).map(row);
  }

  mergeMetadata(id: number, metadata: Record<string, string>): void {
    this.db.transaction(() => {
      const current = this.get(id)?.metadata ?? {};
      this.db.run("UPDATE request_logs SET metadata = $metadata WHERE id = $id", { id, metadata: toJson({ ...current, ...metadata }) });
    });
  }

  /** Records a named score; the `default` score is also the log's own `score`. */
  setScore(id: number, name: string, score: number): void {
    this.db.transaction(() => {
      this.db.run(
        `INSERT INTO request_scores (request_id, name, score, created_at) VALUES ($id, $name, $score, $now)
         ON CONFLICT (request_id, name) DO UPDATE SET score = excluded.score, created_at = excluded.created_at`,
        { id, name, score, now: nowIso() },
      );
      if (name === "default") this.db.run("UPDATE request_logs SET score = $score WHERE id = $id", { id, score });
    });
  }

  scores(id: number): ScoreRow[] {
    return this.db.all("SELECT name, score FROM request_scores WHERE request_id = $id ORDER BY name", { id }).map((r) => ({ name: String(r.name), score: Number(r.score) }));
  }

  setPrompt(id: number, promptId: number, versionNumber: number, inputVariables: Json): void {
    this.db.run("UPDATE request_logs SET prompt_id = $promptId, prompt_version_number = $version, prompt_input_variables = $vars WHERE id = $id", {
      id,
      promptId,
      version: versionNumber,
      vars: toJson(inputVariables),
    });
  }

  createGroup(): number {
    return this.db.run("INSERT INTO request_groups_list (created_at) VALUES ($now)", { now: nowIso() }).lastInsertRowid;
  }

  groupExists(id: number): boolean {
    return this.db.get("SELECT 1 AS one FROM request_groups_list WHERE id = $id", { id }) !== undefined;
  }

  addToGroup(requestId: number, groupId: number): void {
    this.db.run("INSERT OR IGNORE INTO request_group_members (request_id, group_id) VALUES ($requestId, $groupId)", { requestId, groupId });
  }

  groups(requestId: number): number[] {
    return this.db.all("SELECT group_id FROM request_group_members WHERE request_id = $requestId ORDER BY group_id", { requestId }).map((r) => Number(r.group_id));
  }

  /** Ties logs made with `span_id` (by `run()` → track-request) to the trace that span belongs to. */
  linkTrace(spanId: string, traceId: string): number {
    return this.db.run("UPDATE request_logs SET trace_id = $traceId WHERE span_id = $spanId AND trace_id IS NULL", { spanId, traceId }).changes;
  }
}
