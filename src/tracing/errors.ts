import { SpanStatusCode, type Span } from "@opentelemetry/api";
import { ATTR_ERROR_TYPE, ERROR_TYPE_OTHER } from "../semconv.js";

/** Low-cardinality `error.type`: the error's class name, or `_OTHER`. */
export function errorType(err: unknown): string {
  try {
    if (err instanceof Error) return err.constructor?.name || err.name || ERROR_TYPE_OTHER;
    if (err !== null && typeof err === "object") return (err as object).constructor?.name || ERROR_TYPE_OTHER;
  } catch {
    // A hostile object: fall through.
  }
  return ERROR_TYPE_OTHER;
}

function message(err: unknown): string {
  try {
    return err instanceof Error ? err.message : String(err);
  } catch {
    return "unknown error";
  }
}

/** Status ERROR, an exception event and `error.type`; never throws. */
export function recordError(span: Span, err: unknown): void {
  try {
    span.setAttribute(ATTR_ERROR_TYPE, errorType(err));
    span.recordException(err instanceof Error ? err : { name: errorType(err), message: message(err) });
    span.setStatus({ code: SpanStatusCode.ERROR, message: message(err) });
  } catch {
    // Recording is best effort; the caller's own error is what matters.
  }
}
