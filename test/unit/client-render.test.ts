import { describe, expect, it } from "vitest";
import { applyFormatSpec, FStringRenderError, renderFString } from "../../src/client/templates/f-string.js";
import { isLocallyRenderable, renderTemplateInPlace } from "../../src/client/templates/render.js";
import type { PromptTemplate } from "../../src/client/types.js";

describe("f-string rendering", () => {
  it("replaces {name} with the variable", () => {
    expect(renderFString("Hello {name}, you are {age}.", { name: "Ada", age: 36 })).toBe("Hello Ada, you are 36.");
  });

  it("turns {{ and }} into literal braces and does not treat their content as a field", () => {
    expect(renderFString("{{name}} is {name}", { name: "Ada" })).toBe("{name} is Ada");
    expect(renderFString("JSON: {{\"a\": {n}}}", { n: 1 })).toBe('JSON: {"a": 1}');
    expect(renderFString("{{{name}}}", { name: "x" })).toBe("{x}");
  });

  it("renders missing and null variables as empty strings", () => {
    expect(renderFString("[{missing}] [{nothing}]", { nothing: null })).toBe("[] []");
  });

  it("leaves braces that are not a field alone (JSON in a prompt)", () => {
    expect(renderFString('Reply as {"answer": "…"} for {q}', { q: "why" })).toBe('Reply as {"answer": "…"} for why');
    expect(renderFString("a } b { c", {})).toBe("a } b { c");
  });

  it("applies format specs: width, alignment, fill, precision, sign, grouping, types", () => {
    expect(renderFString("[{x:>6}]", { x: "ab" })).toBe("[    ab]");
    expect(renderFString("[{x:*^7}]", { x: "ab" })).toBe("[**ab***]");
    expect(renderFString("[{x:<4}]", { x: 7 })).toBe("[7   ]");
    expect(renderFString("{x:.2f}", { x: 3.14159 })).toBe("3.14");
    expect(renderFString("{x:+d}", { x: 5 })).toBe("+5");
    expect(renderFString("{x:,}", { x: 1234567 })).toBe("1,234,567");
    expect(renderFString("{x:08.3f}", { x: -3.5 })).toBe("-003.500");
    expect(renderFString("{x:.1%}", { x: 0.256 })).toBe("25.6%");
    expect(renderFString("{x:#x}", { x: 255 })).toBe("0xff");
    expect(renderFString("{x:b}", { x: 5 })).toBe("101");
    expect(renderFString("{x:.3}", { x: "abcdef" })).toBe("abc");
    expect(renderFString("{x:e}", { x: 1234.5 })).toBe("1.234500e+03");
  });

  it("supports conversions and item/attribute access", () => {
    expect(renderFString("{x!r}", { x: "hi" })).toBe("'hi'");
    expect(renderFString("{x!s}", { x: 3 })).toBe("3");
    expect(renderFString("{user[name]} {user.id} {items[1]}", { user: { name: "Ada", id: 7 }, items: ["a", "b"] })).toBe("Ada 7 b");
  });

  it("renders non-strings the way Python's str() does", () => {
    expect(renderFString("{t} {f} {o} {l}", { t: true, f: false, o: { a: 1 }, l: [1, 2] })).toBe('True False {"a":1} [1,2]');
  });

  it("throws FStringRenderError where Python would raise (a caller keeps the original text)", () => {
    expect(() => renderFString("{x:d}", { x: "text" })).toThrow(FStringRenderError);
    expect(() => renderFString("{x:d}", { x: 1.5 })).toThrow(FStringRenderError);
    expect(() => applyFormatSpec("s", "+")).toThrow(FStringRenderError);
    expect(() => applyFormatSpec(1, "zz")).toThrow(FStringRenderError);
  });
});

function template(messages: Array<{ role: string; text: string; format?: string }>, llm_kwargs: Record<string, unknown> | null = null): PromptTemplate {
  return {
    id: 1,
    prompt_name: "t",
    version: 1,
    prompt_template: {
      type: "chat",
      messages: messages.map((m) => ({ role: m.role, content: [{ type: "text", text: m.text }], template_format: (m.format ?? "f-string") as "f-string" | "jinja2", input_variables: [] })),
    },
    llm_kwargs,
  };
}

describe("local rendering of a cached template", () => {
  it("renders prompt_template text blocks per message format, jinja2 through nunjucks", async () => {
    const t = await renderTemplateInPlace(
      template([
        { role: "system", text: "Be {tone}." },
        { role: "user", text: "{% if vip %}Dear {{ name | upper }}{% endif %}, {{ missing }}!", format: "jinja2" },
      ]),
      { tone: "brief", vip: true, name: "ada" },
    );
    const pt = t.prompt_template;
    if (pt.type !== "chat") throw new Error("chat expected");
    expect(pt.messages.map((m) => (m.content as Array<{ text: string }>)[0]!.text)).toEqual(["Be brief.", "Dear ADA, !"]);
  });

  it("renders every llm_kwargs shape the providers use", async () => {
    const kwargs = {
      messages: [
        { role: "system", content: "S {v}" },
        { role: "user", content: [{ type: "text", text: "U {v}" }, { type: "image_url", image_url: { url: "http://x/{v}" } }] },
      ],
      input: [{ role: "user", content: [{ type: "input_text", text: "I {v}" }] }],
      system: [{ type: "text", text: "A {v}" }],
      contents: [{ role: "user", parts: [{ text: "C {v}" }] }],
      history: [{ role: "user", parts: [{ text: "H {v}" }] }],
      generation_config: { system_instruction: "G {v}", temperature: 1 },
      system_instruction: { parts: [{ text: "T {v}" }] },
      prompt: "P {v}",
      model: "m-{v}",
    };
    const t = await renderTemplateInPlace(template([{ role: "system", text: "x" }, { role: "user", text: "y" }], kwargs), { v: 1 });
    expect(t.llm_kwargs).toEqual({
      messages: [
        { role: "system", content: "S 1" },
        { role: "user", content: [{ type: "text", text: "U 1" }, { type: "image_url", image_url: { url: "http://x/{v}" } }] },
      ],
      input: [{ role: "user", content: [{ type: "input_text", text: "I 1" }] }],
      system: [{ type: "text", text: "A 1" }],
      contents: [{ role: "user", parts: [{ text: "C 1" }] }],
      history: [{ role: "user", parts: [{ text: "H 1" }] }],
      generation_config: { system_instruction: "G 1", temperature: 1 },
      system_instruction: { parts: [{ text: "T 1" }] },
      prompt: "P 1",
      // Only prompt text is rendered, never settings such as the model name.
      model: "m-{v}",
    });
  });

  describe("llm_kwargs of a template mixing f-string and jinja2", () => {
    const mixed = (kwargs: Record<string, unknown>) =>
      template(
        [
          { role: "system", text: "Be {tone}." },
          { role: "user", text: "Hi {{ name }}", format: "jinja2" },
          { role: "assistant", text: "Hello {name}." },
          { role: "user", text: "{% if vip %}VIP {% endif %}{{ q }}", format: "jinja2" },
        ],
        kwargs,
      );
    const vars = { tone: "brief", name: "Ada", vip: true, q: "why?" };

    it("maps Anthropic's messages (system moved out to `system`) back to the template's messages", async () => {
      const block = (text: string) => [{ type: "text", text }];
      const t = mixed({
        system: "Be {tone}.",
        messages: [
          { role: "user", content: block("Hi {{ name }}") },
          { role: "assistant", content: block("Hello {name}.") },
          { role: "user", content: block("{% if vip %}VIP {% endif %}{{ q }}") },
        ],
      });
      expect(isLocallyRenderable(t)).toBe(true);
      await renderTemplateInPlace(t, vars);
      expect(t.llm_kwargs).toEqual({
        system: "Be brief.",
        messages: [
          { role: "user", content: block("Hi Ada") },
          { role: "assistant", content: block("Hello Ada.") },
          { role: "user", content: block("VIP why?") },
        ],
      });
    });

    it("maps Gemini's history (system moved to system_instruction) back to the template's messages", async () => {
      const t = mixed({
        history: [
          { role: "user", parts: [{ text: "Hi {{ name }}" }] },
          { role: "model", parts: [{ text: "Hello {name}." }] },
          { role: "user", parts: [{ text: "{{ q }}" }] },
        ],
        generation_config: { system_instruction: "Be {tone}." },
      });
      await renderTemplateInPlace(t, vars);
      expect(t.llm_kwargs).toEqual({
        history: [
          { role: "user", parts: [{ text: "Hi Ada" }] },
          { role: "model", parts: [{ text: "Hello Ada." }] },
          { role: "user", parts: [{ text: "why?" }] },
        ],
        generation_config: { system_instruction: "Be brief." },
      });
    });

    it("keeps one kwargs message per template message (OpenAI) on the message's own format", async () => {
      const t = mixed({
        messages: [
          { role: "system", content: "Be {tone}." },
          { role: "user", content: "Hi {{ name }}" },
          { role: "assistant", content: "Hello {name}." },
          { role: "user", content: "{{ q }}" },
        ],
      });
      await renderTemplateInPlace(t, vars);
      expect((t.llm_kwargs!.messages as Array<{ content: string }>).map((m) => m.content)).toEqual(["Be brief.", "Hi Ada", "Hello Ada.", "why?"]);
    });

    it("leaves a layout it cannot map (merged messages, mixed system formats) to the service", () => {
      // Two user messages merged into one: which format would the merged text take?
      const merged = mixed({ system: "Be {tone}.", messages: [{ role: "user", content: "Hi {{ name }}\n{{ q }}" }, { role: "assistant", content: "Hello {name}." }] });
      expect(isLocallyRenderable(merged)).toBe(false);
      // Two system messages of different formats joined into `system`.
      const systems = template(
        [
          { role: "system", text: "A {a}" },
          { role: "system", text: "B {{ b }}", format: "jinja2" },
          { role: "user", text: "U" },
        ],
        { system: "A {a}\nB {{ b }}", messages: [{ role: "user", content: "U" }] },
      );
      expect(isLocallyRenderable(systems)).toBe(false);
      // The same layouts with one format throughout stay local.
      expect(isLocallyRenderable(template([{ role: "user", text: "x" }, { role: "user", text: "y" }], { messages: [{ role: "user", content: "x\ny" }] }))).toBe(true);
    });
  });

  it("keeps a block's original text when it fails to render", async () => {
    const t = await renderTemplateInPlace(template([{ role: "user", text: "n={n:d} and {other}" }]), { n: "not a number", other: "x" });
    const pt = t.prompt_template;
    if (pt.type !== "chat") throw new Error("chat expected");
    expect((pt.messages[0]!.content as Array<{ text: string }>)[0]!.text).toBe("n={n:d} and {other}");
  });

  it("leaves placeholders, variable tools and media variables to the service", () => {
    expect(isLocallyRenderable(template([{ role: "user", text: "hi" }]))).toBe(true);
    const withPlaceholder = template([{ role: "user", text: "hi" }]);
    if (withPlaceholder.prompt_template.type === "chat") withPlaceholder.prompt_template.messages.push({ role: "placeholder", name: "history" });
    expect(isLocallyRenderable(withPlaceholder)).toBe(false);
    const withToolVar = template([{ role: "user", text: "hi" }]);
    if (withToolVar.prompt_template.type === "chat") withToolVar.prompt_template.tools = [{ type: "variable", name: "tools" }];
    expect(isLocallyRenderable(withToolVar)).toBe(false);
    const withMedia = template([{ role: "user", text: "hi" }]);
    if (withMedia.prompt_template.type === "chat") (withMedia.prompt_template.messages[0]!.content as unknown[]).push({ type: "media_variable", name: "doc" });
    expect(isLocallyRenderable(withMedia)).toBe(false);
  });
});
