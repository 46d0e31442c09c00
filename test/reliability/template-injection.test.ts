/**
 * jinja2 templates come from the registry and are rendered by nunjucks in the client (cached
 * templates) and in the local backend. Known server-side template-injection payloads must not
 * reach the host: no code runs, nothing leaks, and no template changes how later ones render.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderJinja2 } from "../../local/render/jinja2.js";
import { loadJinjaRenderer } from "../../src/client/templates/jinja.js";
import { chatTemplate, publish, startBackend, type Client } from "../integration/backend-helpers.js";

/** Each payload sets `globalThis.__pwned` (and most print the pid) if it gets to run code. */
const PAYLOADS = [
  '{{ range.constructor("globalThis.__pwned = 1; return process.pid")() }}',
  '{{ cycler.constructor("globalThis.__pwned = 1")() }}',
  '{{ joiner.constructor("globalThis.__pwned = 1")() }}',
  '{{ "".constructor.constructor("globalThis.__pwned = 1")() }}',
  '{{ name.toString.constructor("globalThis.__pwned = 1")() }}',
  '{{ name["constructor"]["constructor"]("globalThis.__pwned = 1")() }}',
  '{% set f = range.constructor %}{{ f("globalThis.__pwned = 1")() }}',
  '{{ constructor.constructor("globalThis.__pwned = 1")() }}',
  "{{ __proto__.constructor.constructor('globalThis.__pwned = 1')() }}",
  "{{ name.__proto__.__defineGetter__ }}",
  // Keys that are not strings: arrays and objects become property keys through their toString.
  '{{ range[["constructor"]]("globalThis.__pwned = 1; return process.pid")() }}',
  '{{ name[["constructor"]][["constructor"]]("globalThis.__pwned = 1; return process.pid")() }}',
  '{% set k = ["constructor"] %}{{ range[k]("globalThis.__pwned = 1; return process.pid")() }}',
  '{{ range[["__proto__"]][["constructor"]][["constructor"]]("globalThis.__pwned = 1")() }}',
  '{{ range[{"toString": "constructor".toString}]("globalThis.__pwned = 1; return process.pid")() }}',
  // A key whose toString answers "" when checked and "constructor" when used.
  '{{ range[{"toString": joiner("constructor")}]("globalThis.__pwned = 1; return process.pid")() }}',
  '{{ range[[["constructor"]]]("globalThis.__pwned = 1")() }}',
  // Names and filters that reach Object.prototype and run with the render context as `this`.
  '{{ valueOf().env.getFilter("upper").constructor("globalThis.__pwned = 1")() }}',
  '{{ (1 | valueOf).env.globals.range.constructor("globalThis.__pwned = 1")() }}',
  '{% set __proto__ = [] %}{{ concat()[0].env.globals.range[["constructor"]]("globalThis.__pwned = 1")() }}',
  '{% set __proto__ = range %}{{ call.constructor("globalThis.__pwned = 1")() }}',
  '{{ "x" | __lookupGetter__ }}{% if 1 is valueOf %}{% endif %}{{ [1] | select("valueOf") }}',
  // Other functions a template can get hold of: caller, loop, macros, members of globals.
  '{% macro m() %}{{ caller.constructor("globalThis.__pwned = 1")() }}{% endmacro %}{% call m() %}x{% endcall %}',
  '{% macro m() %}{% endmacro %}{{ m.constructor("globalThis.__pwned = 1")() }}',
  '{% for i in [1] %}{{ loop.constructor.constructor("globalThis.__pwned = 1")() }}{% endfor %}',
  '{{ cycler(1, 2).next.constructor("globalThis.__pwned = 1")() }}',
  '{{ joiner().call.bind.constructor("globalThis.__pwned = 1")() }}',
  '{{ range.call.apply(range.constructor, ["globalThis.__pwned = 1"])() }}',
];

/** Templates that use the render context's environment to change every later render. */
const TAMPERING = [
  '{% macro f(x) %}PWNED{% endmacro %}{{ valueOf().env.addFilter("upper", f) }}',
  '{% macro f(x) %}PWNED{% endmacro %}{{ (1 | valueOf).env.addFilter("upper", f) }}',
  '{% macro f(x) %}PWNED{% endmacro %}{% set __proto__ = [] %}{{ concat()[0].env.addFilter("upper", f) }}',
  '{{ valueOf().env.addGlobal("marker", "PWNED") }}',
];
/** What an ordinary template renders to when no earlier template changed the environment. */
const CLEAN = { template: '{{ "ok" | upper }}{{ marker }}', text: "OK" };

afterEach(() => {
  delete (globalThis as { __pwned?: number }).__pwned;
});

const pwned = () => (globalThis as { __pwned?: number }).__pwned;

/** A `views` folder as nunjucks' default loader would find it, and a secret beside it. */
function withFilesBesideViews<T>(fn: () => T): T {
  const dir = mkdtempSync(join(tmpdir(), "pl-views-"));
  mkdirSync(join(dir, "views"));
  mkdirSync(join(dir, "views-secret"));
  writeFileSync(join(dir, "views", "page.txt"), "FILE-CONTENT");
  writeFileSync(join(dir, "views-secret", "key.txt"), "FILE-CONTENT");
  const cwd = process.cwd();
  process.chdir(dir);
  const restore = () => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const result = fn();
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  } catch (error) {
    restore();
    throw error;
  }
}
const FILE_PAYLOADS = ['{% include "page.txt" %}', '{% include "../views-secret/key.txt" %}', '{% import "page.txt" as p %}', '{% extends "page.txt" %}'];

describe("jinja2 template injection, the client's renderer", () => {
  it.each(PAYLOADS)("does not execute %s", async (payload) => {
    const renderer = await loadJinjaRenderer();
    let out = "";
    try {
      out = renderer.render(payload, { name: "Ada" });
    } catch {
      // Refusing to render is fine too; executing is not.
    }
    expect(pwned()).toBeUndefined();
    expect(out).not.toContain(String(process.pid));
  });

  it.each(TAMPERING)("does not let %s change later renders", async (payload) => {
    const renderer = await loadJinjaRenderer();
    try {
      renderer.render(payload, {});
    } catch {
      // refused
    }
    expect(renderer.render(CLEAN.template, {})).toBe(CLEAN.text);
  });

  it.each(FILE_PAYLOADS)("reads no file with %s", async (payload) => {
    const renderer = await loadJinjaRenderer();
    const out = withFilesBesideViews(() => {
      try {
        return renderer.render(payload, {});
      } catch (error) {
        return String(error);
      }
    });
    expect(out).not.toContain("FILE-CONTENT");
  });
});

describe("jinja2 template injection, the local backend's renderer", () => {
  it.each(PAYLOADS)("does not execute %s", (payload) => {
    let out = "";
    try {
      out = renderJinja2(payload, { name: "Ada" }).text;
    } catch {
      // A typed render error is an acceptable answer.
    }
    expect(pwned()).toBeUndefined();
    expect(out).not.toContain(String(process.pid));
  });

  it.each(TAMPERING)("does not let %s change later renders", (payload) => {
    try {
      renderJinja2(payload, {});
    } catch {
      // refused
    }
    expect(renderJinja2(CLEAN.template, {}).text).toBe(CLEAN.text);
  });

  it.each(FILE_PAYLOADS)("reads no file with %s", (payload) => {
    const out = withFilesBesideViews(() => {
      try {
        return renderJinja2(payload, {}).text;
      } catch (error) {
        return String(error);
      }
    });
    expect(out).not.toContain("FILE-CONTENT");
  });
});

describe("jinja2 template injection through the local backend's API", () => {
  let client: Client;
  beforeAll(async () => {
    client = await startBackend();
  });
  afterAll(() => client.backend.close());

  /** Publishes `text` as a jinja2 template and renders it with `POST /prompt-templates/{name}`. */
  async function publishAndRender(name: string, text: string) {
    await publish(client, name, chatTemplate([{ role: "user", format: "jinja2", text }]));
    const res = await client.call("POST", `/prompt-templates/${name}`, { input_variables: { name: "Ada" } });
    expect(res.status).toBe(200);
    return { text: res.body.prompt_template.messages[0].content[0].text as string, warning: res.body.warning as string | null };
  }

  it.each(PAYLOADS.map((payload, i) => [i, payload] as const))("renders payload %i harmlessly: %s", async (i, payload) => {
    const { text } = await publishAndRender(`injection-${i}`, payload);
    expect(pwned()).toBeUndefined();
    // Either rendered to nothing dangerous, or kept as written with a render warning.
    expect(text).not.toContain(String(process.pid));
  });

  it.each(TAMPERING.map((payload, i) => [i, payload] as const))("does not let payload %i change later renders: %s", async (i, payload) => {
    await publishAndRender(`tampering-${i}`, payload);
    expect((await publishAndRender(`clean-after-${i}`, CLEAN.template)).text).toBe(CLEAN.text);
  });

  it.each(FILE_PAYLOADS.map((payload, i) => [i, payload] as const))("reads no file with payload %i: %s", async (i, payload) => {
    const { text } = await withFilesBesideViews(() => publishAndRender(`files-${i}`, payload));
    expect(text).not.toContain("FILE-CONTENT");
  });
});

describe("hardened jinja2 still renders ordinary templates", () => {
  const t =
    "Hi {{ user.name | upper }}!{% for o in orders %} #{{ o.id }}{% endfor %} {{ missing }}" +
    '{% macro box(x) %}[{{ x }}:{{ caller() }}]{% endmacro %}{% call box(1) %}body{% endcall %} {{ orders[0]["id"] }}{{ orders | length }}' +
    " {{ tags | join(',') }} {{ tags | last }} {{ user.name.toUpperCase() }} {{ orders | sum('id') }}";
  const vars = { user: { name: "ada" }, orders: [{ id: 1 }, { id: 2 }], tags: ["a", "b"] };
  const expected = "Hi ADA! #1 #2 [1:body] 12 a,b b ADA 3";

  it("in the client: variables, filters, loops, macros with caller(), attributes and methods of given data", async () => {
    const renderer = await loadJinjaRenderer();
    expect(renderer.render(t, vars)).toBe(expected);
  });

  it("in the local backend", () => {
    expect(renderJinja2(t, vars).text).toBe(expected);
  });
});
