import { describe, expect, it } from "vitest";
import { ROOT, runNode } from "../helpers/child.js";

describe("examples/agent-loop.ts", () => {
  it("shows each agent, its model calls and its tool call in order, with user and session on every span", async () => {
    const result = await runNode([`${ROOT}/examples/agent-loop.ts`], {}, 30_000);
    expect(result.code, result.stderr).toBe(0);
    for (const provider of [["openai", "gpt-4o-mini"], ["anthropic", "claude-sonnet-5-5"]] as const) {
      const [name, model] = provider;
      const tree = new RegExp(
        `invoke_agent weather-agent-${name} .*\\n├─ chat ${model} .*\\n├─ execute_tool get_weather .*\\n└─ chat ${model} `,
      );
      expect(result.stdout).toMatch(tree);
    }
    const spanLines = result.stdout.split("\n").filter((l) => / ms /.test(l));
    expect(spanLines).toHaveLength(8);
    for (const line of spanLines) expect(line).toContain("user=user-42 session=session-7");
  });
});
