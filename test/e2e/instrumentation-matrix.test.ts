/**
 * The instrumentations through the real module hooks (the register preload) in child processes:
 * every supported SDK major, CommonJS and ESM. Each SDK version is copied under the package name
 * the hooks look for (`openai`, `@anthropic-ai/sdk`) into its own folder with the app.
 *
 * One child per version × module system runs every call surface that differs between versions
 * (test/fixtures/sdk-surfaces.cjs) and reports what the app got back; each surface must yield
 * exactly one conventions span. A surface a version lacks is skipped by feature detection, and
 * the expected skips are listed here, so a surface that silently goes missing fails.
 */
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import type { ReceivedSpan } from "../../local/otlp/received-span.js";
import { startOtlpReceiver, type OtlpReceiver } from "../../local/otlp/receiver.js";
import { fixture, ROOT, runNode } from "../helpers/child.js";

const MATRIX = join(ROOT, "test-artifacts", "matrix");

const OPENAI_SURFACES = [
  "chat.create",
  "chat.stream",
  "chat.parse",
  "chat.streamHelper",
  "chat.withResponse",
  "responses.create",
  "embeddings.create",
  "completions.create",
  "error.500",
  "stream.break",
  "stream.abort",
] as const;
const ANTHROPIC_SURFACES = [
  "messages.create",
  "messages.create.stream",
  "messages.stream",
  "beta.messages.create",
  "beta.messages.stream",
  "error.500",
  "stream.break",
  "stream.abort",
] as const;

/** The helpers 4.x keeps under `beta` and 5.x onward under `chat.completions`. */
const OPENAI_V4_PATHS = { "chat.parse": "beta.chat.completions.parse", "chat.streamHelper": "beta.chat.completions.stream" };
const OPENAI_PATHS = { "chat.parse": "chat.completions.parse", "chat.streamHelper": "chat.completions.stream" };

interface Version {
  sdk: "openai" | "anthropic";
  pkg: string;
  from: string;
  label: string;
  /** Surfaces this version does not have: the only ones allowed to be skipped. */
  skipped: string[];
  /** Which SDK path served a surface that moved between majors. */
  via: Record<string, string>;
}

const VERSIONS: Version[] = [
  { sdk: "openai", pkg: "openai", from: "openai-v4", label: "openai 4.x", skipped: [], via: OPENAI_V4_PATHS },
  { sdk: "openai", pkg: "openai", from: "openai-v5", label: "openai 5.x", skipped: [], via: OPENAI_PATHS },
  { sdk: "openai", pkg: "openai", from: "openai-v6", label: "openai 6.x", skipped: [], via: OPENAI_PATHS },
  { sdk: "openai", pkg: "openai", from: "openai", label: "openai 7.x", skipped: [], via: OPENAI_PATHS },
  { sdk: "anthropic", pkg: "@anthropic-ai/sdk", from: "anthropic-v0-30", label: "@anthropic-ai/sdk 0.30 (the supported floor)", skipped: ["beta.messages.stream"], via: {} },
  { sdk: "anthropic", pkg: "@anthropic-ai/sdk", from: "anthropic-v0-133", label: "@anthropic-ai/sdk 0.133 (before built-in tracing)", skipped: [], via: {} },
  { sdk: "anthropic", pkg: "@anthropic-ai/sdk", from: "anthropic-v0-137", label: "@anthropic-ai/sdk 0.137 (built-in tracing)", skipped: [], via: {} },
  { sdk: "anthropic", pkg: "@anthropic-ai/sdk", from: "@anthropic-ai/sdk", label: "@anthropic-ai/sdk 1.x", skipped: [], via: {} },
];

/** One surface as the app saw it (see sdk-surfaces.cjs). */
interface Entry {
  surface: string;
  tag: string;
  ran?: boolean;
  skipped?: string;
  via?: string;
  unexpected?: { class: string; message: string };
  responseId?: string;
  apiPromise?: { class: string; withResponse: boolean; asResponse: boolean };
  stream?: { class: string; tee?: boolean; toReadableStream?: boolean; controller?: boolean };
  error?: { class: string; status?: number; sdkClass: boolean; apiError: boolean } | null;
  returned?: Record<string, any>;
}

let mock: MockModelServer;
let receiver: OtlpReceiver;

const dirOf = (from: string) => join(MATRIX, from.replace(/[@/]/g, "_"));

function prepare(from: string, pkg: string): string {
  const dir = dirOf(from);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  cpSync(join(ROOT, "node_modules", from), join(dir, "node_modules", pkg), { recursive: true, dereference: true });
  for (const f of ["sdk-app.mjs", "sdk-app.cjs", "sdk-surfaces.cjs", "dual-build-app.mjs"]) cpSync(fixture(f), join(dir, f));
  return dir;
}

beforeAll(async () => {
  mock = await startMockModelServer();
  receiver = await startOtlpReceiver();
  for (const v of VERSIONS) prepare(v.from, v.pkg);
}, 60_000); // copying eight SDKs is slow on a busy disk
afterAll(async () => {
  await mock.close();
  await receiver.close();
});

async function run(dir: string, args: string[], sdk: string) {
  const before = receiver.spans.length;
  const result = await runNode(args, { PROMPTLAYER_OTLP_TRACES_ENDPOINT: receiver.url, MOCK_URL: mock.url, FIXTURE_SDK: sdk }, 30_000, dir);
  expect(result.stderr, result.stderr).toBe("");
  expect(result.stdout).toContain("ok true");
  return { spans: receiver.spans.slice(before), stdout: result.stdout };
}

function reportOf(stdout: string): Entry[] {
  const line = stdout.split("\n").find((l) => l.startsWith("REPORT "));
  if (!line) throw new Error(`the app printed no report:\n${stdout}`);
  return JSON.parse(line.slice("REPORT ".length)) as Entry[];
}

const attr = (s: ReceivedSpan, name: string) => s.attributes[name];
const inputOf = (s: ReceivedSpan) => String(attr(s, "gen_ai.input.messages") ?? "");

/** The spans a surface produced: its tag is in the recorded prompt (init() captures content); embeddings record no prompt. */
function spansFor(entry: Entry, spans: ReceivedSpan[]): ReceivedSpan[] {
  if (entry.surface === "embeddings.create") return spans.filter((s) => attr(s, "gen_ai.operation.name") === "embeddings");
  return spans.filter((s) => inputOf(s).includes(entry.tag));
}

/** A span that ended normally, with the response id the app got. */
function expectOk(span: ReceivedSpan, entry: Entry) {
  expect(span.status.code, entry.surface).toBe(0);
  expect(attr(span, "error.type"), entry.surface).toBeUndefined();
  if (entry.responseId !== undefined) expect(attr(span, "gen_ai.response.id"), entry.surface).toBe(entry.responseId);
}

/** The consumer left a stream early (break, abort): ended, unfinished, not an error. */
function expectAbandoned(span: ReceivedSpan, entry: Entry) {
  expectOk(span, entry);
  expect(attr(span, "gen_ai.request.stream"), entry.surface).toBe(true);
  expect(attr(span, "gen_ai.response.finish_reasons"), entry.surface).toEqual(["error"]);
}

function expectApiError(span: ReceivedSpan, entry: Entry) {
  // The app got the SDK's own error class, with the HTTP status, and the span recorded it.
  expect(entry.error, entry.surface).toMatchObject({ class: "InternalServerError", status: 500, sdkClass: true, apiError: true });
  expect(span.status.code, entry.surface).toBe(2);
  expect(attr(span, "error.type"), entry.surface).toBe("InternalServerError");
  expect(span.events.map((e) => e.name), entry.surface).toContain("exception");
  expect(attr(span, "gen_ai.response.id"), entry.surface).toBeUndefined();
}

function checkOpenAI(entry: Entry, span: ReceivedSpan, v: Version) {
  const r = entry.returned ?? {};
  const name = { "responses.create": "chat gpt-4.1", "embeddings.create": "embeddings text-embedding-3-small", "completions.create": "text_completion gpt-3.5-turbo-instruct" }[entry.surface] ?? "chat gpt-4o-mini";
  expect(span.name, entry.surface).toBe(name);
  if (entry.surface in v.via) expect(entry.via, entry.surface).toBe(v.via[entry.surface]);
  switch (entry.surface) {
    case "chat.create":
      expect(entry.apiPromise).toEqual({ class: "APIPromise", withResponse: true, asResponse: true });
      expect(r.object).toBe("chat.completion");
      expect(r.text).toBeTruthy();
      expectOk(span, entry);
      expect(attr(span, "gen_ai.usage.output_tokens")).toBe(r.outputTokens);
      expect(attr(span, "gen_ai.request.stream")).toBeUndefined();
      break;
    case "chat.stream":
      expect(entry.stream).toEqual({ class: "Stream", tee: true, toReadableStream: true, controller: true });
      expect(r.text).toBeTruthy();
      expectOk(span, entry);
      expect(attr(span, "gen_ai.request.stream")).toBe(true);
      expect(attr(span, "gen_ai.response.finish_reasons")).toEqual(["stop"]);
      expect(attr(span, "gen_ai.usage.output_tokens")).toBe(r.outputTokens);
      expect(typeof attr(span, "gen_ai.response.time_to_first_chunk")).toBe("number");
      break;
    case "chat.parse":
      expect(r.parsed).toMatchObject({ name: expect.any(String), age: expect.any(Number) });
      expectOk(span, entry);
      expect(attr(span, "gen_ai.output.type")).toBe("json");
      break;
    case "chat.streamHelper":
      expect(r.text).toBeTruthy();
      expect(r.deltas).toBe(r.text);
      expectOk(span, entry);
      expect(attr(span, "gen_ai.request.stream")).toBe(true);
      break;
    case "chat.withResponse":
      expect(r).toEqual({ object: "chat.completion", httpStatus: 200 });
      expectOk(span, entry);
      break;
    case "responses.create":
      expect(r).toMatchObject({ object: "response", status: "completed" });
      expect(r.outputText).toBeTruthy();
      expectOk(span, entry);
      expect(attr(span, "openai.api.type")).toBe("responses");
      expect(attr(span, "gen_ai.response.finish_reasons")).toEqual(["stop"]);
      break;
    case "embeddings.create":
      expect(r.numeric).toBe(true);
      expect(r.dimensions).toBeGreaterThan(0);
      expectOk(span, entry);
      expect(attr(span, "gen_ai.usage.input_tokens")).toBe(r.inputTokens);
      expect(attr(span, "gen_ai.embeddings.dimension.count")).toBe(r.dimensions);
      break;
    case "completions.create":
      expect(r.object).toBe("text_completion");
      expect(r.text).toBeTruthy();
      expectOk(span, entry);
      expect(attr(span, "gen_ai.request.max_tokens")).toBe(30);
      break;
    case "error.500":
      expectApiError(span, entry);
      break;
    case "stream.break":
      expect(r.chunks).toBe(3);
      expectAbandoned(span, entry);
      expect(attr(span, "gen_ai.usage.output_tokens")).toBeUndefined(); // no usage chunk was reached
      break;
    case "stream.abort":
      expect(r.abortError, JSON.stringify(r.error)).toBe(true);
      expect(r.chunks).toBeLessThan(30); // the end of the 30-chunk stream is never reached
      expectAbandoned(span, entry);
      expect(attr(span, "gen_ai.usage.output_tokens")).toBeUndefined();
      break;
    default:
      throw new Error(`no checks for ${entry.surface}`);
  }
}

function checkAnthropic(entry: Entry, span: ReceivedSpan) {
  const r = entry.returned ?? {};
  expect(span.name, entry.surface).toBe("chat claude-sonnet-5-5");
  switch (entry.surface) {
    case "messages.create":
      expect(entry.apiPromise).toEqual({ class: "APIPromise", withResponse: true, asResponse: true });
      expect(r.type).toBe("message");
      expect(r.text).toBeTruthy();
      expectOk(span, entry);
      expect(attr(span, "gen_ai.response.finish_reasons")).toEqual([r.stopReason]);
      expect(attr(span, "gen_ai.usage.output_tokens")).toBe(r.outputTokens);
      break;
    case "messages.create.stream":
      expect(entry.stream).toEqual({ class: "Stream", tee: true, toReadableStream: true, controller: true });
      expect(r).toMatchObject({ first: "message_start", last: "message_stop" });
      expect(r.text).toBeTruthy();
      expectOk(span, entry);
      expect(attr(span, "gen_ai.request.stream")).toBe(true);
      expect(attr(span, "gen_ai.response.finish_reasons")).toEqual(["end_turn"]);
      expect(attr(span, "gen_ai.usage.output_tokens")).toBeGreaterThan(0);
      break;
    case "messages.stream":
      expect(entry.stream).toEqual({ class: "MessageStream" });
      expect(r.type).toBe("message");
      expect(r.text).toBeTruthy();
      expect(r.onText).toBe(r.text);
      expectOk(span, entry);
      expect(attr(span, "gen_ai.request.stream")).toBe(true);
      break;
    case "beta.messages.create":
    case "beta.messages.stream":
      expect(r.type).toBe("message");
      expect(r.text).toBeTruthy();
      expectOk(span, entry);
      expect(attr(span, "gen_ai.response.finish_reasons")).toEqual(["end_turn"]);
      break;
    case "error.500":
      expectApiError(span, entry);
      break;
    case "stream.break":
      expect(r.events).toBe(4);
      expectAbandoned(span, entry);
      // Input usage arrives with message_start, so an abandoned stream still has it.
      expect(attr(span, "gen_ai.usage.input_tokens")).toBeGreaterThan(0);
      break;
    case "stream.abort":
      expect(r.abortError, JSON.stringify(r.error)).toBe(true);
      expect(r.sawStop).toBe(false);
      expectAbandoned(span, entry);
      expect(attr(span, "gen_ai.usage.input_tokens")).toBeGreaterThan(0);
      break;
    default:
      throw new Error(`no checks for ${entry.surface}`);
  }
}

describe.each(VERSIONS)("$label", (v) => {
  const surfaces: readonly string[] = v.sdk === "openai" ? OPENAI_SURFACES : ANTHROPIC_SURFACES;

  it.each([
    ["ESM (--import)", "--import", "sdk-app.mjs"],
    ["CommonJS (--require)", "--require", "sdk-app.cjs"],
  ])("%s: every surface the version has gives exactly one conventions span", async (_label, flag, app) => {
    const { spans, stdout } = await run(dirOf(v.from), [flag, "promptlayer-otel/register", app], v.sdk);
    const report = reportOf(stdout);

    // Every surface was attempted; only the ones this version lacks were skipped.
    expect(report.map((e) => e.surface)).toEqual(surfaces);
    expect(report.filter((e) => e.skipped !== undefined).map((e) => e.surface)).toEqual(v.skipped);
    for (const e of report) expect(e.unexpected, `${e.surface}: ${JSON.stringify(e.unexpected)}`).toBeUndefined();
    const ran = report.filter((e) => e.ran);

    // One model call per surface, one span per model call: nothing doubled (the SDK's own
    // tracing, a helper and the create it wraps), nothing missing, nothing left open.
    expect(spans).toHaveLength(ran.length);
    for (const s of spans) {
      expect(s.scope.name).toBe(`promptlayer-otel/${v.sdk}`);
      expect(s.kind).toBe(3); // CLIENT
      expect(attr(s, "gen_ai.provider.name")).toBe(v.sdk);
      expect(attr(s, "server.address")).toBe("127.0.0.1");
    }
    for (const entry of ran) {
      const mine = spansFor(entry, spans);
      expect(mine.map((s) => s.name), entry.surface).toHaveLength(1);
      if (v.sdk === "openai") checkOpenAI(entry, mine[0]!, v);
      else checkAnthropic(entry, mine[0]!);
    }
  });
});

describe("an SDK loaded through both its CommonJS and ESM builds", () => {
  it.each([
    ["openai", "openai", "chat gpt-4o-mini"],
    ["anthropic", "@anthropic-ai/sdk", "chat claude-haiku-4-5"],
  ])("%s: traces each call exactly once", async (sdk, from, spanName) => {
    const { spans, stdout } = await run(dirOf(from), ["--import", "promptlayer-otel/register", "dual-build-app.mjs"], sdk);
    expect(stdout).toContain("distinct builds true"); // really two module instances, both patched
    expect(spans.map((s) => s.name)).toEqual([spanName, spanName]);
  });
});
