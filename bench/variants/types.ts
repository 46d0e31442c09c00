/** What a variant is: one way of observing (or not) the same SDK call. */
import type { Provider } from "../workload.js";

export type Family = "bare" | "provider" | "builtin" | "ours" | "peer";

export interface SetupContext {
  provider: Provider;
  /** `require` rooted in the SDK line's isolated install (`bench/peers/<line>`). */
  peerRequire: NodeJS.Require;
  /** That install's directory, for reading versions from disk. */
  peerDir: string;
}

export interface Variant {
  /** `family:content`, e.g. `ours:off`, `traceloop:on`. */
  id: string;
  family: Family;
  /** Display name: the package that instruments, or what the baseline is. */
  name: string;
  /** For peers: the package that instruments each SDK (the display name, per SDK). */
  packages?: Partial<Record<Provider, string>>;
  /** Whether this variant records prompts/completions, and whether that is the package's default. */
  content: "off" | "on" | "n/a";
  isDefault: boolean;
  /** Which SDKs it can observe. */
  providers: readonly Provider[];
  /** Needs the shared tracer provider registered. */
  traced: boolean;
  /** Spans each model call must produce for the variant to count as instrumenting. */
  expectedSpansPerCall: number;
  /** Extra environment for the worker process. */
  env?: Record<string, string>;
  /**
   * Enables the instrumentation; runs after the provider is registered and before the SDK is
   * required (module hooks only see later loads).
   */
  setup(ctx: SetupContext): Promise<SetupResult>;
}

export interface SetupResult {
  /** The instrumenting package's version. */
  version?: string | undefined;
  /** The instrumentation, when there is one: its module definitions explain a silent miss. */
  instrumentation?: unknown;
}
