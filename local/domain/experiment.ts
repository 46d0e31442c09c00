/**
 * Experiment reports: how each prompt version served under an A/B release label did, and whether
 * the differences are real. Built from per-version totals the store aggregates in SQL.
 *
 * The choices, so every number in a report can be read without this file:
 * - Membership: requests of the release's prompt whose metadata `pl_experiment_label` is the
 *   label (what `run()` records), grouped by the version actually served. Traffic for the same
 *   prompt under other labels is not mixed in.
 * - Control: the first version of the release's default split; once the release is deleted, the
 *   lowest version seen.
 * - Conversion and click are compared as the share of requests with at least one such event
 *   (three clicks on one answer are one success), with a two-sided two-proportion z-test.
 * - Rating: one observation per rated request, its latest rating (re-rating replaces, as the
 *   `rating` score does), compared with Welch's t-test.
 * - Score: the request's `default` score (0–100: `/library-track-score` without a name,
 *   log-request's `score`). Named scores are left out: `feedback` and `rating` repeat the events
 *   reported here, and other names measure different things that should not share one mean.
 * - Each version is compared with control. With k versions a comparison is significant at
 *   α/(k − 1) (Bonferroni), so a three-way test is not twice as likely to cry wolf.
 * - The verdict is taken on one primary metric: the first of conversion, click, rating, score that
 *   has any data. A version wins when it beats control significantly (the best one, if several
 *   do); control wins when it beats every other version significantly.
 */
import type { ReleaseConfig, Segment, SplitEntry } from "./ab.js";
import { EVENT_TYPES, type EventType } from "./events.js";
import { meanConfidenceInterval, summaryFromMoments, twoProportionZTest, welchTTest, type Interval, type SampleSummary } from "./stats.js";

export const ALPHA = 0.05;
export const SCORE_NAME = "default";

export type Metric = "conversion" | "click" | "rating" | "score";
export const METRICS: readonly Metric[] = ["conversion", "click", "rating", "score"];
export const METRIC_LABELS: Record<Metric, string> = { conversion: "conversion rate", click: "click rate", rating: "mean rating", score: "mean score" };

// ---- what the store aggregates ----

export interface ArmTotals {
  version: number;
  requests: number;
  /** Distinct metadata `user_id`s. */
  users: number;
}

export interface EventTotals {
  version: number;
  type: string;
  count: number;
  /** Distinct requests with at least one event of the type. */
  requests: number;
  /** Σ of numeric values (rating, engagement). */
  valueSum: number;
  up: number;
  down: number;
}

/** n, Σx and Σx² of one version's observations. */
export interface Moments {
  version: number;
  n: number;
  sum: number;
  sumOfSquares: number;
}

export interface ExperimentData {
  arms: ArmTotals[];
  events: EventTotals[];
  ratings: Moments[];
  scores: Moments[];
  /** Over all versions (a user is counted once even if a changed split moved them). */
  totals: { requests: number; users: number };
}

export interface ExperimentSubject {
  /** Null once the release is deleted (its traffic is still reported). */
  releaseId: number | null;
  promptId: number;
  promptName: string;
  label: string;
  config: ReleaseConfig | null;
  createdAt: string | null;
}

// ---- the report (the API's response body; snake_case like the rest of the wire) ----

export interface EventStats {
  count: number;
  /** Events per request. */
  rate: number;
  requests_with: number;
  /** Share of requests with at least one. */
  share: number;
}

export interface MeanStats {
  n: number;
  mean: number | null;
  sd: number | null;
  ci95: Interval | null;
}

export interface VariantReport {
  version: number;
  control: boolean;
  /** Its share of the release's default split, or null when it is not in it. */
  percentage: number | null;
  requests: number;
  users: number;
  events: Record<EventType, EventStats>;
  feedback: { up: number; down: number; positive_share: number | null };
  /** Σ of engagement values, and their mean per engaged request. */
  engagement: { total: number; mean: number | null };
  rating: MeanStats;
  score: MeanStats;
}

export interface TestResult {
  metric: Metric;
  test: "two-proportion z-test" | "Welch's t-test";
  /** Control's and this version's share (conversion, click) or mean (rating, score). */
  control: number | null;
  variant: number | null;
  difference: number | null;
  /** z or t. */
  statistic: number | null;
  df: number | null;
  p_value: number | null;
  significant: boolean;
  /** Why there is no p-value. */
  note: string | null;
}

export interface Comparison {
  version: number;
  control_version: number;
  tests: TestResult[];
}

export interface Verdict {
  winner: number | null;
  metric: Metric | null;
  p_value: number | null;
  text: string;
}

export interface ExperimentReport {
  experiment: {
    release_id: number | null;
    prompt_id: number;
    prompt_name: string;
    label: string;
    split: SplitEntry[];
    segments: Segment[];
    active: boolean;
    created_at: string | null;
  };
  control_version: number | null;
  score_name: string;
  alpha: number;
  alpha_per_comparison: number;
  requests: number;
  users: number;
  variants: VariantReport[];
  comparisons: Comparison[];
  verdict: Verdict;
}

export interface ExperimentSummary {
  release_id: number | null;
  prompt_id: number;
  prompt_name: string;
  label: string;
  split: SplitEntry[];
  created_at: string | null;
  requests: number;
  users: number;
  control_version: number | null;
  variants: Array<{ version: number; requests: number; users: number }>;
  verdict: Verdict;
}

/** "p = 0.0123", "p < 0.0001". */
export const formatPValue = (p: number): string => (p < 0.0001 ? "p < 0.0001" : `p = ${p < 0.001 ? p.toPrecision(2) : p.toFixed(p < 0.01 ? 4 : 3)}`);

/** Versions in report order: the default split's, the segments', then any others seen, ascending. */
function versionOrder(config: ReleaseConfig | null, seen: number[]): number[] {
  const ordered = [...(config?.split ?? []), ...(config?.segments.flatMap((s) => s.split) ?? [])].map((e) => e.version);
  return [...new Set([...ordered, ...[...seen].sort((a, b) => a - b)])];
}

function meanStats(sample: SampleSummary | null): MeanStats {
  if (!sample) return { n: 0, mean: null, sd: null, ci95: null };
  return { n: sample.n, mean: sample.mean, sd: sample.n > 1 ? Math.sqrt(sample.variance) : null, ci95: meanConfidenceInterval(sample) };
}

const noTest = (metric: Metric, test: TestResult["test"], control: number | null, variant: number | null, note: string): TestResult => ({
  metric,
  test,
  control,
  variant,
  difference: control !== null && variant !== null ? variant - control : null,
  statistic: null,
  df: null,
  p_value: null,
  significant: false,
  note,
});

function proportionTest(metric: "conversion" | "click", control: VariantReport, variant: VariantReport, anyEvents: boolean, alpha: number): TestResult {
  const test = "two-proportion z-test";
  const c = control.requests ? control.events[metric].share : null;
  const v = variant.requests ? variant.events[metric].share : null;
  if (!anyEvents) return noTest(metric, test, c, v, `no ${metric} events yet`);
  const result = twoProportionZTest(control.events[metric].requests_with, control.requests, variant.events[metric].requests_with, variant.requests);
  if (!result) return noTest(metric, test, c, v, control.requests && variant.requests ? "no variation: every request has the same outcome" : "a version has no requests yet");
  return { metric, test, control: c, variant: v, difference: v! - c!, statistic: result.z, df: null, p_value: result.pValue, significant: result.pValue < alpha, note: null };
}

function meanTest(metric: "rating" | "score", control: SampleSummary | null, variant: SampleSummary | null, alpha: number): TestResult {
  const test = "Welch's t-test";
  const c = control?.mean ?? null;
  const v = variant?.mean ?? null;
  const what = metric === "rating" ? "rated" : "scored";
  if (!control || !variant || control.n < 2 || variant.n < 2) return noTest(metric, test, c, v, `needs at least 2 ${what} requests per version`);
  const result = welchTTest(control, variant);
  if (!result) return noTest(metric, test, c, v, `no variation: every ${what} request has the same ${metric}`);
  return { metric, test, control: c, variant: v, difference: v! - c!, statistic: result.t, df: result.df, p_value: result.pValue, significant: result.pValue < alpha, note: null };
}

function verdictOf(primary: Metric | null, controlVersion: number | null, comparisons: Comparison[]): Verdict {
  if (primary === null || controlVersion === null) return { winner: null, metric: null, p_value: null, text: "no significant difference yet (no outcome events or scores recorded)" };
  const label = METRIC_LABELS[primary];
  const tests = comparisons.map((c) => ({ version: c.version, test: c.tests.find((t) => t.metric === primary)! }));
  const better = tests.filter((t) => t.test.significant && t.test.difference! > 0).sort((a, b) => b.test.variant! - a.test.variant! || a.test.p_value! - b.test.p_value!);
  if (better.length) {
    const best = better[0]!;
    return { winner: best.version, metric: primary, p_value: best.test.p_value, text: `version ${best.version} wins on ${label} (${formatPValue(best.test.p_value!)})` };
  }
  if (tests.length && tests.every((t) => t.test.significant && t.test.difference! < 0)) {
    const p = Math.max(...tests.map((t) => t.test.p_value!));
    return { winner: controlVersion, metric: primary, p_value: p, text: `version ${controlVersion} wins on ${label} (${formatPValue(p)})` };
  }
  const ps = tests.map((t) => t.test.p_value).filter((p): p is number => p !== null);
  const p = ps.length ? Math.min(...ps) : null;
  return { winner: null, metric: primary, p_value: p, text: `no significant difference yet (${label}${p !== null ? `, ${formatPValue(p)}` : ""})` };
}

export function buildReport(subject: ExperimentSubject, data: ExperimentData, alpha = ALPHA): ExperimentReport {
  const seen = [...new Set([...data.arms, ...data.events, ...data.ratings, ...data.scores].map((r) => r.version))];
  const versions = versionOrder(subject.config, seen);
  const controlVersion = subject.config?.split[0]?.version ?? (versions.length ? Math.min(...versions) : null);
  const ratings = new Map(data.ratings.map((m) => [m.version, summaryFromMoments(m.n, m.sum, m.sumOfSquares)]));
  const scores = new Map(data.scores.map((m) => [m.version, summaryFromMoments(m.n, m.sum, m.sumOfSquares)]));

  const variants = versions.map((version): VariantReport => {
    const arm = data.arms.find((a) => a.version === version);
    const requests = arm?.requests ?? 0;
    const totals = (type: EventType) => data.events.find((e) => e.version === version && e.type === type);
    const events = Object.fromEntries(
      EVENT_TYPES.map((type) => {
        const t = totals(type);
        const count = t?.count ?? 0;
        const withEvent = t?.requests ?? 0;
        return [type, { count, rate: requests ? count / requests : 0, requests_with: withEvent, share: requests ? withEvent / requests : 0 }];
      }),
    ) as Record<EventType, EventStats>;
    const feedback = totals("feedback");
    const engagement = totals("engagement");
    return {
      version,
      control: version === controlVersion,
      percentage: subject.config?.split.find((e) => e.version === version)?.percentage ?? null,
      requests,
      users: arm?.users ?? 0,
      events,
      feedback: { up: feedback?.up ?? 0, down: feedback?.down ?? 0, positive_share: feedback && feedback.up + feedback.down ? feedback.up / (feedback.up + feedback.down) : null },
      engagement: { total: engagement?.valueSum ?? 0, mean: engagement?.requests ? engagement.valueSum / engagement.requests : null },
      rating: meanStats(ratings.get(version) ?? null),
      score: meanStats(scores.get(version) ?? null),
    };
  });

  const alphaPerComparison = alpha / Math.max(1, variants.length - 1);
  const anyEvents = (type: EventType) => data.events.some((e) => e.type === type && e.count > 0);
  const control = variants.find((v) => v.control);
  const comparisons: Comparison[] = control
    ? variants
        .filter((v) => !v.control)
        .map((v) => ({
          version: v.version,
          control_version: control.version,
          tests: [
            proportionTest("conversion", control, v, anyEvents("conversion"), alphaPerComparison),
            proportionTest("click", control, v, anyEvents("click"), alphaPerComparison),
            meanTest("rating", ratings.get(control.version) ?? null, ratings.get(v.version) ?? null, alphaPerComparison),
            meanTest("score", scores.get(control.version) ?? null, scores.get(v.version) ?? null, alphaPerComparison),
          ],
        }))
    : [];
  const hasData: Record<Metric, boolean> = {
    conversion: anyEvents("conversion"),
    click: anyEvents("click"),
    rating: data.ratings.some((m) => m.n > 0),
    score: data.scores.some((m) => m.n > 0),
  };
  const primary = METRICS.find((m) => hasData[m]) ?? null;

  return {
    experiment: {
      release_id: subject.releaseId,
      prompt_id: subject.promptId,
      prompt_name: subject.promptName,
      label: subject.label,
      split: subject.config?.split ?? [],
      segments: subject.config?.segments ?? [],
      active: subject.releaseId !== null,
      created_at: subject.createdAt,
    },
    control_version: controlVersion,
    score_name: SCORE_NAME,
    alpha,
    alpha_per_comparison: alphaPerComparison,
    requests: data.totals.requests,
    users: data.totals.users,
    variants,
    comparisons,
    verdict: verdictOf(primary, controlVersion, comparisons),
  };
}

/** The short form `GET /api/local/experiments` lists. */
export function summarize(report: ExperimentReport): ExperimentSummary {
  const e = report.experiment;
  return {
    release_id: e.release_id,
    prompt_id: e.prompt_id,
    prompt_name: e.prompt_name,
    label: e.label,
    split: e.split,
    created_at: e.created_at,
    requests: report.requests,
    users: report.users,
    control_version: report.control_version,
    variants: report.variants.map((v) => ({ version: v.version, requests: v.requests, users: v.users })),
    verdict: report.verdict,
  };
}
