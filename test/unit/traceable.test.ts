import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import OpenAI from "openai";
import { startMockModelServer } from "../../local/mock/index.js";
import { traceable } from "../../src/tracing/traceable.js";
import { parentOf, useMemoryTracing } from "../helpers/memory-tracing.js";

const tracing = useMemoryTracing();

describe("traceable on sync functions", () => {
  it("stays synchronous and records input and output", () => {
    const add = traceable(function add(a: number, b: number) {
      return a + b;
    });
    const result = add(2, 3);
    expect(result).toBe(5); // a number, not a promise
    const span = tracing.byName("add");
    expect(span.attributes.function_input).toBe("[2,3]");
    expect(span.attributes.function_output).toBe("5");
    expect(span.attributes.function_name).toBe("add");
    expect(span.ended).toBe(true);
  });

  it("rethrows the very same error after recording it", () => {
    const boom = new TypeError("bad input");
    const fail = traceable(function fail() {
      throw boom;
    });
    let caught: unknown;
    try {
      fail();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom);
    const span = tracing.byName("fail");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "bad input" });
    expect(span.attributes["error.type"]).toBe("TypeError");
    expect(span.events.map((e) => e.name)).toContain("exception");
  });

  it("keeps the function's name and arity", () => {
    const f = traceable(function named(a: number, b: number, c: number) {
      return a + b + c;
    });
    expect(f.name).toBe("named");
    expect(f.length).toBe(3);
  });

  it("preserves `this` for functions called as methods", () => {
    const obj = {
      factor: 3,
      scale: traceable(function scale(this: { factor: number }, x: number) {
        return x * this.factor;
      }),
    };
    expect(obj.scale(2)).toBe(6);
  });
});

describe("traceable on async functions", () => {
  it("resolves with the same value and ends the span before the caller resumes", async () => {
    const fetchUser = traceable(async function fetchUser(id: string) {
      await sleep(5);
      return { id, name: "Ada" };
    });
    const user = await fetchUser("u1");
    expect(user).toEqual({ id: "u1", name: "Ada" });
    const span = tracing.byName("fetchUser");
    expect(span.ended).toBe(true);
    expect(JSON.parse(span.attributes.function_output as string)).toEqual({ id: "u1", name: "Ada" });
  });

  it("rejects with the very same error", async () => {
    const err = new RangeError("nope");
    const f = traceable(async function rejecting() {
      await sleep(1);
      throw err;
    });
    await expect(f()).rejects.toBe(err);
    const span = tracing.byName("rejecting");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["error.type"]).toBe("RangeError");
  });

  it("hands back a custom thenable unchanged, extra methods included", async () => {
    class Lazy<T> implements PromiseLike<T> {
      constructor(private readonly value: T) {}
      then<R1 = T, R2 = never>(ok?: ((v: T) => R1 | PromiseLike<R1>) | null, bad?: ((e: unknown) => R2 | PromiseLike<R2>) | null) {
        return Promise.resolve(this.value).then(ok, bad);
      }
      withResponse() {
        return { data: this.value, response: "raw" };
      }
    }
    const lazy = new Lazy(42);
    const f = traceable(function makeLazy() {
      return lazy;
    });
    const returned = f();
    expect(returned).toBe(lazy);
    expect(returned.withResponse()).toEqual({ data: 42, response: "raw" });
    expect(await returned).toBe(42);
    await sleep(0);
    expect(tracing.byName("makeLazy").attributes.function_output).toBe("42");
  });

  it("never runs a lazy thenable itself: the query runs once, when the caller awaits it", async () => {
    class Query implements PromiseLike<string[]> {
      runs = 0;
      limit = Infinity;
      take(n: number) {
        this.limit = n;
        return this;
      }
      then<R1 = string[], R2 = never>(ok?: ((v: string[]) => R1 | PromiseLike<R1>) | null, bad?: ((e: unknown) => R2 | PromiseLike<R2>) | null) {
        this.runs++;
        return Promise.resolve(["a", "b", "c"].slice(0, this.limit)).then(ok, bad);
      }
    }
    const find = traceable(function findUsers() {
      return new Query();
    });
    const query = find();
    await sleep(5);
    expect(query.runs).toBe(0);
    expect(tracing.spans()).toHaveLength(0); // the span waits for the caller
    expect(await query.take(1)).toEqual(["a"]);
    expect(query.runs).toBe(1);
    expect(tracing.byName("findUsers").attributes.function_output).toBe('["a"]');
  });

  it("ends the span of a real APIPromise whatever the caller uses: withResponse(), catch(), asResponse()", async () => {
    const server = await startMockModelServer();
    try {
      const client = new OpenAI({ apiKey: "sk-test", baseURL: `${server.url}/v1`, maxRetries: 0 });
      const ask = traceable(function ask(content: string) {
        return client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });
      });
      const { data, response } = await ask("one").withResponse();
      expect(data.choices[0]!.message.content).toContain("one");
      expect(response.status).toBe(200);
      await ask("two").catch(() => undefined);
      await (await ask("three").asResponse()).text();
      await sleep(20);
      expect(tracing.spans().filter((s) => s.name === "ask")).toHaveLength(3);
      expect(tracing.spans().every((s) => s.ended)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("hands back a promise subclass (an SDK's APIPromise) as itself, and spans until it settles", async () => {
    class APIPromiseLike extends Promise<number> {
      withResponse() {
        return this.then((data) => ({ data, response: "raw" }));
      }
    }
    const call = traceable(function callModel() {
      return new APIPromiseLike((resolve) => setTimeout(() => resolve(7), 5));
    });
    const returned = call();
    expect(returned).toBeInstanceOf(APIPromiseLike);
    expect(await returned.withResponse()).toEqual({ data: 7, response: "raw" });
    expect(await returned).toBe(7);
    const span = tracing.byName("callModel");
    expect(span.attributes.function_output).toBe("7");
    expect(span.duration[1] + span.duration[0] * 1e9).toBeGreaterThan(3e6);
  });
});

describe("traceable on generators", () => {
  it("keeps an async generator lazy and spans the whole iteration", async () => {
    const sideEffects: string[] = [];
    const child = traceable(async function child(i: number) {
      return i * 2;
    });
    const numbers = traceable(async function* numbers(n: number) {
      for (let i = 0; i < n; i++) {
        sideEffects.push(`produce ${i}`);
        yield await child(i);
      }
    });
    const it = numbers(3);
    expect(sideEffects).toEqual([]); // nothing ran before iteration
    const seen: number[] = [];
    for await (const v of it) seen.push(v);
    expect(seen).toEqual([0, 2, 4]);

    const parent = tracing.byName("numbers");
    expect(parent.attributes.function_output).toBe("[0,2,4]");
    expect(parent.attributes["promptlayer.iteration.items"]).toBe(3);
    const children = tracing.spans().filter((s) => s.name === "child");
    expect(children).toHaveLength(3);
    for (const c of children) expect(parentOf(c)).toBe(parent.spanContext().spanId);
  });

  it("ends the span when the consumer breaks out of an async generator", async () => {
    let cleanedUp = false;
    const stream = traceable(async function* stream() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        cleanedUp = true;
      }
    });
    for await (const v of stream()) if (v === 2) break;
    expect(cleanedUp).toBe(true);
    const span = tracing.byName("stream");
    expect(span.ended).toBe(true);
    expect(span.attributes["promptlayer.iteration.incomplete"]).toBe(true);
    expect(span.attributes.function_output).toBe("[0,1,2]");
  });

  it("records an error thrown mid-iteration and rethrows it", async () => {
    const err = new Error("cut");
    const stream = traceable(async function* failing() {
      yield 1;
      throw err;
    });
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const v of stream()) got.push(v);
      })(),
    ).rejects.toBe(err);
    expect(got).toEqual([1]);
    expect(tracing.byName("failing").status.code).toBe(SpanStatusCode.ERROR);
  });

  it("keeps a sync generator lazy and stays synchronous", () => {
    const log: string[] = [];
    const gen = traceable(function* letters() {
      log.push("start");
      yield "a";
      yield "b";
    });
    const it = gen();
    expect(log).toEqual([]);
    expect([...it]).toEqual(["a", "b"]);
    expect(log).toEqual(["start"]);
    expect(tracing.byName("letters").attributes.function_output).toBe('["a","b"]');
  });

  it("records an error thrown inside a sync generator and rethrows the same error", () => {
    const boom = new RangeError("no more");
    const gen = traceable(function* failing() {
      yield 1;
      throw boom;
    });
    const it1 = gen();
    expect(it1.next()).toEqual({ done: false, value: 1 });
    expect(() => it1.next()).toThrow(boom);
    const span = tracing.byName("failing");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["error.type"]).toBe("RangeError");
    expect(span.attributes["promptlayer.iteration.items"]).toBe(1);
  });

  it("ends the span of a generator dropped half-way once it is garbage-collected", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const gen = traceable(function* dropped() {
      yield 1;
      yield 2;
    });
    (() => {
      const it1 = gen();
      it1.next();
    })();
    for (let i = 0; i < 20 && tracing.spans().length === 0; i++) {
      gc();
      await sleep(10);
    }
    expect(tracing.byName("dropped").attributes["promptlayer.iteration.incomplete"]).toBe(true);
  });

  it("ends a sync generator span on early return()", () => {
    const gen = traceable(function* count() {
      for (let i = 0; ; i++) yield i;
    });
    for (const v of gen()) if (v === 1) break;
    const span = tracing.byName("count");
    expect(span.ended).toBe(true);
    expect(span.attributes["promptlayer.iteration.incomplete"]).toBe(true);
  });

  it("uses `aggregate` to turn yielded chunks into one output", async () => {
    const tokens = traceable(
      async function* tokens() {
        yield "Hel";
        yield "lo";
      },
      { aggregate: (items) => (items as string[]).join("") },
    );
    for await (const _ of tokens()) void _;
    expect(tracing.byName("tokens").attributes.function_output).toBe('"Hello"');
  });
});

describe("traceable generators keep their shape", () => {
  it("keeps iterator helpers, dispose, instanceof and the type tag", () => {
    function* count() {
      yield 1;
      yield 2;
      yield 3;
    }
    const traced = traceable(count);
    const it1 = traced();
    expect(it1).toBeInstanceOf(count);
    expect(Object.prototype.toString.call(it1)).toBe("[object Generator]");
    // Iterator helpers (Node 22+; not yet in this TypeScript lib).
    const helpers = it1 as unknown as { map(f: (n: number) => number): { toArray(): number[] } };
    expect(helpers.map((n) => n * 10).toArray()).toEqual([10, 20, 30]);
    expect(tracing.spans()[0]!.attributes["promptlayer.iteration.items"]).toBe(3);
    tracing.reset();

    const it2 = traced();
    it2.next();
    it2[Symbol.dispose]();
    const span = tracing.byName("count");
    expect(span.attributes["promptlayer.iteration.incomplete"]).toBe(true);
    expect(it2.next()).toEqual({ done: true, value: undefined });
  });

  it("keeps async generators' Symbol.asyncDispose and instanceof", async () => {
    async function* ticks() {
      yield "a";
      yield "b";
    }
    const it1 = traceable(ticks)();
    expect(it1).toBeInstanceOf(ticks);
    expect(await it1.next()).toEqual({ done: false, value: "a" });
    await it1[Symbol.asyncDispose]();
    expect(tracing.byName("ticks").attributes["promptlayer.iteration.incomplete"]).toBe(true);
  });
});

describe("traceable options", () => {
  it("applies name, attributes, tags and metadata", () => {
    const f = traceable(() => 1, {
      name: "custom",
      attributes: { "app.step": "rank" },
      tags: ["a", "b"],
      metadata: { customer: "acme" },
    });
    f();
    const span = tracing.byName("custom");
    expect(span.attributes["app.step"]).toBe("rank");
    expect(span.attributes["promptlayer.tags"]).toEqual(["a", "b"]);
    expect(span.attributes["promptlayer.metadata.customer"]).toBe("acme");
  });

  it("transforms or suppresses captured inputs and outputs", () => {
    const login = traceable(
      function login(user: string, password: string) {
        return { token: `t-${user}-${password.length}` };
      },
      { processInputs: ([user]) => ({ user }), processOutputs: () => "[redacted]" },
    );
    login("ada", "hunter2");
    const span = tracing.byName("login");
    expect(span.attributes.function_input).toBe('{"user":"ada"}');
    expect(span.attributes.function_output).toBe('"[redacted]"');

    const quiet = traceable(function quiet(secret: string) {
      return secret;
    }, { captureInput: false, captureOutput: false });
    quiet("s3cret");
    const q = tracing.byName("quiet");
    expect(q.attributes.function_input).toBeUndefined();
    expect(q.attributes.function_output).toBeUndefined();
  });

  it("never lets a failing hook or unserializable value reach the caller", () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const f = traceable(function echo(x: unknown) {
      return x;
    }, {
      processOutputs: () => {
        throw new Error("hook bug");
      },
    });
    expect(f(circular)).toBe(circular);
    const span = tracing.byName("echo");
    expect(span.attributes.function_input).toBe('[{"a":1,"self":"[Circular]"}]');
    expect(span.attributes.function_output).toBe('"[processOutputs hook failed]"');
  });
});

describe("traceable nesting", () => {
  it("nests across awaits and timers", async () => {
    const inner = traceable(async function inner() {
      await new Promise((r) => setTimeout(r, 2));
      return "in";
    });
    const outer = traceable(async function outer() {
      await sleep(1);
      const viaTimer = await new Promise<string>((resolve) => setTimeout(() => void inner().then(resolve), 1));
      return viaTimer + (await inner());
    });
    await outer();
    const o = tracing.byName("outer");
    const inners = tracing.spans().filter((s) => s.name === "inner");
    expect(inners).toHaveLength(2);
    for (const i of inners) {
      expect(parentOf(i)).toBe(o.spanContext().spanId);
      expect(i.spanContext().traceId).toBe(o.spanContext().traceId);
    }
  });

  it("keeps each of many interleaved concurrent calls under its own parent", async () => {
    const step = traceable(async function step(id: number) {
      await sleep(Math.random() * 5);
      return id;
    });
    const request = traceable(async function request(id: number) {
      await sleep(Math.random() * 5);
      await Promise.all([step(id), step(id)]);
      await sleep(Math.random() * 5);
      return step(id);
    });
    await Promise.all(Array.from({ length: 50 }, (_, i) => request(i)));

    const requests = new Map(tracing.spans().filter((s) => s.name === "request").map((s) => [s.spanContext().spanId, s]));
    expect(requests.size).toBe(50);
    const steps = tracing.spans().filter((s) => s.name === "step");
    expect(steps).toHaveLength(150);
    for (const s of steps) {
      const parent = requests.get(parentOf(s)!);
      expect(parent, "step has a request parent").toBeDefined();
      expect(parent!.attributes.function_input).toBe(s.attributes.function_input);
    }
  });

  it("makes its span the active one inside the function", () => {
    let active: string | undefined;
    const f = traceable(function look() {
      active = trace.getSpan(context.active())?.spanContext().spanId;
    });
    f();
    expect(active).toBe(tracing.byName("look").spanContext().spanId);
  });
});
