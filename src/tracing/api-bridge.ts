/**
 * Lets this package work inside an application that still runs the OpenTelemetry 2.x line.
 *
 * Such an app registers its globals (tracer provider, context manager, propagator, meter provider)
 * through `@opentelemetry/api` 1.9 or older. Our 3.x dependencies need api 1.10, so npm installs a
 * second copy beside them, and api 1.10 refuses to read a global written by an older minor: every
 * span would silently be a no-op. The interfaces behind those globals have not changed within 1.x
 * since 1.3, so when the registered globals come from an older 1.x copy, our copy reads them
 * directly instead of falling back to its no-op defaults.
 */
import { context, metrics, propagation, trace } from "@opentelemetry/api";

/** The minor of the api copy we are built against (package.json pins `~1.10.0`; a test checks). */
export const OWN_API_MINOR = 10;
/** The oldest api minor whose global interfaces match ours (the 2.x SDK line accepts >=1.3). */
const OLDEST_BRIDGED_MINOR = 3;

const REGISTRY_KEY = Symbol.for("opentelemetry.js.api.1");
const BRIDGED = Symbol.for("promptlayer-otel.api-bridge");

type GlobalName = "context" | "trace" | "propagation" | "metrics";
type Registry = { version?: unknown } & Partial<Record<GlobalName, unknown>>;

let lastVersion: unknown;
let lastVerdict = false;

/** Whether `version` is a 1.x release older than ours whose globals we can use as they are. */
export function isBridgedVersion(version: unknown): boolean {
  if (version === lastVersion) return lastVerdict;
  const match = typeof version === "string" ? /^1\.(\d+)\.\d+$/.exec(version) : null;
  const minor = match ? Number(match[1]) : -1;
  lastVersion = version;
  lastVerdict = minor >= OLDEST_BRIDGED_MINOR && minor < OWN_API_MINOR;
  return lastVerdict;
}

/** The global `name`, when an older compatible api copy registered it; otherwise undefined. */
function olderGlobal<T>(name: GlobalName): T | undefined {
  const registry = (globalThis as Record<symbol, Registry | undefined>)[REGISTRY_KEY];
  if (registry === undefined || !isBridgedVersion(registry.version)) return undefined;
  return registry[name] as T | undefined;
}

/** Route one accessor of an api singleton through `olderGlobal`, keeping the original as fallback. */
function bridge<A extends object>(api: A, method: string, name: GlobalName): void {
  const target = api as Record<string, unknown>;
  const original = target[method];
  if (typeof original !== "function") return; // a future api reshaped itself: nothing to bridge
  const fallback = original.bind(api) as () => unknown;
  target[method] = () => olderGlobal(name) ?? fallback();
}

/** Install the bridge on the api copy this bundle imports. Idempotent. */
export function installApiBridge(): void {
  const marker = context as unknown as Record<symbol, boolean>;
  if (marker[BRIDGED]) return;
  marker[BRIDGED] = true;
  bridge(context, "_getContextManager", "context");
  bridge(trace, "getTracerProvider", "trace");
  bridge(propagation, "_getGlobalPropagator", "propagation");
  bridge(metrics, "getMeterProvider", "metrics");
}

installApiBridge();
