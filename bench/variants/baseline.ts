/**
 * Baselines. `bare`: the SDK alone, nothing registered. `provider`: a tracer provider and context
 * manager registered but nothing instrumenting, the floor every traced variant stands on.
 * `builtin`: @anthropic-ai/sdk >= 0.134 tracing itself once a provider is registered.
 */
import type { Variant } from "./types.js";

/**
 * @anthropic-ai/sdk >= 0.134 starts spans of its own whenever a tracer provider is registered. The
 * baselines and the peers run with that switched off, so each variant measures only itself (a
 * peer on top of it would otherwise emit two spans per call). Ours needs no switch: it turns the
 * SDK's tracing off per client, and is measured the way users run it.
 */
export const NO_SDK_TRACING = { ANTHROPIC_OPEN_TELEMETRY: "false" };

const none = async () => ({});

export const bare: Variant = {
  id: "bare",
  family: "bare",
  name: "bare SDK",
  content: "n/a",
  isDefault: true,
  providers: ["openai", "anthropic"],
  traced: false,
  expectedSpansPerCall: 0,
  env: NO_SDK_TRACING,
  setup: none,
};

export const providerOnly: Variant = {
  id: "provider",
  family: "provider",
  name: "tracer provider, no instrumentation",
  content: "n/a",
  isDefault: true,
  providers: ["openai", "anthropic"],
  traced: true,
  expectedSpansPerCall: 0,
  env: NO_SDK_TRACING,
  setup: none,
};

export const sdkBuiltin: Variant = {
  id: "builtin",
  family: "builtin",
  name: "@anthropic-ai/sdk built-in tracing",
  content: "off",
  isDefault: true,
  providers: ["anthropic"],
  traced: true,
  expectedSpansPerCall: 1,
  setup: async ({ peerDir }) => {
    const { packageVersion } = await import("../lib/versions.js");
    return { version: packageVersion(peerDir, "@anthropic-ai/sdk") };
  },
};
