/**
 * Experiments end to end over HTTP, the way the client drives them: a 50/50 release, users served
 * their sticky version, `run()`'s request logged through /track-request with the experiment
 * metadata, outcome events through /library-track-metadata (feedback and ratings also as named
 * scores), then the report — from the API and from the CLI.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentReport, ExperimentSummary, TestResult } from "../../local/domain/experiment.js";
import { meanConfidenceInterval, summaryFromMoments, twoProportionZTest, welchTTest } from "../../local/domain/stats.js";
import { bundleForChild, chatTemplate, KEY, pool, publish, startBackend, tempDir, type Client } from "./backend-helpers.js";

const PROMPT = "checkout-reply";
let client: Client;
let promptId: number;

beforeAll(async () => {
  client = await startBackend();
  for (const text of ["Short answer", "Friendly answer", "Detailed answer"]) await publish(client, PROMPT, chatTemplate([{ role: "user", text }]), { release_labels: text === "Short answer" ? ["prod"] : null });
  promptId = client.backend.store.templates.find(PROMPT)!.id;
});
afterAll(() => client.backend.close());

const legacy = (path: string, body: Record<string, unknown>) => client.call("POST", path, { ...body, api_key: KEY }, { key: null });

async function release(label: string, split: Array<[number, number]>): Promise<number> {
  const res = await client.call("POST", "/api/local/releases", { prompt_name: PROMPT, label, split: split.map(([version, percentage]) => ({ version, percentage })) });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** The version the backend serves `userId` on `label` (sticky). */
async function served(label: string, userId: string): Promise<number> {
  const res = await client.call("POST", `/prompt-templates/${PROMPT}`, { label, metadata_filters: { user_id: userId } });
  expect(res.status).toBe(200);
  return res.body.version;
}

/** What run() logs: the request, with the experiment in its metadata. */
async function track(version: number, metadata: Record<string, string>): Promise<number> {
  const res = await legacy("/track-request", {
    function_name: "openai.chat.completions.create",
    provider_type: "openai",
    kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Where is my order?" }] },
    request_response: { choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "On its way." } }] },
    request_start_time: "2026-03-01T10:00:00.000Z",
    request_end_time: "2026-03-01T10:00:01.000Z",
    prompt_id: promptId,
    prompt_version: version,
    metadata,
  });
  expect(res.status).toBe(200);
  return res.body.request_id;
}

const experimentMetadata = (label: string, userId: string, version: number) => ({ user_id: userId, pl_experiment_label: label, pl_experiment_variant: String(version) });

type EventType = "click" | "conversion" | "feedback" | "rating" | "engagement";
interface Sent {
  type: EventType;
  value?: number | string;
  ts?: string;
}

/** Metadata entries in the client's wire format: `pl_event:<type>:<id>` → the event as JSON. */
function eventEntries(userId: string, events: Sent[]): Record<string, string> {
  return Object.fromEntries(
    events.map((e) => [`pl_event:${e.type}:${randomUUID()}`, JSON.stringify({ type: e.type, label: "checkout", source: "web", value: e.value, user_id: userId, ts: e.ts ?? new Date().toISOString() })]),
  );
}

/** What one arm was sent, to check the report against. */
class Arm {
  requests = 0;
  users = new Set<string>();
  conversions = 0;
  clickEvents = 0;
  clickedRequests = 0;
  ratingEvents = 0;
  ratings: number[] = [];
  scores: number[] = [];
  up = 0;
  down = 0;
  engagement = 0;
  engaged = 0;
}

interface Outcome {
  conversion?: boolean;
  clicks?: number;
  rating?: number;
  feedback?: "up" | "down";
  engagement?: number;
  score?: number;
  /** A rating sent before the final one (older ts): only the latest counts. */
  earlierRating?: number;
  /** Deliver the events twice, as a retry after a lost response would. */
  redeliver?: boolean;
}

/**
 * Serves each user on `label`, logs one request per visit and sends its outcome; returns what
 * each version was sent. `outcome(version, k)` decides the k-th request of a version's outcome.
 */
async function simulate(label: string, visits: string[], outcome: (version: number, k: number) => Outcome): Promise<Map<number, Arm>> {
  const arms = new Map<number, Arm>();
  const plans = [];
  for (const userId of visits) {
    const version = await served(label, userId);
    const arm = arms.get(version) ?? arms.set(version, new Arm()).get(version)!;
    const o = outcome(version, arm.requests);
    arm.requests++;
    arm.users.add(userId);
    const events: Sent[] = [];
    if (o.conversion) {
      events.push({ type: "conversion", value: 19.99 });
      arm.conversions++;
    }
    for (let i = 0; i < (o.clicks ?? 0); i++) events.push({ type: "click" });
    arm.clickEvents += o.clicks ?? 0;
    if (o.clicks) arm.clickedRequests++;
    if (o.earlierRating !== undefined) events.push({ type: "rating", value: o.earlierRating, ts: new Date(Date.now() - 3_600_000).toISOString() });
    if (o.rating !== undefined) {
      events.push({ type: "rating", value: o.rating });
      arm.ratings.push(o.rating);
    }
    arm.ratingEvents += (o.rating !== undefined ? 1 : 0) + (o.earlierRating !== undefined ? 1 : 0);
    if (o.feedback) {
      events.push({ type: "feedback", value: o.feedback });
      arm[o.feedback]++;
    }
    if (o.engagement !== undefined) {
      events.push({ type: "engagement", value: o.engagement });
      arm.engagement += o.engagement;
      arm.engaged++;
    }
    if (o.score !== undefined) arm.scores.push(o.score);
    plans.push({ userId, version, o, events });
  }
  await pool(plans, 8, async ({ userId, version, o, events }) => {
    const requestId = await track(version, experimentMetadata(label, userId, version));
    if (events.length) {
      const metadata = eventEntries(userId, events);
      const deliveries = o.redeliver ? 2 : 1;
      for (let i = 0; i < deliveries; i++) expect((await legacy("/library-track-metadata", { request_id: requestId, metadata })).status).toBe(200);
    }
    // The client also sends feedback and ratings as named scores; they must not leak into the mean score.
    if (o.feedback) await legacy("/library-track-score", { request_id: requestId, name: "feedback", score: o.feedback === "up" ? 100 : 0 });
    if (o.rating !== undefined) await legacy("/library-track-score", { request_id: requestId, name: "rating", score: Math.round(((o.rating - 1) / 4) * 100) });
    if (o.score !== undefined) await legacy("/library-track-score", { request_id: requestId, score: o.score });
  });
  return arms;
}

const report = async (path: string): Promise<ExperimentReport> => {
  const res = await client.call("GET", `/api/local/experiments/${path}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const testOf = (r: ExperimentReport, version: number, metric: TestResult["metric"]) => r.comparisons.find((c) => c.version === version)!.tests.find((t) => t.metric === metric)!;
const summaryOf = (xs: number[]) => summaryFromMoments(xs.length, xs.reduce((a, b) => a + b, 0), xs.reduce((a, b) => a + b * b, 0))!;

/** 200 users, 40 of whom come back once: v2 converts 30 % against v1's 10 % and is rated higher. */
const visits = (prefix: string, users: number, returning: number) => [...Array.from({ length: users }, (_, i) => `${prefix}-${i}`), ...Array.from({ length: returning }, (_, i) => `${prefix}-${i}`)];

describe("outcome events on /library-track-metadata", () => {
  let requestId: number;
  beforeAll(async () => {
    requestId = await track(1, { user_id: "solo", plan: "free" });
  });

  it("stores pl_event entries as events and keeps the other keys as request metadata", async () => {
    const entries = eventEntries("solo", [{ type: "click" }, { type: "feedback", value: "up" }]);
    const res = await legacy("/library-track-metadata", { request_id: requestId, metadata: { ...entries, channel: "email" } });
    expect(res.body).toEqual({ success: true });
    const events = client.backend.store.events.forRequest(requestId);
    expect(events.map((e) => [e.type, e.value, e.label, e.source, e.userId])).toEqual(
      expect.arrayContaining([
        ["click", null, "checkout", "web", "solo"],
        ["feedback", "up", "checkout", "web", "solo"],
      ]),
    );
    expect(events.map((e) => `pl_event:${e.type}:${e.eventId}`).sort()).toEqual(Object.keys(entries).sort());
    expect(client.backend.store.requests.get(requestId)!.metadata).toEqual({ user_id: "solo", plan: "free", channel: "email" });
  });

  it("stores a redelivered event once", async () => {
    const entries = eventEntries("solo", [{ type: "rating", value: 4 }]);
    for (let i = 0; i < 3; i++) expect((await legacy("/library-track-metadata", { request_id: requestId, metadata: entries })).status).toBe(200);
    expect(client.backend.store.events.forRequest(requestId).filter((e) => e.type === "rating")).toHaveLength(1);
  });

  it("refuses a malformed event with 422 and stores nothing from that call", async () => {
    const before = client.backend.store.events.forRequest(requestId).length;
    const metadata = { ...eventEntries("solo", [{ type: "conversion" }]), "pl_event:click:bad-json": "{not json", campaign: "spring" };
    const res = await legacy("/library-track-metadata", { request_id: requestId, metadata });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([{ loc: ["body", "metadata", "pl_event:click:bad-json"], msg: expect.stringMatching(/^Invalid JSON/), type: "json_invalid" }]);
    expect(client.backend.store.events.forRequest(requestId)).toHaveLength(before);
    expect(client.backend.store.requests.get(requestId)!.metadata).not.toHaveProperty("campaign");
  });

  it("answers 422 for unknown types and bad values, listing every problem", async () => {
    const ts = new Date().toISOString();
    const cases: Array<[string, unknown, Array<string | number>]> = [
      ["pl_event:purchase:e1", { type: "purchase", ts }, []],
      ["pl_event:rating:e2", { type: "rating", value: 7, ts }, ["value"]],
      ["pl_event:rating:e3", { type: "rating", ts }, ["value"]],
      ["pl_event:feedback:e4", { type: "feedback", value: "meh", ts }, ["value"]],
      ["pl_event:engagement:e5", { type: "engagement", value: -3, ts }, ["value"]],
      ["pl_event:click:e6", { type: "conversion", ts }, ["type"]],
      ["pl_event:click:e7", { type: "click" }, ["ts"]],
      ["pl_event:click:e8", { type: "click", ts: "last tuesday" }, ["ts"]],
      ["pl_event:click:e9", ["click"], []],
      ["pl_event:click", { type: "click", ts }, []],
      ["pl_event:conversion:e10", { type: "conversion", value: { amount: 5 }, ts }, ["value"]],
    ];
    for (const [key, event, field] of cases) {
      const res = await legacy("/library-track-metadata", { request_id: requestId, metadata: { [key]: JSON.stringify(event) } });
      expect(res.status, key).toBe(422);
      expect(res.body.detail[0].loc, key).toEqual(["body", "metadata", key, ...field]);
    }
    const all = await legacy("/library-track-metadata", { request_id: requestId, metadata: Object.fromEntries(cases.map(([key, event]) => [key, JSON.stringify(event)])) });
    expect(all.body.detail).toHaveLength(cases.length);
    expect(client.backend.store.events.byEventId("e1")).toBeUndefined();
  });

  it("answers an unknown request id with the endpoint's usual 404", async () => {
    const res = await legacy("/library-track-metadata", { request_id: 424242, metadata: eventEntries("solo", [{ type: "click" }]) });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, message: "Request 424242 not found", error: "Request 424242 not found" });
  });

  it("refuses an event id already recorded for another request with 409", async () => {
    const entries = eventEntries("solo", [{ type: "click" }]);
    await legacy("/library-track-metadata", { request_id: requestId, metadata: entries });
    const other = await track(1, { user_id: "solo" });
    const res = await legacy("/library-track-metadata", { request_id: other, metadata: entries });
    expect(res.status).toBe(409);
    expect(client.backend.store.events.forRequest(other)).toEqual([]);
  });

  it("takes the same events on the header-auth twin /rest/track-metadata", async () => {
    const res = await client.call("POST", "/rest/track-metadata", { request_id: requestId, metadata: eventEntries("solo", [{ type: "engagement", value: 12.5 }]) });
    expect(res.status).toBe(200);
    expect(client.backend.store.events.forRequest(requestId).find((e) => e.type === "engagement")!.value).toBe(12.5);
  });
});

describe("experiment report", () => {
  let releaseId: number;
  let arms: Map<number, Arm>;
  let r: ExperimentReport;

  beforeAll(async () => {
    releaseId = await release("exp", [
      [1, 50],
      [2, 50],
    ]);
    arms = await simulate("exp", visits("u", 200, 40), (version, k) => ({
      conversion: version === 1 ? k % 10 === 0 : k % 10 < 3,
      clicks: k % 2 === 0 ? (k % 4 === 0 ? 2 : 1) : 0,
      rating: k % 3 === 0 ? (version === 1 ? [2, 3, 3, 4] : [4, 5, 4, 5])[k % 4] : undefined,
      earlierRating: k === 0 ? 1 : undefined,
      feedback: k % 5 === 0 ? (version === 1 ? "down" : "up") : k % 5 === 1 ? "up" : undefined,
      engagement: k % 7 === 0 ? k % 13 : undefined,
      score: k % 4 === 1 ? 50 + (k % 3) * 20 : undefined,
      redeliver: k % 6 === 0,
    }));
    // The same prompt under another label, and with no label at all: not part of "exp".
    for (let i = 0; i < 30; i++) {
      const id = await track(2, experimentMetadata("other", `o-${i}`, 2));
      await legacy("/library-track-metadata", { request_id: id, metadata: eventEntries(`o-${i}`, [{ type: "conversion" }]) });
    }
    for (let i = 0; i < 10; i++) await track(1, { user_id: `plain-${i}` });
    r = await report(`${PROMPT}/exp`);
  }, 120_000);

  it("splits the simulated users between both versions", () => {
    expect([...arms.keys()].sort()).toEqual([1, 2]);
    for (const arm of arms.values()) expect(arm.requests).toBeGreaterThan(80);
  });

  it("names the release, its control and the score it averages", () => {
    expect(r.experiment).toMatchObject({ release_id: releaseId, prompt_id: promptId, prompt_name: PROMPT, label: "exp", active: true, split: [{ version: 1, percentage: 50 }, { version: 2, percentage: 50 }] });
    expect(r).toMatchObject({ control_version: 1, score_name: "default", alpha: 0.05, alpha_per_comparison: 0.05, requests: 240, users: 200 });
    expect(r.variants.map((v) => [v.version, v.control, v.percentage])).toEqual([
      [1, true, 50],
      [2, false, 50],
    ]);
  });

  it("counts only this label's requests and unique users per version", () => {
    for (const v of r.variants) {
      const arm = arms.get(v.version)!;
      expect(v.requests, `v${v.version}`).toBe(arm.requests);
      expect(v.users, `v${v.version}`).toBe(arm.users.size);
    }
    expect(r.variants.reduce((n, v) => n + v.requests, 0)).toBe(240);
  });

  it("counts each event once, as events per request and as the share of requests with one", () => {
    for (const v of r.variants) {
      const arm = arms.get(v.version)!;
      expect(v.events.conversion).toEqual({ count: arm.conversions, rate: arm.conversions / arm.requests, requests_with: arm.conversions, share: arm.conversions / arm.requests });
      expect(v.events.click).toEqual({ count: arm.clickEvents, rate: arm.clickEvents / arm.requests, requests_with: arm.clickedRequests, share: arm.clickedRequests / arm.requests });
      expect(v.events.rating.count).toBe(arm.ratingEvents);
      expect(v.feedback).toEqual({ up: arm.up, down: arm.down, positive_share: arm.up / (arm.up + arm.down) });
      expect(v.events.feedback.count).toBe(arm.up + arm.down);
      expect(v.engagement.total).toBe(arm.engagement);
      expect(v.engagement.mean).toBeCloseTo(arm.engagement / arm.engaged, 10);
    }
  });

  it("reports the mean rating (latest per request) and the mean default score with 95% t intervals", () => {
    for (const v of r.variants) {
      const arm = arms.get(v.version)!;
      const rating = summaryOf(arm.ratings);
      expect(v.rating.n).toBe(arm.ratings.length);
      expect(v.rating.mean).toBeCloseTo(rating.mean, 10);
      expect(v.rating.sd).toBeCloseTo(Math.sqrt(rating.variance), 10);
      const ci = meanConfidenceInterval(rating)!;
      expect(v.rating.ci95!.low).toBeCloseTo(ci.low, 10);
      expect(v.rating.ci95!.high).toBeCloseTo(ci.high, 10);
      expect(v.rating.ci95!.low).toBeLessThan(v.rating.mean!);
      const score = summaryOf(arm.scores);
      expect(v.score.n).toBe(arm.scores.length);
      expect(v.score.mean).toBeCloseTo(score.mean, 10);
      expect(v.score.ci95!.high).toBeCloseTo(meanConfidenceInterval(score)!.high, 10);
    }
    expect(r.variants[0]!.rating.mean).toBeCloseTo(3, 1);
  });

  it("tests conversion and click with the two-proportion z-test and rating and score with Welch's t-test", () => {
    const [one, two] = [arms.get(1)!, arms.get(2)!];
    const conversion = testOf(r, 2, "conversion");
    const expected = twoProportionZTest(one.conversions, one.requests, two.conversions, two.requests)!;
    expect(conversion).toMatchObject({ test: "two-proportion z-test", control: one.conversions / one.requests, variant: two.conversions / two.requests, df: null, significant: true, note: null });
    expect(conversion.statistic).toBeCloseTo(expected.z, 10);
    expect(conversion.p_value).toBeCloseTo(expected.pValue, 12);
    expect(conversion.p_value).toBeLessThan(0.001);

    const rating = testOf(r, 2, "rating");
    const welch = welchTTest(summaryOf(one.ratings), summaryOf(two.ratings))!;
    expect(rating).toMatchObject({ test: "Welch's t-test", significant: true });
    expect(rating.statistic).toBeCloseTo(welch.t, 10);
    expect(rating.df).toBeCloseTo(welch.df, 8);
    expect(rating.p_value).toBeCloseTo(welch.pValue, 12);

    // Clicks and scores were generated alike in both arms.
    expect(testOf(r, 2, "click")).toMatchObject({ test: "two-proportion z-test", significant: false });
    expect(testOf(r, 2, "click").p_value).toBeGreaterThan(0.3);
    expect(testOf(r, 2, "score")).toMatchObject({ test: "Welch's t-test", significant: false });
  });

  it("declares the clearly better version the winner on conversion", () => {
    expect(r.verdict).toMatchObject({ winner: 2, metric: "conversion" });
    expect(r.verdict.text).toMatch(/^version 2 wins on conversion rate \(p (=|<) [\d.e-]+\)$/);
  });

  it("finds no significant difference between identical versions", async () => {
    await release("same", [
      [1, 50],
      [2, 50],
    ]);
    await simulate("same", visits("s", 200, 0), (_, k) => ({ conversion: k % 5 === 0, clicks: k % 3 === 0 ? 1 : 0, rating: k % 2 === 0 ? [3, 4, 5][k % 3] : undefined }));
    const same = await report(`${PROMPT}/same`);
    expect(testOf(same, 2, "conversion").p_value).toBeGreaterThan(0.5);
    expect(testOf(same, 2, "rating").significant).toBe(false);
    expect(same.verdict).toMatchObject({ winner: null, metric: "conversion" });
    expect(same.verdict.text).toMatch(/^no significant difference yet \(conversion rate, p = 0\.\d+\)$/);
  }, 60_000);

  it("compares each of three versions with control at a Bonferroni-corrected alpha", async () => {
    await release("three", [
      [1, 34],
      [2, 33],
      [3, 33],
    ]);
    await simulate("three", visits("t", 90, 0), (version, k) => ({ conversion: k % 10 < version }));
    const three = await report(`${PROMPT}/three`);
    expect(three.variants.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(three.comparisons.map((c) => [c.version, c.control_version])).toEqual([
      [2, 1],
      [3, 1],
    ]);
    expect(three.alpha_per_comparison).toBeCloseTo(0.025, 12);
    for (const c of three.comparisons) for (const t of c.tests) expect(t.significant).toBe(t.p_value !== null && t.p_value < 0.025);
    // No ratings or scores were sent: those tests say why they have no p-value.
    expect(testOf(three, 2, "rating")).toMatchObject({ p_value: null, significant: false, note: "needs at least 2 rated requests per version" });
    expect(testOf(three, 2, "click")).toMatchObject({ p_value: null, note: "no click events yet" });
  }, 60_000);

  it("reports the same experiment by release id", async () => {
    expect(await report(String(releaseId))).toEqual(r);
  });

  it("lists every A/B release with a short summary", async () => {
    const res = await client.call("GET", "/api/local/experiments");
    expect(res.status).toBe(200);
    const items = res.body.items as ExperimentSummary[];
    expect(items.map((i) => i.label)).toEqual(["exp", "same", "three"]);
    expect(items[0]).toEqual({
      release_id: releaseId,
      prompt_id: promptId,
      prompt_name: PROMPT,
      label: "exp",
      split: r.experiment.split,
      created_at: r.experiment.created_at,
      requests: 240,
      users: 200,
      control_version: 1,
      variants: r.variants.map((v) => ({ version: v.version, requests: v.requests, users: v.users })),
      verdict: r.verdict,
    });
  });

  it("keeps reporting an experiment after its release is deleted, with the lowest version as control", async () => {
    const three = (await client.call("GET", "/api/local/experiments")).body.items.find((i: ExperimentSummary) => i.label === "three");
    expect((await client.call("DELETE", `/api/local/releases/${three.release_id}`)).status).toBe(200);
    const ended = await report(`${PROMPT}/three`);
    expect(ended.experiment).toMatchObject({ release_id: null, active: false, split: [] });
    expect(ended.control_version).toBe(1);
    expect(ended.requests).toBe(90);
    expect((await client.call("GET", "/api/local/experiments")).body.items.map((i: ExperimentSummary) => i.label)).toEqual(["exp", "same"]);
  });

  it("answers 404 for an unknown prompt, release id, or a label with neither release nor traffic", async () => {
    for (const path of ["ghost/exp", "999", "nope", `${PROMPT}/never`]) expect((await client.call("GET", `/api/local/experiments/${path}`)).status, path).toBe(404);
    expect((await client.call("GET", "/api/local/experiments", undefined, { key: null })).status).toBe(401);
  });
});

describe("promptlayer-otel experiments report", () => {
  const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
  const dir = tempDir("pl-cli-experiments-");
  let cli: string;
  beforeAll(async () => {
    cli = await bundleForChild(CLI, dir);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  }

  it("prints a table by version, the tests against control and the verdict", async () => {
    const api = await report(`${PROMPT}/exp`);
    const { code, stdout, stderr } = await run(["experiments", "report", "exp"], { PROMPTLAYER_BASE_URL: client.url, PROMPTLAYER_API_KEY: KEY });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const [v1, v2] = api.variants;
    expect(stdout).toContain(`${PROMPT} · label "exp" · release #${api.experiment.release_id} (v1 50% / v2 50%)`);
    expect(stdout).toContain("240 requests from 200 users · control v1");
    expect(stdout).toMatch(/^\s+v1 \(control\)\s+v2$/m);
    expect(stdout).toMatch(new RegExp(`^Requests\\s+${v1!.requests}\\s+${v2!.requests}$`, "m"));
    expect(stdout).toMatch(new RegExp(`^Conversion\\s+${(v1!.events.conversion.share * 100).toFixed(1)}% \\(${v1!.events.conversion.requests_with}\\)\\s+${(v2!.events.conversion.share * 100).toFixed(1)}% \\(${v2!.events.conversion.requests_with}\\)$`, "m"));
    expect(stdout).toContain(`${v2!.rating.mean!.toFixed(2)} [${v2!.rating.ci95!.low.toFixed(2)}, ${v2!.rating.ci95!.high.toFixed(2)}]`);
    expect(stdout).toMatch(/^\s+v2\s+conversion rate\s+two-proportion z-test\s+z = \d+\.\d\d\s+p (=|<) [\d.e-]+\s+significant$/m);
    expect(stdout).toMatch(/^\s+v2\s+mean rating\s+Welch's t-test\s+t = \d+\.\d\d \(df \d+\.\d\)/m);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe(`Verdict: ${api.verdict.text}`);
  });

  it("prints the API's report with --json, naming the prompt and backend by flags", async () => {
    const { code, stdout } = await run(["experiments", "report", "exp", "--prompt", PROMPT, "--url", client.url, "--api-key", KEY, "--json"], {});
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(await report(`${PROMPT}/exp`));
  });

  it("reports an ended experiment when the prompt is named", async () => {
    const { code, stdout } = await run(["experiments", "report", "three", "--prompt", PROMPT], { PROMPTLAYER_BASE_URL: client.url, PROMPTLAYER_API_KEY: KEY });
    expect(code).toBe(0);
    expect(stdout).toContain(`${PROMPT} · label "three" · release deleted`);
    expect(stdout).toMatch(/^\s+v1 \(control\)\s+v2\s+v3$/m);
  });

  it("fails with a message: exit 1 for an unknown label, 2 for usage errors", async () => {
    const env = { PROMPTLAYER_BASE_URL: client.url, PROMPTLAYER_API_KEY: KEY };
    const unknown = await run(["experiments", "report", "nope"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`No A/B release on label "nope" (releases: ${PROMPT}/exp, ${PROMPT}/same)`);
    const noKey = await run(["experiments", "report", "exp"], { PROMPTLAYER_BASE_URL: client.url });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("No API key");
    const noLabel = await run(["experiments", "report"], env);
    expect(noLabel.code).toBe(2);
    expect(noLabel.stderr).toContain("Usage: promptlayer-otel experiments report <label>");
  });
});
