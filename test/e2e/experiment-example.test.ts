import { describe, expect, it } from "vitest";
import { ROOT, runNode } from "../helpers/child.js";

describe("examples/experiment.ts", () => {
  it("runs a full experiment on the local backend and the report finds the better version", async () => {
    const result = await runNode([`${ROOT}/examples/experiment.ts`], {}, 60_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/events delivered: \d+, refused: 0, pending: 0/);
    expect(result.stdout).toMatch(/v1: \d+ requests, \d+ users/);
    expect(result.stdout).toMatch(/Verdict: version 2 wins on conversion rate/);
  });
});
