import { describe, expect, it } from "vitest";
import { anthropicUsage } from "../../instrumentations/anthropic/messages.js";

describe("Anthropic usage in the conventions' terms", () => {
  it("counts cache reads and writes inside input tokens and reports them on their own", () => {
    expect(anthropicUsage({ input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 5, output_tokens: 7 })).toEqual({
      input: 115,
      output: 7,
      cacheRead: 100,
      cacheCreation: 5,
      reasoning: undefined,
    });
  });

  it("reports thinking tokens as reasoning tokens when the API breaks them out", () => {
    expect(anthropicUsage({ input_tokens: 3, output_tokens: 40, output_tokens_details: { thinking_tokens: 32 } })).toMatchObject({ output: 40, reasoning: 32 });
  });

  it("ignores usage that is not an object", () => {
    expect(anthropicUsage(null)).toBeUndefined();
    expect(anthropicUsage("12")).toBeUndefined();
  });
});
