/**
 * `promptlayer-otel experiments report <label>`: an A/B experiment's results from a backend that
 * serves `/api/local/experiments` (the local one, `promptlayer-otel dev`) — a table of metrics by
 * version, the tests against control, and the verdict.
 */
import { parseArgs } from "node:util";
import { formatPValue, METRIC_LABELS, type ExperimentReport, type ExperimentSummary, type MeanStats, type TestResult, type VariantReport } from "../../local/domain/experiment.js";
import { resolveClientConfig } from "../config.js";

export const DEFAULT_EXPERIMENTS_URL = "http://127.0.0.1:8787";

export const EXPERIMENTS_USAGE = `Usage: promptlayer-otel experiments report <label> [--prompt NAME] [--url URL] [--api-key KEY] [--json]

  <label>         the release label an A/B release splits between prompt versions
  --prompt NAME   the prompt template (needed when several prompts have a release on <label>)
  --url URL       the backend (default PROMPTLAYER_BASE_URL, else ${DEFAULT_EXPERIMENTS_URL})
  --api-key KEY   its API key (default PROMPTLAYER_API_KEY)
  --json          print the report as JSON instead of a table`;

/** A failure to tell the user about, with the exit code it earns (2: usage, 1: the backend). */
class CliError extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2,
  ) {
    super(message);
  }
}

async function getJson<T>(baseURL: string, apiKey: string, path: string, timeout: number): Promise<T> {
  let res: Response;
  try {
    res = await fetch(baseURL + path, { headers: { "X-API-KEY": apiKey, accept: "application/json" }, signal: AbortSignal.timeout(timeout) });
  } catch (error) {
    throw new CliError(`Could not reach ${baseURL}: ${(error as Error).message}. Is the backend running (promptlayer-otel dev)?`, 1);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const message = (body as { message?: unknown } | undefined)?.message;
    throw new CliError(`${res.status} from ${path}: ${typeof message === "string" ? message : text.slice(0, 200)}`, 1);
  }
  return body as T;
}

/** The report for `label`: by prompt when given, else the only release on that label. */
async function fetchReport(baseURL: string, apiKey: string, label: string, prompt: string | undefined, timeout: number): Promise<ExperimentReport> {
  if (prompt !== undefined) return getJson(baseURL, apiKey, `/api/local/experiments/${encodeURIComponent(prompt)}/${encodeURIComponent(label)}`, timeout);
  const { items } = await getJson<{ items: ExperimentSummary[] }>(baseURL, apiKey, "/api/local/experiments", timeout);
  const matching = items.filter((i) => i.label === label);
  if (matching.length === 0) {
    const known = items.map((i) => `${i.prompt_name}/${i.label}`).join(", ");
    throw new CliError(`No A/B release on label "${label}"${known ? ` (releases: ${known})` : ""}. Name the prompt with --prompt to report an ended experiment.`, 1);
  }
  if (matching.length > 1) throw new CliError(`Several prompts have a release on label "${label}" (${matching.map((i) => i.prompt_name).join(", ")}); pick one with --prompt.`, 2);
  return getJson(baseURL, apiKey, `/api/local/experiments/${matching[0]!.release_id}`, timeout);
}

// ---- formatting ----

const dash = "—";
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const fixed = (x: number | null, digits = 2) => (x === null ? dash : x.toFixed(digits));

function meanCell(m: MeanStats): string {
  if (m.mean === null) return dash;
  return `${fixed(m.mean)} ${m.ci95 ? `[${fixed(m.ci95.low)}, ${fixed(m.ci95.high)}]` : "(n=1)"}`;
}

const ROWS: Array<[string, (v: VariantReport) => string]> = [
  ["Traffic", (v) => (v.percentage === null ? dash : `${v.percentage}%`)],
  ["Requests", (v) => String(v.requests)],
  ["Users", (v) => String(v.users)],
  ["Conversion", (v) => `${pct(v.events.conversion.share)} (${v.events.conversion.requests_with})`],
  ["Click", (v) => `${pct(v.events.click.share)} (${v.events.click.requests_with})`],
  ["Feedback up / down", (v) => `${v.feedback.up} / ${v.feedback.down}${v.feedback.positive_share === null ? "" : ` (${pct(v.feedback.positive_share)} up)`}`],
  ["Rating, mean [95% CI]", (v) => meanCell(v.rating)],
  ["Score, mean [95% CI]", (v) => meanCell(v.score)],
  ["Engagement, mean", (v) => fixed(v.engagement.mean, 1)],
];

/** Columns padded to their widest cell; numbers (`right`) line up on the right, text on the left. */
function table(header: string[], rows: string[][], right: (column: number) => boolean): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (right(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("   ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

function testLine(version: number, t: TestResult): string[] {
  const statistic = t.statistic === null ? dash : t.df === null ? `z = ${t.statistic.toFixed(2)}` : `t = ${t.statistic.toFixed(2)} (df ${t.df.toFixed(1)})`;
  const outcome = t.p_value === null ? (t.note ?? "") : `${formatPValue(t.p_value)}${t.significant ? "  significant" : ""}`;
  return [`v${version}`, METRIC_LABELS[t.metric], t.test, statistic, outcome];
}

/** The report as text: header, metrics × versions, tests against control, verdict. */
export function formatReport(r: ExperimentReport): string {
  const e = r.experiment;
  const split = e.split.map((s) => `v${s.version} ${s.percentage}%`).join(" / ");
  const lines = [
    `${e.prompt_name} · label "${e.label}" · ${e.active ? `release #${e.release_id} (${split})` : "release deleted"}`,
    `${r.requests} requests from ${r.users} users · control v${r.control_version ?? dash} · score = the "${r.score_name}" score`,
    "",
    table(
      ["", ...r.variants.map((v) => `v${v.version}${v.control ? " (control)" : ""}`)],
      ROWS.map(([name, cell]) => [name, ...r.variants.map(cell)]),
      (column) => column > 0,
    ),
  ];
  if (r.comparisons.length) {
    const bonferroni = r.alpha_per_comparison < r.alpha ? `, ${r.alpha_per_comparison.toFixed(4)} per comparison (Bonferroni)` : "";
    lines.push("", `Tests against control v${r.control_version} (alpha ${r.alpha}${bonferroni}):`);
    const rows = r.comparisons.flatMap((c) => c.tests.map((t) => testLine(c.version, t)));
    lines.push(...table(["", "metric", "test", "statistic", "p-value"], rows, () => false).split("\n").map((l) => `  ${l}`));
  }
  lines.push("", `Verdict: ${r.verdict.text}`);
  return lines.join("\n");
}

export async function runExperiments(argv: string[]): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { prompt: { type: "string" }, url: { type: "string" }, "api-key": { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${EXPERIMENTS_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(EXPERIMENTS_USAGE);
    return 0;
  }
  const [action, label, ...extra] = positionals;
  if (action !== "report" || !label || extra.length) {
    console.error(`${action === undefined || action === "report" ? "Name the release label to report." : `Unknown experiments command "${action}".`}\n\n${EXPERIMENTS_USAGE}`);
    return 2;
  }
  try {
    let config;
    try {
      // PROMPTLAYER_BASE_URL when set; otherwise the local backend rather than the public service.
      config = resolveClientConfig({ baseURL: values.url, apiKey: values["api-key"] }, { PROMPTLAYER_BASE_URL: DEFAULT_EXPERIMENTS_URL, ...process.env });
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
    if (!config.apiKey) throw new CliError("No API key: pass --api-key or set PROMPTLAYER_API_KEY (the dev command prints it).", 2);
    const report = await fetchReport(config.baseURL, config.apiKey, label, values.prompt, config.timeout);
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return 0;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(error.message);
    return error.code;
  }
}
