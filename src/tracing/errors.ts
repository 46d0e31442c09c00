import { SpanStatusCode, type Exception, type Span } from "@opentelemetry/api";
import { environmentCredentials, scrubCredentials } from "../client/redact.js";
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

/** A property of an error as a string, or undefined when falsy (as the SDK treats it) or unreadable. */
function field(err: Error, name: "name" | "stack" | "code"): string | undefined {
  try {
    const value = (err as unknown as Record<string, unknown>)[name];
    return value ? String(value) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the exception event records, secrets removed. Provider errors quote their response body,
 * and a 401 body can quote the key itself (OpenAI: "Incorrect API key provided: sk-…"); the
 * stack's first line repeats the message.
 */
function scrubbedException(err: unknown, text: string, scrub: (text: string) => string): Exception {
  if (!(err instanceof Error)) return { name: errorType(err), message: text };
  // The fields the SDK reads from an Error (`code` before `name` for `exception.type`).
  const code = field(err, "code");
  const stack = field(err, "stack");
  return { name: field(err, "name") ?? errorType(err), message: text, ...(code && { code: scrub(code) }), ...(stack && { stack: scrub(stack) }) };
}

/** `text` with every credential this process knows of, and anything shaped like one, removed. */
export function scrubErrorText(text: string): string {
  return scrubCredentials(text, environmentCredentials());
}

/** Status ERROR, an exception event and `error.type`, with credentials scrubbed from the text; never throws. */
export function recordError(span: Span, err: unknown): void {
  try {
    // Runs only for failed calls; reading the environment here keeps keys set after init() known.
    const secrets = environmentCredentials();
    const scrub = (text: string) => scrubCredentials(text, secrets);
    const text = scrub(message(err));
    span.setAttribute(ATTR_ERROR_TYPE, errorType(err));
    span.recordException(scrubbedException(err, text, scrub));
    span.setStatus({ code: SpanStatusCode.ERROR, message: text });
  } catch {
    // Recording is best effort; the caller's own error is what matters.
  }
}
