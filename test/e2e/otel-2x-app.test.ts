/**
 * An application that still runs the OpenTelemetry 2.x line (api 1.9, sdk-node 0.223) adds our
 * span processor and instrumentations to its own NodeSDK. The app is installed the way a user
 * would install it — npm, from the packed package, in a folder outside this repository — so npm's
 * own layout decides which `@opentelemetry/api` copy each module sees.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { startOtlpReceiver, type OtlpReceiver } from "../../local/otlp/receiver.js";
import type { ReceivedSpan } from "../../local/otlp/received-span.js";
import { fixture, ROOT, runNode } from "../helpers/child.js";

let app: string;
let mock: MockModelServer;

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), "otel-2x-app-"));
  const tarball = npm(["pack", "--pack-destination", app], ROOT).trim().split("\n").pop()!;
  for (const f of ["app.mjs", "app.cjs", "telemetry.mjs"]) cpSync(fixture(`otel-2x-app/${f}`), join(app, f));
  const manifest = JSON.parse(readFileSync(fixture("otel-2x-app/package.json"), "utf8")) as { dependencies: Record<string, string> };
  manifest.dependencies["promptlayer-otel"] = `file:./${tarball}`;
  writeFileSync(join(app, "package.json"), JSON.stringify(manifest, null, 2));
  npm(["install", "--no-package-lock", "--prefer-offline"], app);
  mock = await startMockModelServer();
}, 240_000);

afterAll(async () => {
  await mock?.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

const apiVersion = (dir: string) => (JSON.parse(readFileSync(join(dir, "@opentelemetry/api/package.json"), "utf8")) as { version: string }).version;

async function runApp(args: string[]): Promise<{ collector: ReceivedSpan[]; promptlayer: ReceivedSpan[] }> {
  const collector = await startOtlpReceiver();
  const promptlayer = await startOtlpReceiver();
  const ping = await startOtlpReceiver(); // any HTTP server: the app's HTTP instrumentation traces the GET
  try {
    const result = await runNode(
      args,
      {
        MOCK_URL: mock.url,
        PING_URL: ping.url,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url,
        PROMPTLAYER_OTLP_TRACES_ENDPOINT: promptlayer.url,
        PROMPTLAYER_API_KEY: "pl_legacy_app",
      },
      30_000,
      app,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Mock reply to: hello");
    // agent + HTTP ping + two OpenAI calls + one Anthropic call
    return { collector: await collector.waitForSpans(5), promptlayer: await promptlayer.waitForSpans(5) };
  } finally {
    await collector.close();
    await promptlayer.close();
    await ping.close();
  }
}

function expectOneTree(spans: ReceivedSpan[]): void {
  const agent = spans.find((s) => s.name === "invoke_agent answer")!;
  expect(agent).toBeDefined();
  const children = spans.filter((s) => s.parentSpanId === agent.spanId).map((s) => s.name).sort();
  expect(children).toEqual(["GET", "chat claude-sonnet-4-5", "chat gpt-4o-mini", "chat gpt-4o-mini"]);
  for (const span of spans) {
    expect(span.traceId).toBe(agent.traceId);
    expect(span.attributes["user.id"], span.name).toBe("user-29");
  }
  const streamed = spans.find((s) => s.name === "chat gpt-4o-mini" && s.attributes["gen_ai.request.stream"] === true)!;
  expect(streamed.attributes["gen_ai.usage.output_tokens"] ?? streamed.attributes["gen_ai.response.finish_reasons"]).toBeDefined();
  expect(spans.find((s) => s.name === "chat claude-sonnet-4-5")!.attributes["gen_ai.provider.name"]).toBe("anthropic");
  // The exporters' own requests are not traced (their suppression reaches the app's context manager).
  expect(spans.filter((s) => s.name.startsWith("POST"))).toEqual([]);
}

describe("inside an app on the OpenTelemetry 2.x line", () => {
  it("installs beside the app's api 1.9 with its own api 1.10 copy (no peer conflict)", () => {
    expect(apiVersion(join(app, "node_modules"))).toBe("1.9.1");
    expect(apiVersion(join(app, "node_modules/promptlayer-otel/node_modules"))).toMatch(/^1\.10\./);
    expect(existsSync(join(app, "node_modules/@opentelemetry/sdk-trace-base"))).toBe(true);
  });

  it("ESM: the instrumentations and the span processor join the app's NodeSDK (one trace, both destinations)", async () => {
    const { collector, promptlayer } = await runApp(["--import", "./telemetry.mjs", "app.mjs"]);
    expectOneTree(collector);
    expect(promptlayer.map((s) => s.spanId).sort()).toEqual(collector.map((s) => s.spanId).sort());
    expect(promptlayer[0]!.resource["service.name"]).toBe("legacy-app");
  }, 60_000);

  it("CommonJS: the same, with require hooks", async () => {
    const { collector, promptlayer } = await runApp(["app.cjs"]);
    expectOneTree(collector);
    expect(promptlayer.map((s) => s.spanId).sort()).toEqual(collector.map((s) => s.spanId).sort());
  }, 60_000);
});
