/**
 * The local backend's web page in headless Chromium: a trace produced by a real instrumented run,
 * opened the way a person would, plus the request log, templates and 10 000 traces.
 */
import * as openaiModule from "openai";
import OpenAI from "openai";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIInstrumentation } from "../../instrumentations/openai/instrumentation.js";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { init, shutdown } from "../../src/tracing/sdk.js";
import { traceable } from "../../src/tracing/traceable.js";
import { withRequestContext } from "../../src/tracing/request-context.js";
import { ROOT } from "../helpers/child.js";

const ARTIFACTS = join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let backend: LocalBackend;
let browser: Browser;
let page: Page;
const instrumentation = new OpenAIInstrumentation({ enabled: false, captureMessageContent: true });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  backend = await startLocalBackend({ dataDir: ":memory:", seed: true, apiKey: "pl_browser_test" });
  init({ endpoint: `${backend.url}/v1/traces`, apiKey: backend.apiKey, handleExit: false, instrumentations: false });
  instrumentation.manuallyInstrument(openaiModule);

  // A real instrumented run: an agent, a model call with content, and a failing tool.
  const client = new OpenAI({ apiKey: "sk-local", baseURL: `${backend.url}/v1`, maxRetries: 0 });
  const lookup = traceable(async function lookup_order() {
    throw new Error("order service unavailable");
  }, { kind: "tool" });
  const agent = traceable(
    async (question: string) => {
      const r = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: question }] });
      await lookup().catch(() => undefined);
      return r.choices[0]!.message.content;
    },
    { kind: "agent", name: "support-bot" },
  );
  await withRequestContext({ userId: "user-42" }, () => agent("Where is my parcel?"));
  await shutdown();
  instrumentation.disable();

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

describe("the local web page", () => {
  it("asks for the key, then shows the trace list", async () => {
    await page.goto(backend.url);
    await page.getByText("Connect to the local backend").waitFor();
    await page.fill("#key", backend.apiKey);
    await page.click("#save");
    await page.getByRole("cell", { name: "invoke_agent support-bot" }).waitFor();
    expect(await page.locator("tbody tr").count()).toBe(1);
    expect(await page.locator("tbody tr").first().textContent()).toContain("1 error");
  });

  it("opens a trace: span tree with timings, the model call's messages and tokens, and the error", async () => {
    await page.getByRole("cell", { name: "invoke_agent support-bot" }).click();
    const tree = page.locator("#tree .row");
    await tree.first().waitFor();
    const names = await tree.locator(".name").allTextContents();
    expect(names.map((n) => n.replace(/\s+/g, " ").trim())).toEqual(["▾invoke_agent support-bot", "·chat gpt-4o-mini openai", "·execute_tool lookup_order error"]);
    expect(await tree.locator(".dur").first().textContent()).toMatch(/ms$/);
    // The waterfall: the model call's bar spans most of the agent's.
    const share = await tree.nth(1).locator(".bar span").evaluate((el) => el.getBoundingClientRect().width / el.parentElement!.getBoundingClientRect().width);
    expect(share).toBeGreaterThan(0.4);

    await tree.nth(1).click();
    const detail = page.locator("#detail");
    await detail.getByText("Input messages").waitFor();
    expect(await detail.textContent()).toContain("Where is my parcel?");
    expect(await detail.textContent()).toContain("Be brief.");
    expect(await detail.locator(".kv").first().textContent()).toMatch(/Tokens in \/ out\d+ \/ \d+/);
    expect(await detail.textContent()).toContain("user-42");
    await page.screenshot({ path: join(ARTIFACTS, "web-trace.png"), fullPage: true });

    await tree.nth(2).click();
    expect(await detail.locator(".error-box").textContent()).toContain("order service unavailable");
  });

  it("shows the request log entry the model span became, linked to its trace", async () => {
    await page.goto(`${backend.url}/#/requests`);
    const row = page.locator("tbody tr").first();
    await row.waitFor();
    expect(await row.textContent()).toContain("gpt-4o-mini");
    await row.click();
    await page.getByText("Conversation").waitFor();
    expect(await page.locator("main").textContent()).toContain("Where is my parcel?");
  });

  it("lists templates with versions and labels", async () => {
    await page.goto(`${backend.url}/#/templates`);
    await page.getByRole("cell", { name: "support-reply", exact: true }).click();
    // "v1" is already in the list row: wait for text only the template's own view shows.
    await page.getByText("{question}", { exact: false }).first().waitFor();
    const main = await page.locator("main").textContent();
    expect(main).toContain("{question}");
    expect(main).toMatch(/v1/);
  });

  it("stays fast with 10 000 traces", async () => {
    const spans = Array.from({ length: 10_000 }, (_, i) => ({
      traceId: (i + 1).toString(16).padStart(32, "0"),
      spanId: (i + 1).toString(16).padStart(16, "0"),
      name: `bulk-${i}`,
      kind: 1,
      startTimeUnixNano: String(BigInt(Date.now() - 60_000 + i) * 1_000_000n),
      endTimeUnixNano: String(BigInt(Date.now() - 60_000 + i + 5) * 1_000_000n),
    }));
    for (let i = 0; i < spans.length; i += 1000) {
      const res = await fetch(`${backend.url}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": backend.apiKey },
        body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "bulk" }, spans: spans.slice(i, i + 1000) }] }] }),
      });
      expect(res.status).toBe(200);
    }
    const started = performance.now();
    await page.goto(`${backend.url}/#/traces`);
    await page.getByRole("cell", { name: "bulk-9999" }).waitFor();
    const firstPage = performance.now() - started;
    expect(await page.locator("tbody tr").count()).toBe(50);
    const moreStarted = performance.now();
    await page.click("#more");
    await page.getByRole("cell", { name: "bulk-9949" }).waitFor();
    const secondPage = performance.now() - moreStarted;
    console.log(`10k traces: first page ${firstPage.toFixed(0)} ms, next page ${secondPage.toFixed(0)} ms`);
    expect(firstPage).toBeLessThan(3000);
    expect(secondPage).toBeLessThan(1500);
  });
});
