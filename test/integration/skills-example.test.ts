/** `examples/skills.ts` runs against the local backend (bundled from the sources, so no build is needed). */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { ROOT, runNode } from "../helpers/child.js";
import { bundleForChild } from "./backend-helpers.js";

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", apiKey: "pl_skills_example", log: () => {} });
});
afterAll(() => backend.close());

it("examples/skills.ts publishes, updates and pulls a skill collection", async () => {
  // esbuild resolves `promptlayer-otel` through tsconfig's paths, i.e. to src/index.ts.
  const entry = await bundleForChild(`${ROOT}/examples/skills.ts`);
  const result = await runNode([entry], { PROMPTLAYER_BASE_URL: backend.url, PROMPTLAYER_API_KEY: backend.apiKey }, 30_000);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toMatch(/skills\.publish → support-skills-\w+ v1/);
  expect(result.stdout).toContain("skills.update  → v2: docs/README.md, refunds/SKILL.md");
  expect(result.stdout).toContain('prod is v2: "Refunds are issued within 30 days."');
  expect(result.stdout).toMatch(/v1 as a zip of \d+ bytes/);
  expect(result.stdout).toContain('validation     → Invalid files["../etc/passwd"]');
});
