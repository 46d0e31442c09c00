import { describe, expect, it } from "vitest";
import { ROOT, runNode, startNode } from "../helpers/child.js";

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

  it("prints a link that opens its trace on the web page, and keeps serving until stopped", async () => {
    const demo = startNode([`${ROOT}/dist/cli.js`, "demo", "--data-dir", ":memory:", "--serve"], {}, 60_000);
    await demo.waitForOutput("(Ctrl+C to stop)");
    const link = /This trace on the web page: (\S+)/.exec(demo.stdout())![1]!;
    const url = new URL(link);
    const params = new URLSearchParams(url.hash.slice(1));
    const to = params.get("to")!;
    expect(to).toMatch(/^\/traces\/[0-9a-f]{32}$/);
    const res = await fetch(`${url.origin}/api/local${to}`, { headers: { "x-api-key": params.get("key")! } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { spans: Array<{ name: string }> };
    expect(body.spans[0]!.name).toBe("invoke_agent support-agent");
    expect((await fetch(`${url.origin}/`)).status).toBe(200); // the page itself
    demo.child.kill("SIGTERM");
    expect((await demo.done).code).toBe(0);
  }, 90_000);
});
