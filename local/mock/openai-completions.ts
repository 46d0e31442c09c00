/**
 * `POST /v1/completions` (legacy text completions): one choice per prompt × `n`, streamed as
 * `text_completion` chunks ending with an empty-text chunk that carries finish_reason.
 */
import { countTokens, createdAt, DEFAULT_STREAM_CHUNKS, hashChars, padForChunks, replyTo, splitText, truncateToTokens } from "./content.js";
import { asNumber, asObject, MockHttpError, requireString, sendJson, type MockContext } from "./http.js";
import { writeSse, type SseEvent } from "./sse.js";

/** `prompt` is a string, a list of strings, a token list or a list of token lists. */
function promptsOf(prompt: unknown): string[] {
  if (typeof prompt === "string") return [prompt];
  if (Array.isArray(prompt) && prompt.length > 0) {
    if (prompt.every((p) => typeof p === "number")) return [prompt.join(" ")];
    return prompt.map((p) => (Array.isArray(p) ? p.join(" ") : String(p)));
  }
  throw new MockHttpError(400, "prompt: expected a non-empty string or array");
}

export async function handleCompletions(ctx: MockContext): Promise<void> {
  const { body, seed, faults } = ctx;
  const model = requireString(body, "model");
  const prompts = promptsOf(body.prompt);
  const n = Math.min(Math.max(Math.floor(asNumber(body.n) ?? 1), 1), 128);
  const maxTokens = asNumber(body.max_tokens);
  const choices = prompts.flatMap((prompt, p) =>
    Array.from({ length: n }, (_, i) => {
      const cut = truncateToTokens(padForChunks(replyTo(prompt), faults.chunks), maxTokens);
      return { index: p * n + i, text: cut.text, finish_reason: cut.truncated ? "length" : "stop" };
    }),
  );
  const promptTokens = prompts.reduce((sum, p) => sum + countTokens(p), 0);
  const completionTokens = choices.reduce((sum, c) => sum + countTokens(c.text), 0);
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const envelope = { id: `cmpl-${hashChars(seed, "cmpl", 29)}`, object: "text_completion", created: createdAt(seed), model, system_fingerprint: null };

  if (body.stream !== true) {
    await sendJson(ctx, 200, { ...envelope, choices: choices.map((c) => ({ text: c.text, index: c.index, logprobs: null, finish_reason: c.finish_reason })), usage });
    return;
  }
  const events: SseEvent[] = [];
  const chunk = (choice: { text: string; index: number; finish_reason: string | null }) => ({ data: { ...envelope, choices: [{ ...choice, logprobs: null }] } });
  for (const c of choices) {
    for (const piece of splitText(c.text, faults.chunks ?? DEFAULT_STREAM_CHUNKS)) if (piece !== "") events.push(chunk({ text: piece, index: c.index, finish_reason: null }));
    events.push(chunk({ text: "", index: c.index, finish_reason: c.finish_reason }));
  }
  if (asObject(body.stream_options).include_usage === true) events.push({ data: { ...envelope, choices: [], usage } });
  events.push({ data: "[DONE]" });
  await writeSse(ctx, events);
}
