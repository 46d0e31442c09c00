/**
 * Whether message-like content (tool arguments and results on agent/tool spans) is recorded:
 * what `init()` decided, else `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, else off.
 */
import { genAIEnvironment } from "../config.js";

const STATE = Symbol.for("promptlayer-otel.capture-content");
type Holder = { [STATE]?: boolean };

export function setContentCapture(enabled: boolean | undefined): void {
  (globalThis as Holder)[STATE] = enabled;
}

/** What `init()` or the variable decided; undefined when neither said anything. */
export function contentCaptureSetting(): boolean | undefined {
  return (globalThis as Holder)[STATE] ?? genAIEnvironment().captureContent;
}

export function contentCaptureEnabled(): boolean {
  return contentCaptureSetting() ?? false;
}
