import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, publish, startBackend, type Client } from "./backend-helpers.js";

let client: Client;
beforeAll(async () => {
  client = await startBackend();
});
afterAll(() => client.backend.close());

const openai = { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2, max_tokens: 100 } } };

describe("publishing templates", () => {
  it("publishes version 1 with 201 and the service's response keys", async () => {
    const res = await client.call("POST", "/rest/prompt-templates", {
      prompt_template: { prompt_name: "greeter", tags: ["a"] },
      prompt_version: { prompt_template: chatTemplate([{ role: "user", text: "Hi {name}" }]), commit_message: "first", metadata: openai },
      release_labels: ["prod"],
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(
      ["commit_message", "external_ids", "id", "metadata", "prompt_name", "prompt_template", "prompt_version_id", "release_labels", "tags", "version_number"].sort(),
    );
    expect(res.body).toMatchObject({ prompt_name: "greeter", version_number: 1, tags: ["a"], release_labels: ["prod"], commit_message: "first" });
    // The server fills in what the service adds to stored templates.
    expect(res.body.prompt_template.messages[0]).toMatchObject({ role: "user", template_format: "f-string", input_variables: ["name"], raw_request_display_role: "", dataset_examples: [] });
    expect(res.body.prompt_template.input_variables).toEqual(["name"]);
  });

  it("adds a new version on every publish and moves release labels to it", async () => {
    await publish(client, "versioned", chatTemplate([{ role: "user", text: "v1" }]), { release_labels: ["prod", "staging"], metadata: openai });
    const second = await publish(client, "versioned", chatTemplate([{ role: "user", text: "v2" }]), { release_labels: ["staging"], metadata: openai });
    expect(second.version_number).toBe(2);

    const latest = await client.call("POST", "/prompt-templates/versioned", {});
    expect(latest.body.version).toBe(2);
    const prod = await client.call("POST", "/prompt-templates/versioned", { label: "prod" });
    expect(prod.body.version).toBe(1);
    expect(prod.body.prompt_template.messages[0].content[0].text).toBe("v1");
    const staging = await client.call("POST", "/prompt-templates/versioned", { label: "staging" });
    expect(staging.body.version).toBe(2);
    const v1 = await client.call("POST", "/prompt-templates/versioned", { version: 1 });
    expect(v1.body.prompt_template.messages[0].content[0].text).toBe("v1");

    const labels = await client.call("GET", "/prompt-templates/versioned/labels");
    expect(labels.status).toBe(200);
    const byName = Object.fromEntries(labels.body.release_labels.map((l: { release_label: string; prompt_version_number: number }) => [l.release_label, l.prompt_version_number]));
    expect(byName).toEqual({ prod: 1, staging: 2 });
    for (const l of labels.body.release_labels) expect(Object.keys(l).sort()).toEqual(["prompt_version_id", "prompt_version_number", "release_label", "release_label_id"]);
  });

  it("gets a template by id as well as by name", async () => {
    const published = await publish(client, "by-id", chatTemplate([{ role: "user", text: "x" }]));
    const res = await client.call("POST", `/prompt-templates/${published.id}`, {});
    expect(res.status).toBe(200);
    expect(res.body.prompt_name).toBe("by-id");
  });

  it("answers 422 with detail locations for an invalid publish body", async () => {
    const missingName = await client.call("POST", "/rest/prompt-templates", { prompt_template: { tags: [] }, prompt_version: { prompt_template: chatTemplate([]) } });
    expect(missingName.status).toBe(422);
    expect(missingName.body.detail).toContainEqual({ loc: ["body", "prompt_template", "prompt_name"], msg: "Field required", type: "missing" });

    const badRole = await publish(client, "bad-role", { type: "chat", messages: [{ role: "wizard", content: [] }] }).catch((e: Error) => e.message);
    expect(badRole).toContain("422");
    expect(badRole).toContain("role");

    const longCommit = await client.call("POST", "/rest/prompt-templates", {
      prompt_template: { prompt_name: "x" },
      prompt_version: { prompt_template: chatTemplate([]), commit_message: "c".repeat(73) },
    });
    expect(longCommit.status).toBe(422);
    expect(longCommit.body.detail[0].loc).toEqual(["body", "prompt_template", "commit_message"]);

    const noBody = await client.call("POST", "/rest/prompt-templates");
    expect(noBody.status).toBe(422);
    expect(noBody.body).toEqual({ detail: [{ loc: ["body"], msg: "Field required", type: "missing" }] });
  });
});

describe("getting templates", () => {
  it("answers 404 in the error shape for an unknown template, version or label", async () => {
    const unknown = await client.call("POST", "/prompt-templates/does-not-exist", {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ success: false, message: "Prompt template 'does-not-exist' not found", error: "Prompt template 'does-not-exist' not found" });
    await publish(client, "has-one", chatTemplate([{ role: "user", text: "x" }]));
    expect((await client.call("POST", "/prompt-templates/has-one", { version: 9 })).status).toBe(404);
    expect((await client.call("POST", "/prompt-templates/has-one", { label: "nope" })).status).toBe(404);
    expect((await client.call("GET", "/prompt-templates/does-not-exist/labels")).status).toBe(404);
  });

  it("answers 422 for wrongly typed get parameters", async () => {
    const res = await client.call("POST", "/prompt-templates/has-one", { version: "latest", input_variables: [1] });
    expect(res.status).toBe(422);
    expect(res.body.detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([
      ["body", "version"],
      ["body", "input_variables"],
    ]);
  });

  it("accepts an empty or null body", async () => {
    expect((await client.call("POST", "/prompt-templates/has-one")).status).toBe(200);
    expect((await client.call("POST", "/prompt-templates/has-one", null)).status).toBe(200);
  });

  it("returns the service's keys", async () => {
    const res = await client.call("POST", "/prompt-templates/has-one", {});
    for (const key of ["id", "prompt_name", "version", "workspace_id", "tags", "commit_message", "prompt_template", "metadata", "llm_kwargs", "provider_base_url", "custom_provider", "provider_id", "snippets", "warning", "request_id"]) {
      expect(res.body).toHaveProperty(key);
    }
  });
});

describe("rendering input variables", () => {
  it("renders f-strings, with {{ and }} as literal braces", async () => {
    await publish(client, "fstring", chatTemplate([{ role: "system", text: 'Reply as JSON like {{"answer": "..."}}.' }, { role: "user", text: "Q: {question} ({lang})" }]), { metadata: openai });
    const res = await client.call("POST", "/prompt-templates/fstring", { input_variables: { question: "What is {x}?", lang: "en" } });
    const [system, user] = res.body.prompt_template.messages;
    expect(system.content[0].text).toBe('Reply as JSON like {"answer": "..."}.');
    // A value containing braces is inserted as is, not rendered again.
    expect(user.content[0].text).toBe("Q: What is {x}? (en)");
    expect(res.body.llm_kwargs.messages).toEqual([
      { role: "system", content: 'Reply as JSON like {"answer": "..."}.' },
      { role: "user", content: [{ type: "text", text: "Q: What is {x}? (en)" }] },
    ]);
    expect(res.body.warning).toBeNull();
  });

  it("formats fields like Python's str.format: attributes, indexes, conversions and specs", async () => {
    await publish(client, "fields", chatTemplate([{ role: "user", text: "{user.name}|{items[1]}|{name!r}|{n:>5}|{pi:.2f}|{flag}|{none}|{a}{{b}}" }]));
    const res = await client.call("POST", "/prompt-templates/fields", { input_variables: { user: { name: "Ann" }, items: ["x", "y"], name: "Bo", n: 42, pi: 3.14159, flag: true, none: null, a: 1 } });
    expect(res.body.prompt_template.messages[0].content[0].text).toBe("Ann|y|'Bo'|   42|3.14|True||1{b}");
    expect(res.body.prompt_template.messages[0].input_variables).toEqual(["user", "items", "name", "n", "pi", "flag", "none", "a"]);
  });

  it("renders missing variables as empty and says so in warning", async () => {
    const res = await client.call("POST", "/prompt-templates/fstring", { input_variables: { question: "hi" } });
    expect(res.body.prompt_template.messages[1].content[0].text).toBe("Q: hi ()");
    expect(res.body.warning).toContain("lang");
  });

  it("leaves the template unrendered without input_variables or with skip_input_variable_rendering", async () => {
    const plain = await client.call("POST", "/prompt-templates/fstring", {});
    expect(plain.body.prompt_template.messages[1].content[0].text).toBe("Q: {question} ({lang})");
    const skipped = await client.call("POST", "/prompt-templates/fstring", { input_variables: { question: "x", lang: "y" }, skip_input_variable_rendering: true });
    expect(skipped.body.prompt_template.messages[1].content[0].text).toBe("Q: {question} ({lang})");
  });

  it("renders jinja2 messages with loops, filters and undefined as empty", async () => {
    await publish(client, "jinja", chatTemplate([{ role: "user", format: "jinja2", text: "{% for i in items %}- {{ i | upper }}\n{% endfor %}{{ missing }}Bye {{ user.name }}" }]));
    const res = await client.call("POST", "/prompt-templates/jinja", { input_variables: { items: ["a", "b"], user: { name: "Ann" } } });
    expect(res.body.prompt_template.messages[0].content[0].text).toBe("- A\n- B\nBye Ann");
    expect(res.body.prompt_template.messages[0].input_variables.sort()).toEqual(["items", "missing", "user"]);
  });

  it("splices a placeholder message from a list input variable", async () => {
    await publish(client, "with-history", chatTemplate([{ role: "system", text: "Be brief." }, { role: "placeholder", name: "history" }, { role: "user", text: "{question}" }]), { metadata: openai });
    const res = await client.call("POST", "/prompt-templates/with-history", {
      input_variables: { question: "And now?", history: [{ role: "user", content: "Earlier" }, { role: "assistant", content: [{ type: "text", text: "Reply" }] }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.prompt_template.messages.map((m: { role: string }) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(res.body.llm_kwargs.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Earlier" }] },
      { role: "assistant", content: "Reply" },
      { role: "user", content: [{ type: "text", text: "And now?" }] },
    ]);
    const bad = await client.call("POST", "/prompt-templates/with-history", { input_variables: { question: "q", history: "not a list" } });
    expect(bad.status).toBe(400);
    expect(bad.body.success).toBe(false);
  });
});

describe("llm_kwargs per provider", () => {
  const messages = [
    { role: "system", text: "Sys {x}" },
    { role: "user", text: "User {x}" },
  ];

  it("builds OpenAI chat kwargs with the stored parameters", async () => {
    await publish(client, "k-openai", chatTemplate(messages), { metadata: openai });
    const res = await client.call("POST", "/prompt-templates/k-openai", { input_variables: { x: "1" } });
    expect(res.body.llm_kwargs).toEqual({
      temperature: 0.2,
      max_tokens: 100,
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Sys 1" },
        { role: "user", content: [{ type: "text", text: "User 1" }] },
      ],
    });
  });

  it("builds Responses kwargs when api_type is responses", async () => {
    await publish(client, "k-responses", chatTemplate(messages), { metadata: { model: { provider: "openai", name: "gpt-4.1", parameters: { max_tokens: 50 }, api_type: "responses" } } });
    const res = await client.call("POST", "/prompt-templates/k-responses", { input_variables: { x: "2" } });
    expect(res.body.llm_kwargs).toEqual({ max_output_tokens: 50, model: "gpt-4.1", input: [{ role: "user", content: [{ type: "input_text", text: "User 2" }] }], instructions: "Sys 2" });
  });

  it("builds Anthropic kwargs with system and max_tokens", async () => {
    await publish(client, "k-anthropic", chatTemplate(messages), { metadata: { model: { provider: "anthropic", name: "claude-haiku-4-5", parameters: { temperature: 0 } } } });
    const res = await client.call("POST", "/prompt-templates/k-anthropic", { input_variables: { x: "3" } });
    expect(res.body.llm_kwargs).toEqual({ temperature: 0, model: "claude-haiku-4-5", max_tokens: 1024, messages: [{ role: "user", content: [{ type: "text", text: "User 3" }] }], system: "Sys 3" });
  });

  it("builds Google kwargs with history and generation_config", async () => {
    await publish(client, "k-google", chatTemplate(messages), { metadata: { model: { provider: "google", name: "gemini-2.5-flash", parameters: { max_tokens: 64 } } } });
    const res = await client.call("POST", "/prompt-templates/k-google", { input_variables: { x: "4" } });
    expect(res.body.llm_kwargs).toEqual({
      model: "gemini-2.5-flash",
      history: [{ role: "user", parts: [{ text: "User 4" }] }],
      generation_config: { max_output_tokens: 64, system_instruction: "Sys 4" },
    });
  });

  it("renders for the provider asked for and applies model_parameter_overrides", async () => {
    const res = await client.call("POST", "/prompt-templates/k-openai", { provider: "anthropic", model: "claude-sonnet-4-5", model_parameter_overrides: { maxOutputTokens: 77 } });
    expect(res.body.llm_kwargs).toMatchObject({ model: "claude-sonnet-4-5", max_tokens: 77, system: "Sys {x}" });
    const openaiOverride = await client.call("POST", "/prompt-templates/k-openai", { model_parameter_overrides: { maxOutputTokens: 12 } });
    expect(openaiOverride.body.llm_kwargs.max_completion_tokens).toBe(12);
    expect(openaiOverride.body.llm_kwargs).not.toHaveProperty("max_tokens");
  });
});

describe("listing templates", () => {
  it("pages with the service's envelope and filters by name, tag and label", async () => {
    for (const n of ["list-a", "list-b", "list-c"]) await publish(client, n, chatTemplate([{ role: "user", text: n }]), { tags: n === "list-b" ? ["special"] : [], release_labels: n === "list-c" ? ["live"] : null });
    const page = await client.call("GET", "/prompt-templates?page=1&per_page=2&name=list-");
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ page: 1, per_page: 2, pages: 2, total: 3, has_next: true, has_prev: false, next_num: 2, prev_num: null });
    expect(page.body.items).toHaveLength(2);
    const item = page.body.items[0];
    for (const key of ["id", "prompt_name", "tags", "folder_id", "prompt_template", "version", "commit_message", "metadata", "parent_folder_name", "full_folder_path"]) expect(item).toHaveProperty(key);
    const second = await client.call("GET", "/prompt-templates?page=2&per_page=2&name=list-");
    expect(second.body).toMatchObject({ page: 2, has_next: false, has_prev: true, next_num: null, prev_num: 1 });
    expect([...page.body.items, ...second.body.items].map((i: { prompt_name: string }) => i.prompt_name).sort()).toEqual(["list-a", "list-b", "list-c"]);

    const tagged = await client.call("GET", "/prompt-templates?tags=special");
    expect(tagged.body.items.map((i: { prompt_name: string }) => i.prompt_name)).toEqual(["list-b"]);
    const labelled = await client.call("GET", "/prompt-templates?label=live");
    expect(labelled.body.items.map((i: { prompt_name: string }) => i.prompt_name)).toEqual(["list-c"]);
    const empty = await client.call("GET", "/prompt-templates?name=zzz-none");
    expect(empty.body).toMatchObject({ items: [], total: 0, pages: 0, has_next: false });
  });

  it("answers 422 for bad paging parameters", async () => {
    const res = await client.call("GET", "/prompt-templates?page=0&per_page=abc&status=gone");
    expect(res.status).toBe(422);
    expect(res.body.detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([
      ["query", "page"],
      ["query", "per_page"],
      ["query", "status"],
    ]);
  });
});
