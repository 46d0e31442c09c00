/**
 * What a worker does before it measures anything: register the tracer provider (if the variant
 * needs one), enable the variant's instrumentation, require the SDK from the SDK line's isolated
 * install, and build a client that talks to the mock server or the canned fetch.
 */
import { registerInstrumentations, type Instrumentation } from "@opentelemetry/instrumentation";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { cannedFetch, type CannedResponses } from "../canned-fetch.js";
import { variantById, type SetupResult, type Variant } from "../variants/index.js";
import { makeClient, STREAM_CHUNKS, type BenchClient, type Provider, type Scenario } from "../workload.js";
import { PEERS_DIR } from "./paths.js";
import { installTracing, type SpanCounter } from "./tracing.js";
import { packageVersion } from "./versions.js";

export type Transport = "inproc" | "loopback";

export interface HarnessSpec {
  provider: Provider;
  /** Isolated install under bench/peers/ holding the SDK (and the peers) to use. */
  line: string;
  variant: string;
  transport: Transport;
  mockUrl: string;
  cannedFile: string;
}

export const SDK_PACKAGE: Record<Provider, string> = { openai: "openai", anthropic: "@anthropic-ai/sdk" };

export interface Harness {
  variant: Variant;
  client: BenchClient;
  counter: SpanCounter | undefined;
  setup: SetupResult;
  sdkVersion: string | undefined;
}

export type HarnessFailure = { failed: "error" | "did-not-instrument"; reason: string; sdkVersion: string | undefined; instrumentationVersion?: string | undefined };

export async function prepare(spec: HarnessSpec): Promise<Harness | HarnessFailure> {
  const variant = variantById(spec.variant);
  // Before anything reads it: the SDKs read their switches when a client is constructed.
  Object.assign(process.env, variant.env);
  const peerDir = join(PEERS_DIR, spec.line);
  const sdkVersion = packageVersion(peerDir, SDK_PACKAGE[spec.provider]);
  const counter = variant.traced ? installTracing() : undefined;
  const peerRequire = createRequire(join(peerDir, "package.json"));

  let setup: SetupResult;
  try {
    setup = await variant.setup({ provider: spec.provider, peerRequire, peerDir });
    // The documented way to enable any instrumentation (NodeSDK does the same). It also hands over
    // the meter provider, which some instrumentations need before their first call.
    if (setup.instrumentation) registerInstrumentations({ instrumentations: [setup.instrumentation as Instrumentation] });
  } catch (error) {
    return { failed: "error", reason: `setup failed: ${(error as Error).message}`, sdkVersion };
  }
  let sdk: unknown;
  try {
    sdk = peerRequire(SDK_PACKAGE[spec.provider]);
  } catch (error) {
    // e.g. an instrumentation whose patch throws inside require().
    return {
      failed: "did-not-instrument",
      reason: `require("${SDK_PACKAGE[spec.provider]}") threw: ${(error as Error).message}`,
      sdkVersion,
      instrumentationVersion: setup.version,
    };
  }
  const canned = (JSON.parse(readFileSync(spec.cannedFile, "utf8")) as CannedResponses)[spec.provider];
  const client = makeClient(spec.provider, {
    sdk,
    baseURL: spec.transport === "loopback" ? spec.mockUrl : "http://canned.invalid",
    ...(spec.transport === "inproc" ? { fetch: cannedFetch(canned) } : {}),
  });
  return { variant, client, counter, setup, sdkVersion };
}

/** Why an instrumentation stayed silent: the version ranges it hooks, when it declares them. */
export function supportedRanges(setup: SetupResult): string | undefined {
  const defs = (setup.instrumentation as { getModuleDefinitions?: () => Array<{ name: string; supportedVersions: string[] }> } | undefined)
    ?.getModuleDefinitions?.();
  return defs?.map((d) => `${d.name} ${d.supportedVersions.join(" || ")}`).join("; ");
}

/** `n` calls of one scenario, each awaited (streams consumed to the end and checked). */
export async function callsOf(client: BenchClient, scenario: Scenario, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    if (scenario === "nonStream") await client.nonStream();
    else {
      const deltas = await client.stream();
      if (deltas !== STREAM_CHUNKS) throw new Error(`stream gave ${deltas} deltas, expected ${STREAM_CHUNKS}`);
    }
  }
}
