import { describe, expect, it } from "vitest";
import { ROOT, runNode } from "../helpers/child.js";

describe("npm run demo", () => {
  it("runs the agent under the preload against the local backend and prints the trace it stored", async () => {
    const result = await runNode([`${ROOT}/dist/cli.js`, "demo", "--data-dir", ":memory:", "--exit"], {}, 60_000);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/The trace the backend received \(11 spans, 4 request logs\)/);
    // run() against the registry prompt: fetch, then the model call carrying the prompt.
    expect(out).toMatch(/├─ promptlayer\.run support-reply .*\n│  ├─ promptlayer\.template\.fetch support-reply .*\n│  └─ chat gpt-4o-mini .*prompt support-reply v1/);
    // A streamed, tool-using OpenAI loop.
    expect(out).toMatch(/├─ invoke_agent order-checker .*\n│  ├─ chat gpt-4o-mini .*streamed\n│  ├─ execute_tool lookup_order .*\n│  └─ chat gpt-4o-mini .*streamed/);
    expect(out).toContain("invoke_workflow support-triage");
    expect(out).toMatch(/└─ chat claude-haiku-4-5 .*streamed/);
    expect(out).toMatch(/invoke_agent support-agent .*user customer-42/);
  });
});
