/**
 * Workflow prompt nodes on real providers: with an account (a key, and optionally a base URL) for
 * OpenAI, Anthropic or Gemini, the backend sends that provider's calls to it, with that key and
 * nowhere else; without one, calls stay on the backend's own mock. A second mock model server
 * plays the "real" provider here, so the test can see what reached it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { providersFromEnv } from "../../local/workflows/providers.js";
import { chatTemplate, eachTable, publish, startBackend, waitForExecution, type Client } from "./backend-helpers.js";

const OPENAI_KEY = "sk-SENTINEL-workflow-openai-5c1d";
const ANTHROPIC_KEY = "sk-ant-SENTINEL-workflow-anthropic-77a0";
const GEMINI_KEY = "AIza-SENTINEL-workflow-gemini-03fe";
const KEYS = [OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY];

let provider: MockModelServer;
const backends: Client[] = [];

/** Every fetch the process makes (the backend runs in-process): where it went and the headers it carried. */
const outgoing: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
const realFetch = globalThis.fetch;

beforeAll(async () => {
  provider = await startMockModelServer();
  globalThis.fetch = async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    outgoing.push({ url, headers: Object.fromEntries(new Headers(init?.headers).entries()), body: typeof init?.body === "string" ? init.body : "" });
    return realFetch(input, init);
  };
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await Promise.all(backends.map((b) => b.backend.close()));
  await provider.close();
});
afterEach(() => {
  provider.requests.length = 0;
  outgoing.length = 0;
});

const TEMPLATES = [
  ["ask-openai", { provider: "openai", name: "gpt-4o-mini", parameters: {} }],
  ["ask-anthropic", { provider: "anthropic", name: "claude-haiku-4-5", parameters: { max_tokens: 64 } }],
  ["ask-gemini", { provider: "google", name: "gemini-2.5-flash", parameters: {} }],
  // Another service with other credentials: never sent to the OpenAI account.
  ["ask-azure", { provider: "openai.azure", name: "gpt-4o-mini", parameters: {} }],
] as const;

async function backendWith(options: Parameters<typeof startBackend>[0]): Promise<Client> {
  const client = await startBackend(options);
  backends.push(client);
  for (const [name, model] of TEMPLATES) await publish(client, name, chatTemplate([{ role: "user", text: `Say hi to {who} (${name})` }]), { metadata: { model } });
  const nodes = [
    { name: "who", node_type: "VARIABLE", configuration: { value: { type: "input", name: "who" } } },
    ...TEMPLATES.map(([name]) => ({ name, node_type: "PROMPT_TEMPLATE", dependencies: ["who"], configuration: { template: { prompt_name: name } } })),
    { name: "all", node_type: "TEMPLATE_STRING", is_output_node: true, dependencies: TEMPLATES.map(([n]) => n), configuration: { template: TEMPLATES.map(([n]) => `{${n}}`).join("|") } },
  ];
  const created = await client.call("POST", "/api/local/workflows", { name: "fan-out", nodes });
  expect(created.status).toBe(201);
  return client;
}

async function runToEnd(client: Client, workflow: string, inputs: Record<string, unknown>) {
  const run = await client.call("POST", `/workflows/${workflow}/run`, { input_variables: inputs });
  expect(run.status).toBe(201);
  const id = run.body.workflow_version_execution_id as number;
  const res = await waitForExecution(client, id, true);
  return { id, nodes: res.body as Record<string, { status: string; value: unknown; error_message: string | null; raw_error_message: string | null }> };
}

function everyStoredRow(client: Client): string {
  return JSON.stringify(eachTable(client, (db, name) => db.prepare(`SELECT * FROM "${name}"`).all()));
}

const endpointsOf = (client: Client, id: number) =>
  Object.fromEntries(
    client.backend.store.requests
      .list({ limit: 50 })
      .filter((r) => r.source === "workflow" && r.metadata.workflow_version_execution_id === String(id))
      .map((r) => [r.metadata.workflow_node, r.metadata.model_endpoint]),
  );

describe("workflow prompt nodes and model providers", () => {
  it("send each provider's calls to its account, with its key, and only there", async () => {
    const client = await backendWith({
      providers: {
        openai: { apiKey: OPENAI_KEY, baseURL: `${provider.url}/v1/` },
        anthropic: { apiKey: ANTHROPIC_KEY, baseURL: provider.url },
        google: { apiKey: GEMINI_KEY, baseURL: provider.url },
      },
    });
    expect(client.backend.modelEndpoints).toEqual({ openai: `${provider.url}/v1`, anthropic: provider.url, google: provider.url });
    const { id, nodes } = await runToEnd(client, "fan-out", { who: "Ada" });
    for (const [name] of TEMPLATES) expect(nodes[name]!.status, name).toBe("SUCCESS");

    // What the "real" provider received: one call per account, each with its own key, in its own header.
    const seen = provider.requests.map((r) => ({ path: r.path, authorization: r.headers.authorization, "x-api-key": r.headers["x-api-key"], "x-goog-api-key": r.headers["x-goog-api-key"] }));
    expect(seen).toHaveLength(3);
    expect(seen).toEqual(
      expect.arrayContaining([
        { path: "/v1/chat/completions", authorization: `Bearer ${OPENAI_KEY}`, "x-api-key": undefined, "x-goog-api-key": undefined },
        { path: "/v1/messages", authorization: undefined, "x-api-key": ANTHROPIC_KEY, "x-goog-api-key": undefined },
        { path: "/v1beta/models/gemini-2.5-flash:generateContent", authorization: undefined, "x-api-key": undefined, "x-goog-api-key": GEMINI_KEY },
      ]),
    );
    expect(JSON.stringify(provider.requests.map((r) => r.body))).toContain("Say hi to Ada (ask-openai)");

    // Every request the process sent: each key went to its provider's endpoint and nowhere else;
    // the Azure template went to the backend's own mock with the mock's key.
    const carrying = (key: string) => outgoing.filter((o) => JSON.stringify(o).includes(key)).map((o) => o.url);
    expect(carrying(OPENAI_KEY)).toEqual([`${provider.url}/v1/chat/completions`]);
    expect(carrying(ANTHROPIC_KEY)).toEqual([`${provider.url}/v1/messages`]);
    expect(carrying(GEMINI_KEY)).toEqual([`${provider.url}/v1beta/models/gemini-2.5-flash:generateContent`]);
    const toBackendMock = outgoing.filter((o) => o.url.startsWith(`${client.url}/v1/`) || o.url.startsWith(`${client.url}/v1beta/`));
    expect(toBackendMock.map((o) => [o.url, o.headers.authorization])).toEqual([[`${client.url}/v1/chat/completions`, "Bearer promptlayer-local"]]);

    // The logged calls say where they ran; no key is stored anywhere.
    expect(endpointsOf(client, id)).toEqual({ "ask-openai": "openai", "ask-anthropic": "anthropic", "ask-gemini": "google", "ask-azure": "mock" });
    const stored = everyStoredRow(client);
    for (const key of KEYS) expect(stored).not.toContain(key);
  });

  it("keep every call on the backend's mock without accounts", async () => {
    const client = await backendWith({ providers: {} });
    expect(client.backend.modelEndpoints).toEqual({ openai: "mock", anthropic: "mock", google: "mock" });
    const { id, nodes } = await runToEnd(client, "fan-out", { who: "Bob" });
    expect(nodes.all!.status).toBe("SUCCESS");
    expect(provider.requests).toEqual([]);
    expect(outgoing.filter((o) => !o.url.startsWith(client.url))).toEqual([]);
    expect(endpointsOf(client, id)).toEqual({ "ask-openai": "mock", "ask-anthropic": "mock", "ask-gemini": "mock", "ask-azure": "mock" });
  });

  it("take the accounts from the environment by default", async () => {
    const env = { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${provider.url}/v1`, ANTHROPIC_API_KEY: undefined, GOOGLE_API_KEY: undefined, GEMINI_API_KEY: undefined };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    let client: Client;
    try {
      // startBackend pins `providers: {}`; `undefined` restores the default.
      client = await backendWith({ providers: undefined });
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(client.backend.modelEndpoints).toEqual({ openai: `${provider.url}/v1`, anthropic: "mock", google: "mock" });
    const { id } = await runToEnd(client, "fan-out", { who: "Cy" });
    expect(provider.requests.map((r) => [r.path, r.headers.authorization])).toEqual([["/v1/chat/completions", `Bearer ${OPENAI_KEY}`]]);
    expect(endpointsOf(client, id)).toEqual({ "ask-openai": "openai", "ask-anthropic": "mock", "ask-gemini": "mock", "ask-azure": "mock" });
  });

  it("keep the key out of a failed call's stored error, even when the provider quotes it", async () => {
    const client = await backendWith({ providers: { openai: { apiKey: OPENAI_KEY, baseURL: `${provider.url}/v1` } } });
    // The mock's 401 quotes the presented key, as OpenAI's does.
    await client.call("POST", "/api/local/workflows", {
      name: "refused",
      nodes: [{ name: "ask", node_type: "PROMPT_TEMPLATE", is_output_node: true, configuration: { template: { prompt_name: "ask-openai" }, input_variables: {}, mock_headers: { "x-mock-status": "401" } } }],
    });
    const { nodes } = await runToEnd(client, "refused", {});
    expect(provider.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${OPENAI_KEY}`]);
    expect(nodes.ask!.status).toBe("FAILED");
    expect(nodes.ask!.error_message).toBe("Model call failed with HTTP 401: Incorrect API key provided: [REDACTED]. You can find your API key at https://platform.openai.com/account/api-keys.");
    expect(nodes.ask!.raw_error_message).toContain("[REDACTED]");
    expect(everyStoredRow(client)).not.toContain(OPENAI_KEY);
  });

  it("read the environment the way run() does; a malformed variable there is reported and keeps that provider on the mock", async () => {
    expect(providersFromEnv({})).toEqual({});
    expect(providersFromEnv({ OPENAI_BASE_URL: "http://x/v1" })).toEqual({});
    expect(providersFromEnv({ OPENAI_API_KEY: " k1 ", ANTHROPIC_API_KEY: "k2", ANTHROPIC_BASE_URL: "http://a" })).toEqual({
      openai: { apiKey: "k1", baseURL: undefined },
      anthropic: { apiKey: "k2", baseURL: "http://a" },
    });
    // GOOGLE_API_KEY wins over GEMINI_API_KEY, as in run(); GEMINI_BASE_URL, else GOOGLE_GEMINI_BASE_URL, else the public one.
    expect(providersFromEnv({ GEMINI_API_KEY: "g1", GOOGLE_API_KEY: "g0" }).google).toEqual({ apiKey: "g0", baseURL: "https://generativelanguage.googleapis.com" });
    expect(providersFromEnv({ GEMINI_API_KEY: "g1", GOOGLE_GEMINI_BASE_URL: "http://g/" }).google).toEqual({ apiKey: "g1", baseURL: "http://g" });
    const warnings: string[] = [];
    const warn = (m: string) => void warnings.push(m);
    expect(providersFromEnv({ OPENAI_API_KEY: "k", OPENAI_BASE_URL: "localhost:8787/v1", ANTHROPIC_API_KEY: "k2" }, warn)).toEqual({ anthropic: { apiKey: "k2", baseURL: undefined } });
    expect(warnings.pop()).toContain("OPENAI_BASE_URL is not an http(s) URL");
    expect(providersFromEnv({ OPENAI_API_KEY: "k", GEMINI_BASE_URL: "::" }, warn)).toEqual({});
    expect(warnings.pop()).toContain("GEMINI_BASE_URL");
    // Options given in code are the backend's own configuration: those are refused at start-up.
    await expect(startBackend({ providers: { anthropic: { apiKey: "k", baseURL: "ftp://x" } } })).rejects.toThrow('providers.anthropic.baseURL must be an http(s) URL: "ftp://x"');
    await expect(startBackend({ providers: { openai: { apiKey: " " } } })).rejects.toThrow("providers.openai.apiKey must be a non-empty string");
  });
});
