/**
 * `POST /v1/embeddings`: deterministic unit vectors, one per input. The openai SDK asks for
 * `encoding_format: "base64"` unless the caller chose a format, then decodes little-endian
 * Float32s; floats are rounded through Float32 so both encodings carry identical numbers.
 */
import { createHash } from "node:crypto";
import { countTokens } from "./content.js";
import { asNumber, MockHttpError, requireString, sendJson, type MockContext } from "./http.js";

export const DEFAULT_EMBEDDING_DIMENSIONS = 8;
const MAX_DIMENSIONS = 8192;

/** A unit vector of `dimensions` Float32 values derived from the input alone (same text → same vector). */
export function embeddingFor(input: unknown, dimensions: number): Float32Array {
  const key = typeof input === "string" ? input : JSON.stringify(input);
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block++) {
    const digest = createHash("sha256").update(`${block}:${key}`).digest();
    for (let i = 0; i + 1 < digest.length && raw.length < dimensions; i += 2) raw.push(digest.readUInt16LE(i) / 32767.5 - 1);
  }
  const norm = Math.hypot(...raw) || 1;
  return Float32Array.from(raw, (v) => v / norm);
}

/** Explicitly little-endian, whatever the host's byte order. */
function float32LeBase64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString("base64");
}

/** `input` is a string, a list of strings, a token list, or a list of token lists. */
function inputsOf(input: unknown): unknown[] {
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.length > 0) return input.every((v) => typeof v === "number") ? [input] : input;
  throw new MockHttpError(400, "input: expected a non-empty string or array");
}

export async function handleEmbeddings(ctx: MockContext): Promise<void> {
  const { body } = ctx;
  const model = requireString(body, "model");
  const inputs = inputsOf(body.input);
  const dimensions = Math.floor(asNumber(body.dimensions) ?? DEFAULT_EMBEDDING_DIMENSIONS);
  if (dimensions < 1 || dimensions > MAX_DIMENSIONS) throw new MockHttpError(400, `dimensions: must be between 1 and ${MAX_DIMENSIONS}`);
  const base64 = body.encoding_format === "base64";
  const tokens = inputs.reduce<number>((sum, input) => sum + (Array.isArray(input) ? input.length : countTokens(String(input))), 0);
  await sendJson(ctx, 200, {
    object: "list",
    data: inputs.map((input, index) => {
      const vector = embeddingFor(input, dimensions);
      const embedding = base64 ? float32LeBase64(vector) : Array.from(vector);
      return { object: "embedding", index, embedding };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}
