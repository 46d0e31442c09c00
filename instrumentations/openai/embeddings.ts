/** `embeddings.create`. */
import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
  GEN_AI_OPERATION,
} from "../../src/semconv.js";
import { isObject, list, num, str, type Params } from "../genai/attributes.js";
import type { ApiSurface } from "../genai/traced-call.js";

export const embeddings: ApiSurface<Params, Params, never> = {
  describe(p) {
    const attributes: Attributes = {};
    if (str(p.encoding_format)) attributes[ATTR_GEN_AI_REQUEST_ENCODING_FORMATS] = [String(p.encoding_format)];
    const dims = num(p.dimensions);
    if (dims !== undefined) attributes[ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = dims;
    return { operation: GEN_AI_OPERATION.embeddings, model: str(p.model), attributes };
  },

  recordResult(call, r, p) {
    call.response({ model: str(r.model) });
    const usage = isObject(r.usage) ? r.usage : {};
    call.setUsage({ input: num(usage.prompt_tokens) });
    if (p.dimensions === undefined) {
      const first = list(r.data).find(isObject);
      const vector = first?.embedding;
      const count = Array.isArray(vector) ? vector.length : undefined;
      if (count !== undefined) call.span.setAttribute(ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, count);
    }
  },
};
