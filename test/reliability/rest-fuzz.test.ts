/**
 * Property-based tests of the local backend's REST parsers: whatever JSON (or non-JSON) arrives at
 * a route, the answer is a 2xx or a 4xx — never a 5xx — and a refused request stores nothing.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", seed: true, apiKey: "pl_fuzz", log: () => {} });
});
afterAll(() => backend.close());

const ROUTES: Array<{ path: string; legacy?: boolean }> = [
  { path: "/prompt-templates/support-reply" },
  { path: "/rest/prompt-templates" },
  { path: "/log-request" },
  { path: "/track-request", legacy: true },
  { path: "/library-track-metadata", legacy: true },
  { path: "/library-track-score", legacy: true },
  { path: "/library-track-prompt", legacy: true },
  { path: "/track-group", legacy: true },
  { path: "/workflows/support-triage/run" },
  { path: "/api/local/releases" },
  { path: "/api/public/v2/skill-collections" },
];

/** Row counts of every table: a refused request must leave them all unchanged. */
function counts(): Record<string, number> {
  const db = backend.store.db.raw;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
  return Object.fromEntries(tables.map(({ name }) => [name, Number((db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n)]));
}

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom("../../etc/passwd", "'; DROP TABLE request_logs; --", "\u0000", "{{7*7}}", "{question}", "%2e%2e%2f", "<script>alert(1)</script>"),
);
const body = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom("prompt_name", "prompt_template", "request_id", "metadata", "score", "provider", "model", "input", "output", "name", "files", "label", "split", "input_variables", "api_key"), fc.oneof(fc.jsonValue(), hostileString)),
);

describe("local backend REST routes under arbitrary input", () => {
  it.each(ROUTES)("$path answers 2xx or 4xx, never 5xx, and stores nothing when it refuses", async ({ path, legacy }) => {
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const withKey = legacy && payload !== null && typeof payload === "object" && !Array.isArray(payload) ? { ...payload, api_key: "pl_fuzz" } : payload;
        const before = counts();
        const res = await fetch(`${backend.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(legacy ? {} : { "x-api-key": "pl_fuzz" }) },
          body: JSON.stringify(withKey),
        });
        await res.text();
        expect(res.status < 500, `${path} answered ${res.status}`).toBe(true);
        if (res.status >= 400) expect(counts()).toEqual(before);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it("answers malformed JSON, wrong content types and a missing key with 4xx, storing nothing", async () => {
    const before = counts();
    for (const { path, legacy } of ROUTES) {
      const headers = legacy ? {} : { "x-api-key": "pl_fuzz" };
      const malformed = await fetch(`${backend.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{not json" });
      expect(malformed.status, path).toBeGreaterThanOrEqual(400);
      expect(malformed.status, path).toBeLessThan(500);
      const noKey = await fetch(`${backend.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect([401, 422], `${path} without a key`).toContain(noKey.status);
    }
    expect(counts()).toEqual(before);
  });
});
