import { describe, expect, it } from "vitest";
import { traceable } from "../../src/tracing/traceable.js";
import { useMemoryTracing } from "../helpers/memory-tracing.js";

const tracing = useMemoryTracing();

function hostileValues(): Array<[string, unknown]> {
  const circular: Record<string, unknown> = {};
  circular.me = circular;
  let deep: unknown = "bottom";
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const throwingGetter = Object.defineProperty({}, "boom", { enumerable: true, get: () => { throw new Error("getter"); } });
  const trapEverything = new Proxy({}, {
    get: () => { throw new Error("get"); },
    ownKeys: () => { throw new Error("ownKeys"); },
    getPrototypeOf: () => { throw new Error("proto"); },
    has: () => { throw new Error("has"); },
  });
  const hugeString = "é".repeat(5_000_000);
  const hugeArray = new Array(1_000_000).fill({ a: 1 });
  const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
  return [
    ["circular", circular],
    ["100 000 levels deep", deep],
    ["a throwing getter", throwingGetter],
    ["a proxy whose every trap throws", trapEverything],
    ["a 5M-character string", hugeString],
    ["a million-item array", hugeArray],
    ["an object with 100 000 keys", wide],
    ["a BigInt and a symbol", [10n ** 30n, Symbol("s")]],
  ];
}

describe("traceable with hostile inputs and outputs", () => {
  it.each(hostileValues())("never throws into the caller and stays bounded for %s", (_label, value) => {
    const echo = traceable(function echo(v: unknown) {
      return v;
    });
    expect(echo(value)).toBe(value);
    const span = tracing.byName("echo");
    for (const attr of ["function_input", "function_output"]) {
      const recorded = String(span.attributes[attr]);
      expect(recorded.length).toBeLessThan(40 * 1024);
      expect(() => JSON.parse(recorded)).not.toThrow();
    }
  });
});
