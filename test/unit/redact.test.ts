import { describe, expect, it } from "vitest";
import { environmentCredentials, scrubCredentials } from "../../src/client/redact.js";

describe("scrubCredentials", () => {
  it.each([
    ["Incorrect API key provided: sk-proj-AbC123xyz_456-789def.", "Incorrect API key provided: [REDACTED]."],
    ["Incorrect API key provided: sk-proj-********************************8KsA.", "Incorrect API key provided: [REDACTED]."],
    ["key sk-ant-api03-AbCdEf0123456789-xyz rejected", "key [REDACTED] rejected"],
    ["Authorization: Bearer eyJhbGciOi.payload.sig", "Authorization: Bearer [REDACTED]"],
    ["authorization=Basic dXNlcjpwYXNz", "authorization=Basic [REDACTED]"],
    ["sent bearer abc.def-123 upstream", "sent bearer [REDACTED] upstream"],
    ["x-api-key: secret-value-1, other", "x-api-key: [REDACTED], other"],
    ['{"api_key":"secret-value-2"}', '{"api_key":"[REDACTED]"}'],
    ['{\\"api-key\\": \\"secret-value-3\\"}', '{\\"api-key\\": \\"[REDACTED]\\"}'],
    ["GET /v1beta/models/m:generateContent?alt=sse&key=secret-value-4", "GET /v1beta/models/m:generateContent?alt=sse&key=[REDACTED]"],
    ["google key AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "google key [REDACTED]"],
    ["promptlayer key pl_0123456789abcdef0123456789abcdef", "promptlayer key [REDACTED]"],
  ])("hides the credential in %j", (text, expected) => {
    expect(scrubCredentials(text, [])).toBe(expected);
  });

  it.each([
    "invalid x-api-key",
    "401 Unauthorized: missing Authorization header",
    "the task-force-assessment-report failed",
    "ENOENT: no such file or directory, open '/home/ada/desk-management-app/config.json'",
    "Rate limit reached for gpt-4o-mini in organization org-123 on tokens per min (TPM)",
  ])("leaves ordinary messages alone: %j", (text) => {
    expect(scrubCredentials(text, [])).toBe(text);
  });

  it("hides known secrets by value, whatever their format", () => {
    expect(scrubCredentials("echoed: odd-format-secret-77 and odd-format-secret-77", ["odd-format-secret-77", undefined])).toBe("echoed: [REDACTED] and [REDACTED]");
  });
});

describe("environmentCredentials", () => {
  it("lists the PromptLayer key and the provider keys run() reads", () => {
    const env = {
      PROMPTLAYER_API_KEY: "pl-key-1",
      OPENAI_API_KEY: "openai-key-2",
      ANTHROPIC_API_KEY: "anthropic-key-3",
      AZURE_OPENAI_API_KEY: "azure-key-4",
      GEMINI_API_KEY: "gemini-key-5",
      OTHER: "not-a-key",
    };
    expect(environmentCredentials(env).sort()).toEqual(["anthropic-key-3", "azure-key-4", "gemini-key-5", "openai-key-2", "pl-key-1"]);
    expect(environmentCredentials({ GOOGLE_API_KEY: "google-key-6" })).toEqual(["google-key-6"]);
  });

  it("knows every key even when other variables are invalid (a malformed base URL costs nothing)", () => {
    expect(environmentCredentials({ PROMPTLAYER_BASE_URL: "not a url", PROMPTLAYER_API_KEY: "pl-key-1", OPENAI_API_KEY: "openai-key-2" })).toEqual(["pl-key-1", "openai-key-2"]);
    expect(environmentCredentials({ GEMINI_BASE_URL: "::", OPENAI_API_KEY: "openai-key-2", AZURE_OPENAI_API_KEY: "0123456789abcdef0123456789abcdef" })).toEqual([
      "openai-key-2",
      "0123456789abcdef0123456789abcdef",
    ]);
  });
});
