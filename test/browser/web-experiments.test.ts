/**
 * The web page's Experiments section in headless Chromium: an A/B release with traffic and
 * outcome events, shown as a report with a verdict, under the page's CSP.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/child.js";
import { chatTemplate, KEY, pool, publish, startBackend, type Client } from "../integration/backend-helpers.js";

const ARTIFACTS = join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let client: Client;
let browser: Browser;
let page: Page;
const cspViolations: string[] = [];

/** 160 users on a 50/50 release: v2 converts 40 % of its requests, v1 10 %; both are rated. */
async function seedExperiment(): Promise<void> {
  for (const text of ["A", "B"]) await publish(client, "support-reply", chatTemplate([{ role: "user", text }]));
  expect((await client.call("POST", "/api/local/releases", { prompt_name: "support-reply", label: "prod", split: [{ version: 1, percentage: 50 }, { version: 2, percentage: 50 }] })).status).toBe(201);
  const seen = new Map<number, number>();
  const visits = [];
  for (let i = 0; i < 160; i++) {
    const user = `user-${i}`;
    const t = await client.call("POST", "/prompt-templates/support-reply", { label: "prod", metadata_filters: { user_id: user } });
    const k = seen.get(t.body.version) ?? 0;
    seen.set(t.body.version, k + 1);
    visits.push({ user, promptId: t.body.id as number, version: t.body.version as number, k });
  }
  await pool(visits, 8, async ({ user, promptId, version, k }) => {
    const tracked = await client.call(
      "POST",
      "/track-request",
      {
        api_key: KEY,
        function_name: "openai.chat.completions.create",
        kwargs: { model: "gpt-4o-mini", messages: [] },
        request_response: {},
        request_start_time: "2026-03-01T10:00:00Z",
        request_end_time: "2026-03-01T10:00:01Z",
        prompt_id: promptId,
        prompt_version: version,
        metadata: { user_id: user, pl_experiment_label: "prod", pl_experiment_variant: String(version) },
      },
      { key: null },
    );
    const ts = new Date().toISOString();
    const metadata: Record<string, string> = { [`pl_event:rating:${randomUUID()}`]: JSON.stringify({ type: "rating", value: 2 + (k % 3) + (version === 2 ? 1 : 0), ts }) };
    if (k % 10 < (version === 2 ? 4 : 1)) metadata[`pl_event:conversion:${randomUUID()}`] = JSON.stringify({ type: "conversion", ts });
    expect((await client.call("POST", "/library-track-metadata", { api_key: KEY, request_id: tracked.body.request_id, metadata }, { key: null })).status).toBe(200);
  });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  client = await startBackend();
  await seedExperiment();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await client?.backend.close();
});

describe("the Experiments section", () => {
  it("shows each version's numbers, the tests against control and the verdict", async () => {
    await page.goto(`${client.url}/#key=${encodeURIComponent(KEY)}`);
    await page.goto(`${client.url}/#/experiments`);
    const card = page.locator(".experiment").first();
    await card.waitFor();
    const report = (await client.call("GET", "/api/local/experiments/support-reply/prod")).body;
    expect(report.verdict.winner).toBe(2);
    expect(await card.locator(".verdict.win").textContent()).toBe(`Version 2 wins ${report.verdict.text.replace(/^version 2 wins /, "")}`);
    const headers = (await card.locator("table").first().locator("thead th").allTextContents()).map((h) => h.trim());
    expect(headers).toEqual(["", "v1 control", "v2"]);
    const requests = await card.getByRole("row", { name: /^Requests/ }).locator("td").allTextContents();
    expect(requests).toEqual(["Requests", String(report.variants[0].requests), String(report.variants[1].requests)]);
    const tests = card.locator("table").nth(1);
    expect(await tests.getByRole("row", { name: /conversion rate/ }).textContent()).toMatch(/two-proportion z-test.*p [=<] [\d.]+\s*significant/);
    expect(await tests.getByRole("row", { name: /mean rating/ }).textContent()).toContain("Welch's t-test");
    await page.screenshot({ path: join(ARTIFACTS, "web-experiments.png"), fullPage: true });
  });

  it("draws each rating interval to scale without breaking the CSP", async () => {
    const bars = page.locator(".experiment .ci span");
    expect(await bars.count()).toBe(2);
    for (let i = 0; i < 2; i++) {
      const share = await bars.nth(i).evaluate((el) => el.getBoundingClientRect().width / el.parentElement!.getBoundingClientRect().width);
      expect(share).toBeGreaterThan(0.01);
      expect(share).toBeLessThan(0.5);
    }
    expect(cspViolations).toEqual([]);
  });
});
