import { describe, expect, it } from "vitest";
import { createAccumulator } from "../../src/client/run/accumulate.js";
import { categorizeProviderError, providerErrorMessage } from "../../src/client/run/error-type.js";
import { geminiRequestBody } from "../../src/client/run/gemini.js";
import { planProviderCall } from "../../src/client/run/plan.js";
import type { PromptTemplate } from "../../src/client/types.js";
import { PromptLayerValidationError } from "../../src/errors.js";

function template(provider: string, model: string, extra: Partial<PromptTemplate> = {}, apiType?: string): PromptTemplate {
  return {
    id: 9,
    prompt_name: "p",
    version: 2,
    prompt_template: { type: "chat", messages: [] },
    metadata: { model: { provider, name: model, parameters: {}, ...(apiType ? { api_type: apiType } : {}) } },
    llm_kwargs: { model, messages: [] },
    ...extra,
  };
}

describe("provider plan", () => {
  it("picks the API and the logged function_name from provider and api_type", () => {
    const cases: Array<[string, string, string | undefined, string, string]> = [
      ["openai", "gpt-4o", "chat-completions", "openai.chat", "openai.chat.completions.create"],
      ["openai", "gpt-4o", undefined, "openai.chat", "openai.chat.completions.create"],
      ["openai", "gpt-4o", "responses", "openai.responses", "openai.responses.create"],
      ["openai.azure", "gpt-4o", "chat-completions", "openai.chat", "openai.AzureOpenAI.chat.completions.create"],
      ["anthropic", "claude-x", undefined, "anthropic.messages", "anthropic.messages.create"],
      ["google", "gemini-2.5-flash", undefined, "google.generate", "google.convo.send_message"],
      ["vertexai", "gemini-2.5-pro", undefined, "google.generate", "google.convo.send_message"],
    ];
    for (const [provider, model, apiType, api, functionName] of cases) {
      expect(planProviderCall(template(provider, model, {}, apiType), false)).toMatchObject({ api, functionName, providerType: provider });
    }
  });

  it("uses the legacy completions endpoint for completion templates without an api_type", () => {
    const t = template("openai", "gpt-3.5-turbo-instruct", { prompt_template: { type: "completion", content: [] }, llm_kwargs: { model: "gpt-3.5-turbo-instruct", prompt: "x" } });
    expect(planProviderCall(t, false)).toMatchObject({ api: "openai.completions", functionName: "openai.completions.create" });
  });

  it("adds stream, and stream_options.include_usage for OpenAI chat streams only", () => {
    expect(planProviderCall(template("openai", "gpt-4o"), true).kwargs).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(planProviderCall(template("openai", "gpt-4o"), false).kwargs).toEqual({ model: "gpt-4o", messages: [], stream: false });
    expect(planProviderCall(template("anthropic", "claude-x"), true).kwargs).not.toHaveProperty("stream_options");
  });

  it("sends a custom provider's base URL and key to the SDK constructor, never in the kwargs", () => {
    const t = template("anthropic", "claude-x", {
      custom_provider: { client: "anthropic", base_url: "https://proxy.example", api_key: "sk-custom-secret" },
      llm_kwargs: { model: "claude-x", messages: [], api_key: "leak", base_url: "leak", baseURL: "leak", apiKey: "leak" },
    });
    const plan = planProviderCall(t, false);
    expect(plan.connection).toEqual({ baseURL: "https://proxy.example", apiKey: "sk-custom-secret" });
    expect(JSON.stringify(plan.kwargs)).not.toMatch(/leak|secret|proxy/);
  });

  it("rejects templates it cannot run with a typed error", () => {
    expect(() => planProviderCall(template("mistral", "mistral-large"), false)).toThrow(PromptLayerValidationError);
    expect(() => planProviderCall(template("openai", "gpt", { metadata: null }), false)).toThrow(/no model/);
    expect(() => planProviderCall(template("openai", "gpt", { llm_kwargs: null }), false)).toThrow(/llm_kwargs/);
  });
});

describe("provider error categories (CONTRACT §4.7)", () => {
  class RateLimitError extends Error {}
  class APIConnectionTimeoutError extends Error {}
  class AuthenticationError extends Error {}
  const withStatus = (status: number, message = "x") => Object.assign(new Error(message), { status });

  it("assigns error_type by status, class name and message, first match wins", () => {
    expect(categorizeProviderError(withStatus(429))).toBe("PROVIDER_RATE_LIMIT");
    expect(categorizeProviderError(new RateLimitError("x"))).toBe("PROVIDER_RATE_LIMIT");
    expect(categorizeProviderError(new APIConnectionTimeoutError("x"))).toBe("PROVIDER_TIMEOUT");
    expect(categorizeProviderError(withStatus(401))).toBe("PROVIDER_AUTH_ERROR");
    expect(categorizeProviderError(new AuthenticationError("x"))).toBe("PROVIDER_AUTH_ERROR");
    expect(categorizeProviderError(withStatus(402))).toBe("PROVIDER_QUOTA_LIMIT");
    expect(categorizeProviderError(withStatus(400, "You exceeded your current quota"))).toBe("PROVIDER_QUOTA_LIMIT");
    expect(categorizeProviderError(new Error("Request timed out."))).toBe("PROVIDER_TIMEOUT");
    expect(categorizeProviderError(withStatus(500))).toBe("PROVIDER_ERROR");
    expect(categorizeProviderError(new Error("boom"))).toBe("UNKNOWN_ERROR");
  });

  it("cuts the logged message to 1024 characters and removes provider keys", () => {
    const message = providerErrorMessage(new Error(`bad key sk-live-123456 ${"x".repeat(3000)}`), ["sk-live-123456"]);
    expect(message).toHaveLength(1024);
    expect(message).not.toContain("sk-live-123456");
  });
});

describe("Gemini request body", () => {
  it("moves the Python-shaped kwargs into the REST body: contents, camelCase config, top-level system instruction and tools", () => {
    const body = geminiRequestBody({
      model: "gemini-2.5-flash",
      stream: true,
      history: [{ role: "user", parts: [{ text: "hi" }] }],
      generation_config: {
        system_instruction: "Be brief.",
        max_output_tokens: 50,
        tools: [{ function_declarations: [{ name: "get_weather", parameters: { type: "object", properties: { city_name: { type: "string" } } } }] }],
      },
    });
    expect(body).toEqual({
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      tools: [{ functionDeclarations: [{ name: "get_weather", parameters: { type: "object", properties: { city_name: { type: "string" } } } }] }],
      generationConfig: { maxOutputTokens: 50 },
    });
  });
});

describe("stream accumulation", () => {
  it("folds OpenAI chat chunks, tool-call argument pieces included, into one chat.completion", () => {
    const acc = createAccumulator("openai.chat");
    acc.push({ id: "c1", model: "m", created: 1, choices: [{ index: 0, delta: { role: "assistant", content: "Hel" } }] });
    acc.push({ id: "c1", choices: [{ index: 0, delta: { content: "lo", tool_calls: [{ index: 0, id: "call_1", function: { name: "f", arguments: '{"a"' } }] } }] });
    acc.push({ id: "c1", choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ":1}" } }] }, finish_reason: "tool_calls" }] });
    acc.push({ id: "c1", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } });
    expect(acc.response()).toMatchObject({
      id: "c1",
      object: "chat.completion",
      choices: [{ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: "Hello", tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] } }],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
  });

  it("folds Anthropic events into a message without changing the events the caller sees", () => {
    const acc = createAccumulator("anthropic.messages");
    const start = { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } };
    acc.push({ type: "message_start", message: { id: "msg", model: "claude", usage: { input_tokens: 5 } } });
    acc.push(start);
    acc.push({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } });
    acc.push({ type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "tu", name: "f", input: {} } });
    acc.push({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"x":' } });
    acc.push({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "2}" } });
    acc.push({ type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 7 } });
    expect(acc.response()).toMatchObject({
      id: "msg",
      stop_reason: "tool_use",
      usage: { input_tokens: 5, output_tokens: 7 },
      content: [
        { type: "text", text: "Hi" },
        { type: "tool_use", id: "tu", name: "f", input: { x: 2 } },
      ],
    });
    expect(start.content_block.text).toBe("");
  });
});
