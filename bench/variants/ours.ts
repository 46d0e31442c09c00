/**
 * promptlayer-otel's instrumentations from the built package (what users install; the run's
 * snapshot of `dist/`), on the same SDK copy as the peers. Enabled the way `init()` enables
 * them, minus the exporter.
 */
import { distEntry } from "../lib/paths.js";
import type { Variant } from "./types.js";

type Instrumentations = typeof import("promptlayer-otel/instrumentations");

function ours(content: boolean): Variant {
  return {
    id: `ours:${content ? "on" : "off"}`,
    family: "ours",
    name: "promptlayer-otel",
    content: content ? "on" : "off",
    // What `init()` / `register` do unless told otherwise (the instrumentation class alone defaults to off).
    isDefault: content,
    providers: ["openai", "anthropic"],
    traced: true,
    expectedSpansPerCall: 1,
    async setup({ provider }) {
      const mod = (await import(distEntry("instrumentations"))) as Instrumentations;
      const config = { captureMessageContent: content };
      const instrumentation = provider === "openai" ? new mod.OpenAIInstrumentation(config) : new mod.AnthropicInstrumentation(config);
      const { ownVersion } = await import("../lib/versions.js");
      const { ROOT_DIR } = await import("../lib/paths.js");
      return { version: ownVersion(ROOT_DIR), instrumentation };
    },
  };
}

export const oursOff = ours(false);
export const oursOn = ours(true);
