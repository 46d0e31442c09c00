/**
 * The registry prompt a piece of work runs for. `client.run()` puts it in the OpenTelemetry
 * context; the model-call spans created inside pick it up, so a provider span says which prompt
 * (name, id, version, label) produced it and that `run()` already logged the request.
 */
import { context, createContextKey, type Context } from "@opentelemetry/api";

export interface PromptContext {
  name: string;
  id?: number | string | undefined;
  version?: number | undefined;
  label?: string | undefined;
  /**
   * Span id under which `run()` logs this request itself (`track-request`'s `span_id`). Model
   * spans inside carry it with `promptlayer.request_log.managed=true`, so the service does not
   * create a second log from them.
   */
  requestLogSpanId?: string | undefined;
}

const PROMPT_KEY = createContextKey("promptlayer-otel.prompt");

export function setPromptContext(ctx: Context, prompt: PromptContext): Context {
  return ctx.setValue(PROMPT_KEY, prompt);
}

/** Runs `fn` with `prompt` as the current registry prompt. */
export function withPromptContext<T>(prompt: PromptContext, fn: () => T): T {
  return context.with(setPromptContext(context.active(), prompt), fn);
}

export function getPromptContext(ctx: Context = context.active()): PromptContext | undefined {
  return ctx.getValue(PROMPT_KEY) as PromptContext | undefined;
}
