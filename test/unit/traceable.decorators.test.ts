// Compiled with esbuild's TC39 standard-decorator lowering (see vitest.config.ts).
import { describe, expect, it } from "vitest";
import { traceable } from "../../src/tracing/traceable.js";
import { parentOf, useMemoryTracing } from "../helpers/memory-tracing.js";

const tracing = useMemoryTracing();

class Agent {
  constructor(private readonly prefix: string) {}

  @traceable
  greet(name: string): string {
    return `${this.prefix} ${name}`;
  }

  @traceable({ name: "agent.run", tags: ["agent"] })
  async run(task: string): Promise<string> {
    return this.greet(task);
  }
}

describe("traceable as a TC39 standard method decorator", () => {
  it("wraps the method, preserves `this` and names the span after the method", () => {
    expect(new Agent("Hello").greet("Ada")).toBe("Hello Ada");
    const span = tracing.byName("greet");
    expect(span.attributes.function_input).toBe('["Ada"]');
    expect(span.attributes.function_output).toBe('"Hello Ada"');
  });

  it("accepts options and nests method calls", async () => {
    expect(await new Agent("Hi").run("Bob")).toBe("Hi Bob");
    const run = tracing.byName("agent.run");
    expect(run.attributes["promptlayer.tags"]).toEqual(["agent"]);
    expect(parentOf(tracing.byName("greet"))).toBe(run.spanContext().spanId);
  });
});
