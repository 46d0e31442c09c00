/**
 * Whether message-like content (tool arguments and results on agent/tool spans, traceable inputs
 * and outputs) is recorded: what `init()` decided, else `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`
 * (read once, then remembered: this is asked on every traced call), else off.
 */
import { genAIEnvironment } from "../config.js";

const STATE = Symbol.for("promptlayer-otel.capture-content");
const FROM_ENV = Symbol.for("promptlayer-otel.capture-content.env");
type Holder = { [STATE]?: boolean; [FROM_ENV]?: { value: boolean | undefined } };

export function setContentCapture(enabled: boolean | undefined): void {
  const holder = globalThis as Holder;
  holder[STATE] = enabled;
  delete holder[FROM_ENV]; // re-read the variable next time nothing is decided
}

/** What `init()` or the variable decided; undefined when neither said anything. */
export function contentCaptureSetting(): boolean | undefined {
  const holder = globalThis as Holder;
  const decided = holder[STATE];
  if (decided !== undefined) return decided;
  return (holder[FROM_ENV] ??= { value: genAIEnvironment().captureContent }).value;
}

export function contentCaptureEnabled(): boolean {
  return contentCaptureSetting() ?? false;
}
