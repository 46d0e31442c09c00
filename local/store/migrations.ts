/**
 * Versioned schema migrations. Each runs once, in its own transaction, and is recorded in
 * `schema_migrations`; a database written by a newer backend (an unknown higher version) is
 * refused rather than misread. Append new migrations; never edit an applied one.
 */
import type { Db } from "./db.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class SchemaVersionError extends Error {}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial",
    sql: `
      CREATE TABLE prompt_templates (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        tags TEXT NOT NULL DEFAULT '[]',
        is_deleted INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE prompt_versions (
        id INTEGER PRIMARY KEY,
        prompt_id INTEGER NOT NULL REFERENCES prompt_templates(id),
        version INTEGER NOT NULL,
        prompt_template TEXT NOT NULL,
        metadata TEXT,
        commit_message TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (prompt_id, version)
      );
      CREATE TABLE release_labels (
        id INTEGER PRIMARY KEY,
        prompt_id INTEGER NOT NULL REFERENCES prompt_templates(id),
        name TEXT NOT NULL,
        version_id INTEGER NOT NULL REFERENCES prompt_versions(id),
        UNIQUE (prompt_id, name)
      );
      -- An A/B release overloads a label: while it exists, the label serves its split.
      CREATE TABLE ab_releases (
        id INTEGER PRIMARY KEY,
        prompt_id INTEGER NOT NULL REFERENCES prompt_templates(id),
        label TEXT NOT NULL,
        config TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (prompt_id, label)
      );

      CREATE TABLE request_logs (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        provider_type TEXT,
        engine TEXT,
        function_name TEXT NOT NULL DEFAULT '',
        function_args TEXT NOT NULL DEFAULT '[]',
        function_kwargs TEXT NOT NULL DEFAULT '{}',
        request_response TEXT NOT NULL DEFAULT '{}',
        prompt_blueprint TEXT,
        request_start_time TEXT NOT NULL,
        request_end_time TEXT NOT NULL,
        prompt_id INTEGER REFERENCES prompt_templates(id),
        prompt_version_number INTEGER,
        prompt_input_variables TEXT NOT NULL DEFAULT '{}',
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        price REAL NOT NULL DEFAULT 0,
        score INTEGER NOT NULL DEFAULT 0,
        tags TEXT NOT NULL DEFAULT '[]',
        metadata TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL DEFAULT 'SUCCESS',
        error_type TEXT,
        error_message TEXT,
        span_id TEXT,
        trace_id TEXT,
        -- "<trace id>:<span id>" of the OTLP span a log was derived from; makes re-sent exports idempotent.
        origin_span TEXT UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE INDEX request_logs_span_id ON request_logs(span_id);
      CREATE INDEX request_logs_trace_id ON request_logs(trace_id);
      CREATE INDEX request_logs_prompt_id ON request_logs(prompt_id);
      CREATE TABLE request_scores (
        request_id INTEGER NOT NULL REFERENCES request_logs(id),
        name TEXT NOT NULL,
        score INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (request_id, name)
      );
      CREATE TABLE request_groups_list (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL
      );
      CREATE TABLE request_group_members (
        request_id INTEGER NOT NULL REFERENCES request_logs(id),
        group_id INTEGER NOT NULL REFERENCES request_groups_list(id),
        PRIMARY KEY (request_id, group_id)
      );

      CREATE TABLE spans (
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        parent_span_id TEXT,
        name TEXT NOT NULL,
        start_ms REAL NOT NULL,
        end_ms REAL NOT NULL,
        status_code INTEGER NOT NULL,
        data TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (trace_id, span_id)
      );
      CREATE INDEX spans_span_id ON spans(span_id);
      -- One summary row per trace, recomputed from its spans on every ingest touching it.
      CREATE TABLE traces (
        trace_id TEXT PRIMARY KEY,
        root_name TEXT,
        service_name TEXT,
        start_ms REAL NOT NULL,
        end_ms REAL NOT NULL,
        span_count INTEGER NOT NULL,
        error_count INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL
      );
      CREATE INDEX traces_start ON traces(start_ms);

      CREATE TABLE workflows (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE TABLE workflow_versions (
        id INTEGER PRIMARY KEY,
        workflow_id INTEGER NOT NULL REFERENCES workflows(id),
        version INTEGER NOT NULL,
        nodes TEXT NOT NULL,
        commit_message TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (workflow_id, version)
      );
      CREATE TABLE workflow_labels (
        id INTEGER PRIMARY KEY,
        workflow_id INTEGER NOT NULL REFERENCES workflows(id),
        name TEXT NOT NULL,
        version_id INTEGER NOT NULL REFERENCES workflow_versions(id),
        UNIQUE (workflow_id, name)
      );
      CREATE TABLE workflow_executions (
        id INTEGER PRIMARY KEY,
        workflow_version_id INTEGER NOT NULL REFERENCES workflow_versions(id),
        input_variables TEXT NOT NULL,
        metadata TEXT,
        status TEXT NOT NULL,
        callback_url TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE TABLE workflow_node_results (
        execution_id INTEGER NOT NULL REFERENCES workflow_executions(id),
        position INTEGER NOT NULL,
        node_name TEXT NOT NULL,
        status TEXT NOT NULL,
        value TEXT,
        error_message TEXT,
        raw_error_message TEXT,
        is_output_node INTEGER NOT NULL,
        PRIMARY KEY (execution_id, node_name)
      );
    `,
  },
  {
    version: 2,
    name: "outcome events",
    sql: `
      -- Outcome events (click, conversion, feedback, rating, engagement) tied to a request.
      -- event_id is the sender's id: a retried delivery finds it and stores nothing.
      CREATE TABLE request_events (
        id INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        request_id INTEGER NOT NULL REFERENCES request_logs(id),
        type TEXT NOT NULL,
        label TEXT,
        source TEXT,
        -- No declared type, so no affinity: numbers (rating, engagement) stay REAL, feedback's
        -- "up"/"down" stays TEXT, and a click's "42" is not turned into a number.
        value,
        user_id TEXT,
        ts TEXT NOT NULL,
        metadata TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX request_events_request ON request_events(request_id, type);
      -- Experiment reports select a prompt's requests by the release label they were served under;
      -- the expression must match the one in store/experiments.ts for the planner to use it.
      CREATE INDEX request_logs_experiment ON request_logs(prompt_id, json_extract(metadata, '$.pl_experiment_label'));
    `,
  },
  {
    version: 3,
    name: "skill collections",
    sql: `
      -- Skill collections (/api/public/v2/skill-collections). Ids are UUIDs, as the service's are.
      CREATE TABLE skill_collections (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        root_path TEXT NOT NULL,
        folder_id INTEGER,
        provider TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX skill_collections_root_path ON skill_collections(root_path);
      CREATE TABLE skill_collection_versions (
        id TEXT PRIMARY KEY,
        collection_id TEXT NOT NULL REFERENCES skill_collections(id),
        number INTEGER NOT NULL,
        root_path_at_version TEXT NOT NULL,
        provider TEXT,
        commit_message TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (collection_id, number)
      );
      -- Each version's full file set (not a diff), so any version is read without replaying history.
      CREATE TABLE skill_collection_files (
        version_id TEXT NOT NULL REFERENCES skill_collection_versions(id),
        path TEXT NOT NULL,
        content TEXT NOT NULL,
        PRIMARY KEY (version_id, path)
      );
      CREATE TABLE skill_collection_labels (
        collection_id TEXT NOT NULL REFERENCES skill_collections(id),
        name TEXT NOT NULL,
        version_id TEXT NOT NULL REFERENCES skill_collection_versions(id),
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (collection_id, name)
      );
      CREATE INDEX skill_collection_labels_version ON skill_collection_labels(version_id);
    `,
  },
];

/** Brings the schema up to the newest version. Returns the versions applied now. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.raw.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const current = db.get<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations")?.v ?? 0;
  const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > newest) {
    throw new SchemaVersionError(`database schema version ${current} is newer than this backend supports (${newest}); upgrade promptlayer-otel`);
  }
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.raw.exec(m.sql);
      db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $at)", {
        version: m.version,
        name: m.name,
        at: new Date().toISOString(),
      });
    });
    applied.push(m.version);
  }
  return applied;
}
