/**
 * The provider SDKs are optional peer dependencies: loaded on first use with a dynamic
 * `import()`, so an app that only uses Anthropic never needs `openai` installed, and a missing one
 * is a typed error naming the package to install.
 */
import { PromptLayerMissingDependencyError } from "../../errors.js";

export type OpenAIModule = typeof import("openai");
export type AnthropicModule = typeof import("@anthropic-ai/sdk");

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

function loader<M>(packageName: string, load: () => Promise<M>): () => Promise<M> {
  let loading: Promise<M> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      if (isModuleNotFound(error)) throw new PromptLayerMissingDependencyError(packageName, `Calling ${packageName}`, { cause: error });
      throw error;
    }));
}

export const loadOpenAI = loader<OpenAIModule>("openai", () => import("openai"));
export const loadAnthropic = loader<AnthropicModule>("@anthropic-ai/sdk", () => import("@anthropic-ai/sdk"));
