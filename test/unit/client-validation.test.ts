import { describe, expect, it, vi } from "vitest";
import { logRequestBody } from "../../src/client/log-request.js";
import { PromptLayer, PromptLayerValidationError } from "../../src/index.js";
import { createConsoleLogger, setLogger } from "../../src/logger.js";

/** A client whose fetch must never be reached: every case here fails before sending. */
function offlineClient(throwOnError = true) {
  const fetch = vi.fn(async () => new Response("{}", { status: 200 }));
  const pl = new PromptLayer({ apiKey: "pl_k", baseURL: "http://pl.test", throwOnError, fetch: fetch as unknown as typeof globalThis.fetch });
  return { pl, fetch };
}

async function validationError(p: Promise<unknown>): Promise<PromptLayerValidationError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof PromptLayerValidationError)) throw new Error(`expected a PromptLayerValidationError, got ${String(e)}`);
  return e;
}

describe("client-side checks", () => {
  it("rejects a score that is not an integer from 0 to 100", async () => {
    const { pl, fetch } = offlineClient();
    for (const score of [-1, 101, 50.5, Number.NaN]) {
      const e = await validationError(pl.track.score({ requestId: 1, score }));
      expect(e.param).toBe("score");
    }
    expect(fetch).not.toHaveBeenCalled();
  });

  it("rejects metadata that does not map strings to strings", async () => {
    const { pl, fetch } = offlineClient();
    const e = await validationError(pl.track.metadata({ requestId: 1, metadata: { n: 1 } as unknown as Record<string, string> }));
    expect(e.message).toContain('"n"');
    await validationError(pl.run({ promptName: "p", metadata: { nested: { a: "b" } } as unknown as Record<string, string> }));
    expect(fetch).not.toHaveBeenCalled();
  });

  it("rejects prompt input variables that are not an object, and non-integer request ids", async () => {
    const { pl, fetch } = offlineClient();
    await validationError(pl.track.prompt({ requestId: 1, promptName: "p", promptInputVariables: [] as unknown as Record<string, unknown> }));
    await validationError(pl.track.group({ requestId: "12" as unknown as number, groupId: 1 }));
    await validationError(pl.templates.get("p", { version: 0 }));
    await validationError(pl.templates.get(""));
    expect(fetch).not.toHaveBeenCalled();
  });

  it("checks publish limits: name up to 512 characters, commit message up to 72", async () => {
    const { pl } = offlineClient();
    const promptTemplate = { type: "chat" as const, messages: [] };
    expect((await validationError(pl.templates.publish({ promptName: "x".repeat(513), promptTemplate }))).param).toBe("promptName");
    expect((await validationError(pl.templates.publish({ promptName: "x", promptTemplate, commitMessage: "c".repeat(73) }))).param).toBe("commitMessage");
  });

  it("maps logRequest's camelCase to the wire's snake_case, with ISO times and the error message cut to 1024", () => {
    const start = new Date("2026-01-02T03:04:05.000Z");
    const body = logRequestBody({
      provider: "openai",
      model: "gpt-4o",
      input: { type: "chat", messages: [] },
      output: { type: "chat", messages: [] },
      requestStartTime: start,
      requestEndTime: start.getTime() + 1500,
      promptName: "p",
      promptVersionNumber: 2,
      promptInputVariables: { a: 1 },
      inputTokens: 3,
      outputTokens: 4,
      scoreName: "accuracy",
      score: 90,
      status: "ERROR",
      errorType: "PROVIDER_ERROR",
      errorMessage: "e".repeat(2000),
    });
    expect(body).toMatchObject({
      request_start_time: "2026-01-02T03:04:05.000Z",
      request_end_time: "2026-01-02T03:04:06.500Z",
      prompt_name: "p",
      prompt_version_number: 2,
      prompt_input_variables: { a: 1 },
      input_tokens: 3,
      output_tokens: 4,
      score_name: "accuracy",
      score: 90,
      status: "ERROR",
      error_type: "PROVIDER_ERROR",
    });
    expect(String(body.error_message)).toHaveLength(1024);
    expect(Object.keys(body).some((k) => /[A-Z]/.test(k))).toBe(false);
  });

  it("rejects a log with a tag over 512 characters or an unusable time", () => {
    const base = { provider: "openai", model: "m", input: { type: "chat" as const, messages: [] }, output: { type: "chat" as const, messages: [] }, requestStartTime: new Date(), requestEndTime: new Date() };
    expect(() => logRequestBody({ ...base, tags: ["t".repeat(513)] })).toThrow(PromptLayerValidationError);
    expect(() => logRequestBody({ ...base, requestStartTime: "not a date" })).toThrow(PromptLayerValidationError);
  });

  it("with throwOnError false, a failed check returns the neutral value and logs a warning", async () => {
    const warnings: string[] = [];
    setLogger({ ...createConsoleLogger("none"), warn: (m: string) => void warnings.push(m) });
    try {
      const { pl, fetch } = offlineClient(false);
      await expect(pl.track.score({ requestId: 1, score: 500 })).resolves.toBe(false);
      await expect(pl.templates.get("p", { version: -2 })).resolves.toBeNull();
      await expect(pl.logRequest({} as never)).resolves.toBeNull();
      expect(fetch).not.toHaveBeenCalled();
      expect(warnings).toHaveLength(3);
      expect(warnings[0]).toContain("track.score failed: Invalid score");
    } finally {
      setLogger(createConsoleLogger());
    }
  });
});
