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
  await pl.templates.publish({ promptName: "plain", promptTemplate: chat("Plain"), metadata, releaseLabels: ["prod"] });
  await pl.templates.publish({ promptName: "segmented", promptTemplate: chat("Segment v1"), metadata });
  await pl.templates.publish({ promptName: "segmented", promptTemplate: chat("Segment v2"), metadata });
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

  it("templates.get() with an end user says which experiment and variant the release assigned", async () => {
    for (const user of ["user-1", "user-2", "user-3", "user-4"]) {
      const template = (await pl.templates.get("greeting", { label: "prod", externalUserId: user }))!;
      expect(template.experiment).toEqual({ label: "prod", variant: template.version });
      expect(template.ab_release).toEqual({ label: "prod", version: template.version, segment: null });
    }
    // No release chose the version: no experiment.
    expect((await pl.templates.get("greeting", { externalUserId: "user-1" }))!.experiment).toBeUndefined();
    expect((await pl.templates.get("greeting", { version: 2, externalUserId: "user-1" }))!.experiment).toBeUndefined();
  });

  it("reports the segment that applied", async () => {
    const res = await fetch(`${backend.url}/api/local/releases`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": KEY },
      body: JSON.stringify({
        prompt_name: "segmented",
        label: "prod",
        split: [{ version: 1, percentage: 100 }],
        segments: [{ name: "enterprise", metadata_filters: { plan: "enterprise" }, split: [{ version: 2, percentage: 100 }] }],
      }),
    });
    expect(res.status).toBe(201);
    const enterprise = (await pl.templates.get("segmented", { label: "prod", externalUserId: "u-1", metadataFilters: { plan: "enterprise" } }))!;
    expect(enterprise.experiment).toEqual({ label: "prod", variant: 2, segment: "enterprise" });
    const run = await pl.run({ promptName: "segmented", promptReleaseLabel: "prod", externalUserId: "u-2", metadata: { plan: "free" } });
    expect(run.experiment).toEqual({ label: "prod", variant: 1 });
    // The segment travels with the run: on its span and in the logged request, so results can be split by it.
    const segmented = await pl.run({ promptName: "segmented", promptReleaseLabel: "prod", externalUserId: "u-3", metadata: { plan: "enterprise" } });
    expect(segmented.experiment).toEqual({ label: "prod", variant: 2, segment: "enterprise" });
    const span = tracing.spans().filter((s) => s.name === "promptlayer.run segmented").at(-1)!;
    expect(span.attributes).toMatchObject({ "promptlayer.experiment.variant": 2, "promptlayer.experiment.segment": "enterprise" });
    expect(backend.store.requests.get(segmented.request_id!)!.metadata).toMatchObject({ pl_experiment_segment: "enterprise", pl_experiment_variant: "2" });
  });

  it("run() under a plain release label (no A/B release) reports no experiment and logs none", async () => {
    const result = await pl.run({ promptName: "plain", promptReleaseLabel: "prod", externalUserId: "user-7" });
    expect(result.experiment).toBeUndefined();
    const runSpan = tracing.spans().find((s) => s.name === "promptlayer.run plain")!;
    expect(runSpan.attributes["promptlayer.experiment.label"]).toBeUndefined();
    expect(runSpan.attributes["user.id"]).toBe("user-7");
    const row = backend.store.requests.get(result.request_id!)!;
    expect(row.metadata).toEqual({ user_id: "user-7" });
  });

  it("does not cache an answer an A/B release chose, so each call gets its own draw", async () => {
    const cached = new PromptLayer({ apiKey: KEY, baseURL: backend.url, cacheTtlSeconds: 600 });
    const versions = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const t = (await cached.templates.get("greeting", { label: "prod" }))!;
      expect(t.experiment?.variant).toBe(t.version);
      versions.add(t.version!);
    }
    // Without a user each request is drawn at random (70/30): a cached first draw would give one version.
    expect(versions).toEqual(new Set([1, 2]));
    // A plain label is still cached.
    const a = await cached.templates.get("plain", { label: "prod" });
    await pl.templates.publish({ promptName: "plain", promptTemplate: chat("Plain v2"), metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } }, releaseLabels: ["prod"] });
    expect((await cached.templates.get("plain", { label: "prod" }))!.version).toBe(a!.version);
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
