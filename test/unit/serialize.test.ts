import { describe, expect, it } from "vitest";
import { safeStringify } from "../../src/tracing/serialize.js";

const roundTrip = (v: unknown, limits?: Parameters<typeof safeStringify>[1]) => JSON.parse(safeStringify(v, limits));

describe("safeStringify", () => {
  it("renders plain JSON values exactly like JSON.stringify", () => {
    const v = { a: 1, b: "two", c: [true, null, 3.5], d: { e: "f" } };
    expect(safeStringify(v)).toBe(JSON.stringify(v));
  });

  it("marks circular references instead of throwing", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    a.list = [a];
    expect(roundTrip(a)).toEqual({ name: "a", self: "[Circular]", list: ["[Circular]"] });
  });

  it("keeps shared (non-circular) references", () => {
    const shared = { x: 1 };
    expect(roundTrip({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });

  it("renders BigInt, Map, Set, Date, symbols and functions", () => {
    const out = roundTrip({
      big: 12345678901234567890n,
      map: new Map<unknown, unknown>([["k", 1], [2, "two"]]),
      set: new Set([1, 2]),
      date: new Date("2026-01-02T03:04:05.000Z"),
      sym: Symbol("s"),
      fn: function helper() {},
    });
    expect(out).toEqual({
      big: "12345678901234567890n",
      map: { k: 1, "2": "two" },
      set: [1, 2],
      date: "2026-01-02T03:04:05.000Z",
      sym: "Symbol(s)",
    });
    expect(roundTrip([() => 1])).toEqual(["[Function anonymous]"]);
  });

  it("describes binary data by size instead of dumping it", () => {
    expect(roundTrip({ buf: Buffer.alloc(2048), u8: new Uint8Array(3), ab: new ArrayBuffer(7) })).toEqual({
      buf: "[Buffer 2048 bytes]",
      u8: "[Uint8Array 3 bytes]",
      ab: "[ArrayBuffer 7 bytes]",
    });
  });

  it("renders class instances by their own fields and errors by name and message", () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      norm() {
        return Math.hypot(this.x, this.y);
      }
    }
    expect(roundTrip(new Point(1, 2))).toEqual({ x: 1, y: 2 });
    const err = Object.assign(new Error("boom"), { code: "E_BOOM" });
    expect(roundTrip(err)).toEqual({ name: "Error", message: "boom", code: "E_BOOM" });
  });

  it("survives getters, toJSON and proxies that throw", () => {
    const getter = {
      ok: 1,
      get bad(): number {
        throw new Error("no access");
      },
    };
    expect(roundTrip(getter)).toEqual({ ok: 1, bad: "[Threw: no access]" });
    expect(roundTrip({ toJSON: () => { throw new Error("nope"); } })).toBe("[Unserializable: nope]");
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error("trap"); } });
    expect(roundTrip({ inner: hostile })).toEqual({ inner: "[Unserializable: trap]" });
    const hostileArray = new Proxy([1, 2], { get: (t, k) => { if (k === "0") throw new Error("item"); return Reflect.get(t, k); } });
    expect(roundTrip(hostileArray)).toEqual(["[Threw: item]", 2]);
  });

  it("bounds huge values and keeps the output valid JSON with a visible marker", () => {
    const huge = { text: "x".repeat(1_000_000), items: Array.from({ length: 100_000 }, (_, i) => ({ i, pad: "y".repeat(50) })) };
    const out = safeStringify(huge, { maxLength: 10_000 });
    expect(out.length).toBeLessThan(12_000);
    const parsed = JSON.parse(out);
    expect(parsed.text).toMatch(/…\[truncated \d+ chars\]$/);
    expect(JSON.stringify(parsed.items)).toMatch(/truncated \d+ more items/);
  });

  it("caps nesting depth", () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10_000; i++) deep = { next: deep };
    const out = safeStringify(deep, { maxDepth: 5 });
    expect(JSON.parse(out)).toEqual({ next: { next: { next: { next: { next: "[Object]" } } } } });
  });

  it("caps the number of keys per object", () => {
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    const parsed = roundTrip(wide, { maxItems: 10 });
    expect(Object.keys(parsed)).toHaveLength(11);
    expect(parsed["…"]).toBe("[truncated more keys]");
  });
});
