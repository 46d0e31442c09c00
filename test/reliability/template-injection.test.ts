/**
 * jinja2 templates come from the registry and are rendered by nunjucks in the client (cached
 * templates) and in the local backend. Known server-side template-injection payloads must not
 * reach the host: no code runs, nothing leaks.
 */
import { afterEach, describe, expect, it } from "vitest";
import { renderJinja2 } from "../../local/render/jinja2.js";
import { loadJinjaRenderer } from "../../src/client/templates/jinja.js";

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
  '{{ name.__proto__.__defineGetter__ }}',
];

afterEach(() => {
  delete (globalThis as { __pwned?: number }).__pwned;
});

const pwned = () => (globalThis as { __pwned?: number }).__pwned;

describe("jinja2 template injection", () => {
  it.each(PAYLOADS)("the client's local renderer does not execute %s", async (payload) => {
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

  it.each(PAYLOADS)("the local backend's renderer does not execute %s", (payload) => {
    let out = "";
    try {
      out = renderJinja2(payload, { name: "Ada" }).text;
    } catch {
      // A typed render error is an acceptable answer.
    }
    expect(pwned()).toBeUndefined();
    expect(out).not.toContain(String(process.pid));
  });

  it("still renders ordinary templates: variables, filters, loops, attributes of given data", async () => {
    const renderer = await loadJinjaRenderer();
    const t = "Hi {{ user.name | upper }}!{% for o in orders %} #{{ o.id }}{% endfor %} {{ missing }}";
    const vars = { user: { name: "ada" }, orders: [{ id: 1 }, { id: 2 }] };
    expect(renderer.render(t, vars)).toBe("Hi ADA! #1 #2 ");
    expect(renderJinja2(t, vars).text).toBe("Hi ADA! #1 #2 ");
  });
});
