/**
 * The peer instrumentations, each from the isolated install with the SDK copy it patches, each
 * with content capture off and on. Constructing an OpenTelemetry instrumentation enables it.
 */
import { packageVersion } from "../lib/versions.js";
import type { Provider } from "../workload.js";
import { NO_SDK_TRACING } from "./baseline.js";
import type { SetupContext, SetupResult, Variant } from "./types.js";

type Ctor = new (config?: Record<string, unknown>) => unknown;

function construct(ctx: SetupContext, pkg: string, exportName: string, config: Record<string, unknown>): SetupResult {
  const Instrumentation = (ctx.peerRequire(pkg) as Record<string, Ctor>)[exportName];
  if (typeof Instrumentation !== "function") throw new Error(`${pkg} has no ${exportName}`);
  return { version: packageVersion(ctx.peerDir, pkg), instrumentation: new Instrumentation(config) };
}

interface PeerSpec {
  family: string;
  packages: Partial<Record<Provider, { name: string; exportName: string }>>;
  /** The package's own default. */
  defaultContent: boolean;
  config(content: boolean): Record<string, unknown>;
}

function peer(spec: PeerSpec, content: boolean): Variant {
  const providers = Object.keys(spec.packages) as Provider[];
  return {
    id: `${spec.family}:${content ? "on" : "off"}`,
    family: "peer",
    name: providers.map((p) => spec.packages[p]!.name).join(" / "),
    packages: Object.fromEntries(providers.map((p) => [p, spec.packages[p]!.name])),
    content: content ? "on" : "off",
    isDefault: content === spec.defaultContent,
    providers,
    traced: true,
    expectedSpansPerCall: 1,
    env: NO_SDK_TRACING,
    async setup(ctx) {
      const pkg = spec.packages[ctx.provider];
      if (!pkg) throw new Error(`${spec.family} does not instrument ${ctx.provider}`);
      return construct(ctx, pkg.name, pkg.exportName, spec.config(content));
    },
  };
}

/** @opentelemetry/instrumentation-openai: content goes to log events (no LoggerProvider here, so a lower bound). */
const contrib: PeerSpec = {
  family: "contrib",
  packages: { openai: { name: "@opentelemetry/instrumentation-openai", exportName: "OpenAIInstrumentation" } },
  defaultContent: false,
  config: (content) => ({ captureMessageContent: content }),
};

const traceloop: PeerSpec = {
  family: "traceloop",
  packages: {
    openai: { name: "@traceloop/instrumentation-openai", exportName: "OpenAIInstrumentation" },
    anthropic: { name: "@traceloop/instrumentation-anthropic", exportName: "AnthropicInstrumentation" },
  },
  defaultContent: true,
  config: (content) => ({ traceContent: content }),
};

const openinference: PeerSpec = {
  family: "openinference",
  packages: {
    openai: { name: "@arizeai/openinference-instrumentation-openai", exportName: "OpenAIInstrumentation" },
    anthropic: { name: "@arizeai/openinference-instrumentation-anthropic", exportName: "AnthropicInstrumentation" },
  },
  defaultContent: true,
  // OpenInference masks content when setting attributes; hideInputs/hideOutputs is its "off".
  config: (content) => (content ? {} : { traceConfig: { hideInputs: true, hideOutputs: true } }),
};

export const PEER_VARIANTS: Variant[] = [contrib, traceloop, openinference].flatMap((s) => [peer(s, false), peer(s, true)]);
