/**
 * Gemini on Vertex AI from run(): Application Default Credentials (service account or authorized
 * user) exchanged for a token at their own token endpoint, then the Vertex AI path with a bearer
 * token — against a fake token endpoint and the mock model endpoints.
 */
import { generateKeyPairSync, createVerify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { PromptLayerConfigError } from "../../src/errors.js";
import { PromptLayer } from "../../src/client/index.js";
import { callGemini } from "../../src/client/run/gemini.js";

const dir = mkdtempSync(join(tmpdir(), "pl-vertex-"));
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
let tokenServer: Server;
let tokenUri = "";
const tokenRequests: URLSearchParams[] = [];
let backend: LocalBackend;

beforeAll(async () => {
  tokenServer = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const form = new URLSearchParams(raw);
      tokenRequests.push(form);
      let ok = false;
      if (form.get("grant_type") === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
        const [h, c, sig] = (form.get("assertion") ?? "").split(".");
        ok = createVerify("RSA-SHA256").update(`${h}.${c}`).verify(publicKey, Buffer.from(sig ?? "", "base64url"));
      } else if (form.get("grant_type") === "refresh_token") ok = form.get("refresh_token") === "1//refresh";
      res.writeHead(ok ? 200 : 400, { "content-type": "application/json" }).end(JSON.stringify(ok ? { access_token: "ya29.vertex-test", expires_in: 3600 } : { error: "invalid_grant" }));
    });
  });
  await new Promise<void>((r) => tokenServer.listen(0, "127.0.0.1", r));
  tokenUri = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
  backend = await startLocalBackend({ dataDir: ":memory:", apiKey: "pl_vertex", log: () => {} });
});
afterAll(async () => {
  await backend.close();
  tokenServer.close();
  rmSync(dir, { recursive: true, force: true });
});

function credentials(name: string, body: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ token_uri: tokenUri, ...body }));
  return path;
}

const serviceAccount = () => credentials("sa.json", { type: "service_account", client_email: "bot@proj.iam.gserviceaccount.com", private_key: privateKey.export({ type: "pkcs8", format: "pem" }) });
const vertexEnv = (creds: string) => ({ apiKey: undefined, baseURL: "unused", vertex: { project: "my-proj", location: "europe-west4", credentials: creds, baseURL: backend.url } });
const kwargs = { model: "gemini-2.5-flash", contents: [{ role: "user", parts: [{ text: "Hello Vertex" }] }] };

describe("Gemini on Vertex AI", () => {
  it("signs a JWT with the service account, gets a token, and calls the Vertex AI path with it", async () => {
    const res = (await callGemini(kwargs, false, vertexEnv(serviceAccount()))) as { candidates: Array<{ content: { parts: Array<{ text: string }> } }> };
    expect(res.candidates[0]!.content.parts[0]!.text).toContain("Hello Vertex");
    const jwt = tokenRequests.at(-1)!.get("assertion")!;
    const claims = JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({ iss: "bot@proj.iam.gserviceaccount.com", aud: tokenUri, scope: "https://www.googleapis.com/auth/cloud-platform" });
  });

  it("streams over the Vertex AI SSE path and reuses the cached token", async () => {
    const before = tokenRequests.length;
    const stream = (await callGemini(kwargs, true, vertexEnv(join(dir, "sa.json")))) as AsyncIterable<unknown>;
    let chunks = 0;
    for await (const _ of stream) chunks++;
    expect(chunks).toBeGreaterThan(0);
    expect(tokenRequests.length).toBe(before);
  });

  it("uses an authorized user's refresh token", async () => {
    const creds = credentials("user.json", { type: "authorized_user", client_id: "cid", client_secret: "secret", refresh_token: "1//refresh" });
    await callGemini(kwargs, false, vertexEnv(creds));
    expect(tokenRequests.at(-1)!.get("grant_type")).toBe("refresh_token");
  });

  it("refuses bad credentials with a typed error that names the variable and leaks no key", async () => {
    const bad = credentials("bad.json", { type: "authorized_user", client_id: "cid", client_secret: "s3cr3t-value", refresh_token: "wrong" });
    const err = await callGemini(kwargs, false, vertexEnv(bad)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PromptLayerConfigError);
    expect((err as PromptLayerConfigError).setting).toBe("GOOGLE_APPLICATION_CREDENTIALS");
    expect(String((err as Error).message)).not.toContain("s3cr3t-value");
    const missing = await callGemini(kwargs, false, { apiKey: undefined, baseURL: "x", vertex: { project: undefined, location: undefined, credentials: undefined, baseURL: undefined } }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PromptLayerConfigError);
  });

  it("runs a vertexai registry prompt end to end with the environment's Vertex settings", async () => {
    const env = { VERTEX_AI_PROJECT_ID: "my-proj", VERTEX_AI_PROJECT_LOCATION: "us-central1", GOOGLE_APPLICATION_CREDENTIALS: join(dir, "sa.json"), VERTEX_AI_BASE_URL: backend.url };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      const pl = new PromptLayer({ apiKey: "pl_vertex", baseURL: backend.url });
      await pl.templates.publish({
        promptName: "vertex-hello",
        promptTemplate: { type: "chat", input_variables: ["name"], messages: [{ role: "user", input_variables: ["name"], template_format: "f-string", content: [{ type: "text", text: "Greet {name}" }] }] },
        metadata: { model: { provider: "vertexai", name: "gemini-2.5-flash", parameters: {} } },
      });
      const result = await pl.run({ promptName: "vertex-hello", inputVariables: { name: "Ada" } });
      expect(result.request_id).toBeGreaterThan(0);
      expect(JSON.stringify(result.raw_response)).toContain("Greet Ada");
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
