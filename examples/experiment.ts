/**
 * A full prompt experiment on the local backend: two versions of a prompt share the `prod` label
 * 50/50, simulated users (each always served the same version) click, convert, rate and give
 * feedback — version 2 really is better — and the report finds it.
 *
 *   node examples/experiment.ts
 *
 * Starts its own in-memory local backend unless PROMPTLAYER_BASE_URL points at one
 * (`npx promptlayer-otel dev`); then `npx promptlayer-otel experiments report prod` shows the same report.
 */
import { PromptLayer } from "promptlayer-otel";
import { startLocalBackend } from "promptlayer-otel/local";

const backend = process.env.PROMPTLAYER_BASE_URL ? undefined : await startLocalBackend({ dataDir: ":memory:" });
const baseURL = process.env.PROMPTLAYER_BASE_URL ?? backend!.url;
const apiKey = process.env.PROMPTLAYER_API_KEY ?? backend!.apiKey;
process.env.OPENAI_BASE_URL ??= `${baseURL}/v1`; // the mock model endpoints, unless you bring your own
process.env.OPENAI_API_KEY ??= "sk-local";
const pl = new PromptLayer({ apiKey, baseURL });

// Two versions of a checkout assistant; the label `prod` starts on v1.
const metadata = { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } };
const version = (text: string) => ({
  type: "chat" as const,
  input_variables: ["item"],
  messages: [{ role: "user" as const, input_variables: ["item"], template_format: "f-string" as const, content: [{ type: "text" as const, text }] }],
});
await pl.templates.publish({ promptName: "checkout-assistant", promptTemplate: version("Tell the customer about {item}."), metadata, releaseLabels: ["prod"] });
await pl.templates.publish({ promptName: "checkout-assistant", promptTemplate: version("Tell the customer about {item}; mention free returns."), metadata });

// The A/B release: half the users get v1, half v2 (the local backend's admin endpoint).
const release = await fetch(`${baseURL}/api/local/releases`, {
  method: "POST",
  headers: { "content-type": "application/json", "x-api-key": apiKey },
  body: JSON.stringify({ prompt_name: "checkout-assistant", label: "prod", split: [{ version: 1, percentage: 50 }, { version: 2, percentage: 50 }] }),
});
if (release.status !== 201) throw new Error(`could not create the release: ${release.status} ${await release.text()}`);

// A seeded random source, so the example gives the same figures every time.
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
// How users behave under each version: v2 converts and satisfies more.
const behaviour = { 1: { convert: 0.1, up: 0.55, rating: 3.4 }, 2: { convert: 0.22, up: 0.75, rating: 4.2 } } as const;

for (let u = 0; u < 400; u++) {
  const userId = `shopper-${u}`;
  for (let visit = 0; visit < 1 + (u % 2); visit++) {
    const run = await pl.run({ promptName: "checkout-assistant", promptReleaseLabel: "prod", externalUserId: userId, inputVariables: { item: "running shoes" } });
    const requestId = run.request_id;
    if (requestId === null || !run.experiment) continue;
    const b = behaviour[run.experiment.variant as 1 | 2];
    if (random() < 0.5) pl.track.click({ requestId, label: "product-link", externalUserId: userId });
    if (random() < b.convert) pl.track.conversion({ requestId, value: 89, externalUserId: userId });
    if (random() < 0.4) pl.track.feedback({ requestId, value: random() < b.up ? "up" : "down", externalUserId: userId });
    if (random() < 0.5) pl.track.rating({ requestId, value: Math.min(5, Math.max(1, Math.round(b.rating + (random() - 0.5) * 2))), externalUserId: userId });
    pl.track.engagement({ requestId, value: Math.round(5 + random() * 30), externalUserId: userId });
  }
}
const delivered = await pl.track.flush();
console.log(`events delivered: ${delivered.delivered}, refused: ${delivered.failed.length}, pending: ${delivered.pending}`);

interface Report {
  variants: Array<{ version: number; requests: number; users: number; events: Record<string, { share: number | null }>; rating: { mean: number | null } }>;
  verdict: { winner: number | null; metric: string | null; p_value: number | null; text: string };
}
const report = (await (await fetch(`${baseURL}/api/local/experiments/checkout-assistant/prod`, { headers: { "x-api-key": apiKey } })).json()) as Report;
for (const v of report.variants) {
  const conv = v.events.conversion?.share ?? 0;
  console.log(`v${v.version}: ${v.requests} requests, ${v.users} users, conversion ${(conv * 100).toFixed(1)}%, mean rating ${v.rating.mean?.toFixed(2)}`);
}
console.log(`Verdict: ${report.verdict.text}`);
await backend?.close();
