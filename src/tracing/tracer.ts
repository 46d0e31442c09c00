import { trace, type Tracer } from "@opentelemetry/api";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";

/**
 * The package's tracer, resolved through the global API on each call so that it follows
 * whichever provider is registered (ours from `init()`, or the application's own).
 */
export function getTracer(): Tracer {
  return trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
}
