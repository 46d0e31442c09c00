import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { ROOT, runNode } from "../helpers/child.js";

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", seed: true });
});
afterAll(() => backend.close());

const env = () => ({
  PROMPTLAYER_BASE_URL: backend.url,
  PROMPTLAYER_API_KEY: backend.apiKey,
  OPENAI_BASE_URL: `${backend.url}/v1`,
  OPENAI_API_KEY: "sk-local",
});

describe("the client examples, against the local backend", () => {
  it("examples/client-tour.ts uses every resource", async () => {
    const result = await runNode([`${ROOT}/examples/client-tour.ts`], env(), 30_000);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/templates\.publish → tour-greeting v1/);
    expect(out).toContain('Greet Ada in five words.');
    expect(out).toMatch(/run\s+→ request \d+/);
    expect(out).toMatch(/track\.score\s+→ true/);
    expect(out).toMatch(/track\.metadata\s+→ true/);
    expect(out).toMatch(/group\.create\s+→ \d+ track\.group → true/);
    expect(out).toMatch(/logRequest\s+→ request \d+/);
    expect(out).toMatch(/runWorkflow\s+→ Refunds are issued within 14 days/);
    expect(out).toMatch(/validation\s+→ .*score/);
  });

  it("examples/client-quickstart.ts runs, scores and streams a registry prompt", async () => {
    const result = await runNode([`${ROOT}/examples/client-quickstart.ts`], env(), 30_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("reply:");
    expect(result.stdout).toMatch(/logged as request \d+/);
  });
});
