/**
 * Per-version totals of one experiment (a prompt's requests served under one release label),
 * aggregated in SQL so a report reads a few rows per version however much traffic there was.
 * The statistics are computed from these in domain/experiment.ts.
 */
import type { ArmTotals, EventTotals, ExperimentData, Moments } from "../domain/experiment.js";
import type { Db } from "./db.js";

// `run()` records the label it asked for in the request's metadata. The json_extract expression
// is the one indexed by migration 2 (request_logs_experiment); keep them identical.
const IN_EXPERIMENT = `r.prompt_id = $promptId AND json_extract(r.metadata, '$.pl_experiment_label') = $label AND r.prompt_version_number IS NOT NULL`;

type Raw = Record<string, unknown>;

const moments = (r: Raw): Moments => ({ version: Number(r.version), n: Number(r.n), sum: Number(r.sum), sumOfSquares: Number(r.sum_sq) });

export class ExperimentStore {
  constructor(private readonly db: Db) {}

  /** Everything a report needs for `label` of prompt `promptId`. */
  data(promptId: number, label: string, scoreName: string): ExperimentData {
    const params = { promptId, label };
    const arms = this.db
      .all(
        `SELECT r.prompt_version_number AS version, COUNT(*) AS requests, COUNT(DISTINCT json_extract(r.metadata, '$.user_id')) AS users
         FROM request_logs r WHERE ${IN_EXPERIMENT} GROUP BY version`,
        params,
      )
      .map((r): ArmTotals => ({ version: Number(r.version), requests: Number(r.requests), users: Number(r.users) }));
    const totals = this.db.get(`SELECT COUNT(*) AS requests, COUNT(DISTINCT json_extract(r.metadata, '$.user_id')) AS users FROM request_logs r WHERE ${IN_EXPERIMENT}`, params)!;
    const events = this.db
      .all(
        `SELECT r.prompt_version_number AS version, e.type AS type, COUNT(*) AS count, COUNT(DISTINCT e.request_id) AS requests,
                TOTAL(CASE WHEN typeof(e.value) IN ('integer', 'real') THEN e.value END) AS value_sum,
                TOTAL(e.value = 'up') AS up, TOTAL(e.value = 'down') AS down
         FROM request_events e JOIN request_logs r ON r.id = e.request_id
         WHERE ${IN_EXPERIMENT} GROUP BY version, e.type`,
        params,
      )
      .map((r): EventTotals => ({ version: Number(r.version), type: String(r.type), count: Number(r.count), requests: Number(r.requests), valueSum: Number(r.value_sum), up: Number(r.up), down: Number(r.down) }));
    // One rating per request: its latest (by the sender's time, then arrival).
    const ratings = this.db
      .all(
        `SELECT version, COUNT(*) AS n, TOTAL(value) AS sum, TOTAL(value * value) AS sum_sq FROM (
           SELECT r.prompt_version_number AS version, e.value AS value,
                  ROW_NUMBER() OVER (PARTITION BY e.request_id ORDER BY e.ts DESC, e.id DESC) AS recency
           FROM request_events e JOIN request_logs r ON r.id = e.request_id
           WHERE e.type = 'rating' AND ${IN_EXPERIMENT}
         ) WHERE recency = 1 GROUP BY version`,
        params,
      )
      .map(moments);
    const scores = this.db
      .all(
        `SELECT r.prompt_version_number AS version, COUNT(*) AS n, TOTAL(s.score) AS sum, TOTAL(s.score * s.score) AS sum_sq
         FROM request_scores s JOIN request_logs r ON r.id = s.request_id
         WHERE s.name = $scoreName AND ${IN_EXPERIMENT} GROUP BY version`,
        { ...params, scoreName },
      )
      .map(moments);
    return { arms, events, ratings, scores, totals: { requests: Number(totals.requests), users: Number(totals.users) } };
  }
}
