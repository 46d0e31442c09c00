import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY, startBackend, type Client } from "./backend-helpers.js";

let client: Client;
beforeAll(async () => {
  client = await startBackend({ maxBodyBytes: 64 * 1024 });
});
afterAll(() => client.backend.close());

// The 401 bodies (wrong key, no key; header and legacy body key) of every route, and each route's
// 400/413/415/422 bodies, are pinned in backend-contract.test.ts; this file keeps the HTTP-level
// behaviour around them.
describe("authentication", () => {
  it("reads the header name in any case", async () => {
    for (const name of ["x-api-key", "X-Api-Key", "X-API-KEY"]) {
      const res = await client.call("GET", "/prompt-templates", undefined, { key: null, headers: { [name]: KEY } });
      expect(res.status, name).toBe(200);
    }
  });

  it("takes the legacy body api_key on the tracking routes, and only there", async () => {
    const group = await client.call("POST", "/create-group", { api_key: KEY }, { key: null });
    expect(group.status).toBe(200);
    expect(group.body).toEqual({ success: true, id: expect.any(Number) });
    const wrong = await client.call("POST", "/create-group", { api_key: "nope" }, { key: null });
    expect(wrong.status).toBe(401);
    const missing = await client.call("POST", "/create-group", {}, { key: null });
    expect(missing.body.error).toBe("No API key was sent (X-API-KEY header or the body's api_key)");
    const headerRoute = await client.call("GET", "/prompt-templates", undefined, { key: null, headers: { "content-type": "application/json" } });
    expect(headerRoute.status).toBe(401);
    const bodyOnHeaderRoute = await client.call("POST", "/log-request", { api_key: KEY }, { key: null });
    expect(bodyOnHeaderRoute.status).toBe(401);
  });

  it("needs no key for the health check or the mock model endpoints' PromptLayer auth", async () => {
    expect((await client.call("GET", "/api/local/health", undefined, { key: null })).body).toEqual({ ok: true });
    const chat = await fetch(`${client.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer any-provider-key", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as { object: string }).object).toBe("chat.completion");
  });
});

describe("malformed requests", () => {
  it("answers 400 for malformed JSON", async () => {
    const res = await client.call("POST", "/log-request", undefined, { raw: "{not json", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.message).toMatch(/^Malformed JSON body/);
  });

  it("answers 422 when the body is JSON but not an object", async () => {
    const res = await client.call("POST", "/log-request", [1, 2]);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [{ loc: ["body"], msg: "Input should be a valid dictionary", type: "dict_type" }] });
  });

  it("answers 413 for a body over the limit, declared or streamed", async () => {
    const big = JSON.stringify({ provider: "openai", pad: "x".repeat(70 * 1024) });
    const res = await client.call("POST", "/log-request", undefined, { raw: big, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ success: false, message: `body exceeds ${64 * 1024} bytes`, error: `body exceeds ${64 * 1024} bytes` });

    // Chunked (no content-length): refused once the limit is passed.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${client.url}/log-request`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 10; i++) req.write("x".repeat(10 * 1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it("answers 404 for an unknown path and 405 for a known path with the wrong method", async () => {
    const unknown = await client.call("GET", "/no/such/route");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ success: false, message: "No route for GET /no/such/route", error: "No route for GET /no/such/route" });
    const wrongMethod = await client.call("DELETE", "/log-request");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    const otlpGet = await client.call("GET", "/v1/traces");
    expect(otlpGet.status).toBe(405);
  });
});
