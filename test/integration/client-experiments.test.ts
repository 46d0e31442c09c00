/**
 * Experiments from the client's side, against the real local backend: sticky per-user assignment
 * across an A/B release, the variant returned and traced, and the run logged with its experiment.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as openaiModule from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIInstrumentation } from "../../instrumentations/openai/instrumentation.js";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { PromptLayer } from "../../src/client/index.js";
import { useMemoryTracing } from "../helpers/memory-tracing.js";

const tracing = useMemoryTracing();
const dataDir = mkdtempSync(join(tmpdir(), "pl-exp-"));
const KEY = "pl_experiments";
let backend: LocalBackend;
let pl: PromptLayer;
const instrumentation = new OpenAIInstrumentation({ enabled: false });

const chat = (text: string) => ({ type: "chat" as const, input_variables: [], messages: [{ role: "user" as const, input_variables: [], template_format: "f-string" as const, content: [{ type: "text" as const, text }] }] });

async function start(): Promise<void> {
  backend = await startLocalBackend({ dataDir, apiKey: KEY, log: () => {} });
  pl = new PromptLayer({ apiKey: KEY, baseURL: backend.url });
}

beforeAll(async () => {
  await start();
  const metadata = { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } };
  await pl.templates.publish({ promptName: "greeting", promptTemplate: chat("Hello from A"), metadata, releaseLabels: ["prod"] });
  await pl.templates.publish({ promptName: "greeting", promptTemplate: chat("Hello from B"), metadata });
  const res = await fetch(`${backend.url}/api/local/releases`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": KEY },
    body: JSON.stringify({ prompt_name: "greeting", label: "prod", split: [{ version: 1, percentage: 70 }, { version: 2, percentage: 30 }] }),
  });
  expect(res.status).toBe(201);
  process.env.OPENAI_BASE_URL = `${backend.url}/v1`;
  process.env.OPENAI_API_KEY = "sk-local";
  instrumentation.manuallyInstrument(openaiModule);
});
afterAll(async () => {
  instrumentation.disable();
  delete process.env.OPENAI_BASE_URL;
  delete process.env.OPENAI_API_KEY;
  await backend.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function pool<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

describe("A/B assignment through the client", () => {
  it("splits 10 000 users close to 70/30, each user always on the same version", async () => {
    const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const versions = await pool(users, 32, async (u) => (await pl.templates.get("greeting", { label: "prod", externalUserId: u }))!.version);
    const share = versions.filter((v) => v === 1).length / users.length;
    expect(share).toBeGreaterThan(0.68);
    expect(share).toBeLessThan(0.72);
    const again = await pool(users.slice(0, 500), 32, async (u) => (await pl.templates.get("greeting", { label: "prod", externalUserId: u }))!.version);
    expect(again).toEqual(versions.slice(0, 500));
  }, 60_000);

  it("run() returns the experiment and variant, traces them, and logs the request with them", async () => {
    const result = await pl.run({ promptName: "greeting", promptReleaseLabel: "prod", externalUserId: "user-7" });
    const expected = (await pl.templates.get("greeting", { label: "prod", externalUserId: "user-7" }))!.version;
    expect(result.experiment).toEqual({ label: "prod", variant: expected });

    const runSpan = tracing.spans().find((s) => s.name === "promptlayer.run greeting")!;
    expect(runSpan.attributes).toMatchObject({ "promptlayer.experiment.label": "prod", "promptlayer.experiment.variant": expected, "user.id": "user-7" });

    const row = backend.store.requests.get(result.request_id!)!;
    expect(row.promptVersionNumber).toBe(expected);
    expect(row.metadata).toMatchObject({ user_id: "user-7", pl_experiment_label: "prod", pl_experiment_variant: String(expected) });
  });

  it("keeps each user's version across a restart of the backend", async () => {
    const users = Array.from({ length: 200 }, (_, i) => `restart-${i}`);
    const before = await pool(users, 16, async (u) => (await pl.templates.get("greeting", { label: "prod", externalUserId: u }))!.version);
    await backend.close();
    await start();
    const after = await pool(users, 16, async (u) => (await pl.templates.get("greeting", { label: "prod", externalUserId: u }))!.version);
    expect(after).toEqual(before);
    expect(new Set(before).size).toBe(2);
  });
});
