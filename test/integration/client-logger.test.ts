/**
 * `new PromptLayer({ logger })`: each client's own messages go to its logger — throwOnError:false
 * warnings, refused events, a run whose logging failed, a stale template served, retries and API
 * calls — and not to the package logger, which stays the default for clients without one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { providerEnvironment } from "../../src/config.js";
import { PromptLayer, type PromptLayerOptions } from "../../src/client/index.js";
import { createConsoleLogger, setLogger, type Logger } from "../../src/logger.js";
import { chatTemplate, startClientTestServer, TEST_PL_KEY, type ClientTestServer } from "../helpers/client-server.js";

type Line = [level: keyof Logger, message: string];

function recording(): Logger & { lines: Line[]; at(level: keyof Logger): string[] } {
  const lines: Line[] = [];
  const record = (level: keyof Logger) => (message: string) => void lines.push([level, message]);
  return {
    lines,
    at: (level) => lines.filter(([l]) => l === level).map(([, m]) => m),
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
}

let server: ClientTestServer;
let mock: MockModelServer;
const global = recording();

const noWait = { sleep: async () => {} };
function client(options: PromptLayerOptions = {}): PromptLayer {
  return new PromptLayer(
    { apiKey: TEST_PL_KEY, baseURL: server.url, ...options },
    { ...noWait, providerEnv: () => providerEnvironment({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${mock.url}/v1` }) },
  );
}

beforeAll(async () => {
  server = await startClientTestServer();
  mock = await startMockModelServer();
  server.addTemplate(chatTemplate(1, "hello", { provider: "openai", name: "gpt-4o-mini" }, [{ role: "user", text: "Hi {name}" }]));
  setLogger(global);
});
afterEach(() => {
  server.reset();
  global.lines.length = 0;
});
afterAll(async () => {
  setLogger(createConsoleLogger());
  await Promise.all([server.close(), mock.close()]);
});

describe("the logger option", () => {
  it("sends each client's throwOnError:false warnings to its own logger, and a client without one to the package logger", async () => {
    const a = recording();
    const b = recording();
    const plA = client({ throwOnError: false, logger: a });
    const plB = client({ throwOnError: false, logger: b });
    const plDefault = client({ throwOnError: false });

    await expect(plA.templates.get("missing-a")).resolves.toBeNull();
    await expect(plB.track.score({ requestId: 1, score: 500 })).resolves.toBe(false);
    expect(plB.track.rating({ requestId: 1, value: 9 })).toBe(false);
    await expect(plDefault.templates.get("missing-default")).resolves.toBeNull();

    expect(a.at("warn")).toEqual([expect.stringMatching(/^templates\.get\("missing-a"\) failed: .*not found/)]);
    expect(b.at("warn")).toEqual([expect.stringMatching(/^track\.score failed: Invalid score/), expect.stringMatching(/^track\.rating failed: Invalid value/)]);
    expect(global.at("warn")).toEqual([expect.stringMatching(/^templates\.get\("missing-default"\) failed/)]);
  });

  it("reports events the service refused through the client's logger", async () => {
    const log = recording();
    const pl = client({ logger: log });
    server.fault({ pathPrefix: "/library-track-metadata", status: 400, times: 1, body: { success: false, message: "Request not found" } });
    pl.track.click({ requestId: 404 });
    const result = await pl.track.flush();
    expect(result.failed).toHaveLength(1);
    expect(log.at("warn")).toEqual([expect.stringMatching(/could not record 1 event\(s\) for request 404: .*Request not found/)]);
    expect(global.lines).toEqual([]);
  });

  it("warns through the client's logger when run() succeeded but logging it failed", async () => {
    const log = recording();
    const pl = client({ logger: log });
    server.fault({ pathPrefix: "/track-request", status: 422, times: 1 });
    const result = await pl.run({ promptName: "hello", inputVariables: { name: "Ada" } });
    expect(result.request_id).toBeNull();
    expect(log.at("warn")).toEqual([expect.stringMatching(/^run\("hello"\): the model call succeeded but logging it to PromptLayer failed/)]);
    expect(global.lines).toEqual([]);
  });

  it("logs a stale cached template served, retries (info) and each API call (debug) through the client's logger", async () => {
    const log = recording();
    const pl = client({ logger: log, cacheTtlSeconds: 0.001 });
    await pl.templates.get("hello", { inputVariables: { name: "A" } });
    await new Promise((r) => setTimeout(r, 5));
    server.fault({ pathPrefix: "/prompt-templates/", status: 503, times: 4 });
    const stale = await pl.templates.get("hello", { inputVariables: { name: "B" } });
    expect(stale!.version).toBe(1);
    expect(log.at("warn")).toEqual([expect.stringMatching(/^templates\.get\("hello"\): .*503.*; serving the cached copy fetched earlier$/)]);
    expect(log.at("info")).toHaveLength(3); // attempts 1–3 failed, each followed by a retry
    expect(log.at("debug").filter((m) => m.startsWith("PromptLayer API POST /prompt-templates/hello"))).toHaveLength(2);
    expect(global.lines).toEqual([]);
  });

  it("ignores a logger that throws: a throwOnError:false call still returns its neutral value", async () => {
    const throwing: Logger = {
      debug: () => {},
      info: () => {},
      warn: () => {
        throw new Error("logger down");
      },
      error: () => {},
    };
    const pl = client({ throwOnError: false, logger: throwing });
    await expect(pl.templates.get("missing")).resolves.toBeNull();
    await expect(pl.templates.publish({ promptName: "x", promptTemplate: { type: "chat", messages: [] }, commitMessage: "x".repeat(80) })).resolves.toBeNull();
  });
});
