import { describe, expect, it } from "vitest";
import { ROOT, runNode } from "../helpers/child.js";

describe("npm run demo", () => {
  it("runs the traced agent and prints the span tree that arrived over OTLP", async () => {
    const result = await runNode([`${ROOT}/dist/cli.js`, "demo"], {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Received 9 spans over OTLP\/HTTP/);
    expect(result.stdout).toMatch(/support-agent .*\n├─ plan .*\n├─ search .*\n├─ rank .*\n└─ summarise /);
  });
});
