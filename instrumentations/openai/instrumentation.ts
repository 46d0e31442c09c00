/**
 * `OpenAIInstrumentation`: one CLIENT span per model call made through the `openai` SDK (4.x to
 * 7.x and later majors of the same shape), whatever helper made it (`parse`, `stream()`,
 * `runTools`, `responses.stream()`…), since every helper goes through the patched `create`.
 *
 * Patches the resource classes reachable from the SDK's static properties
 * (`OpenAI.Chat.Completions`, `OpenAI.Responses`, `OpenAI.Embeddings`, `OpenAI.Completions`),
 * which have kept their place across majors, instead of file paths, which have not.
 */
import { logger } from "../../src/logger.js";
import { GEN_AI_PROVIDER } from "../../src/semconv.js";
import { isObject } from "../genai/attributes.js";
import { GenAIInstrumentation, type Method, type Proto } from "../genai/base.js";
import type { GenAIInstrumentationConfig } from "../genai/config.js";
import { targetOf } from "../genai/target.js";
import { tracedCall, type ApiSurface } from "../genai/traced-call.js";
import { chatCompletions } from "./chat.js";
import { completions } from "./completions.js";
import { embeddings } from "./embeddings.js";
import { responses } from "./responses.js";

export type OpenAIInstrumentationConfig = GenAIInstrumentationConfig;

type Surface = ApiSurface<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>;

const AZURE_HOSTS = [".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"];

interface OpenAIClass {
  Chat?: { Completions?: { prototype: Proto } };
  Responses?: { prototype: Proto };
  Embeddings?: { prototype: Proto };
  Completions?: { prototype: Proto };
}

function openAIClass(moduleExports: unknown): OpenAIClass | undefined {
  const m = moduleExports as { OpenAI?: unknown; default?: unknown } | undefined;
  const candidate = m?.OpenAI ?? (m?.default as { OpenAI?: unknown } | undefined)?.OpenAI ?? m?.default ?? m;
  return typeof candidate === "function" ? (candidate as OpenAIClass) : undefined;
}

function surfaces(OpenAI: OpenAIClass): Array<[Proto | undefined, Surface]> {
  return [
    [OpenAI.Chat?.Completions?.prototype, chatCompletions],
    [OpenAI.Responses?.prototype, responses],
    [OpenAI.Embeddings?.prototype, embeddings as unknown as Surface],
    [OpenAI.Completions?.prototype, completions],
  ];
}

function providerOf(client: object, server: { address: string } | undefined): string {
  const isAzure =
    client.constructor?.name === "AzureOpenAI" || (server !== undefined && AZURE_HOSTS.some((h) => server.address.endsWith(h)));
  return isAzure ? GEN_AI_PROVIDER.azureOpenAI : GEN_AI_PROVIDER.openai;
}

export class OpenAIInstrumentation extends GenAIInstrumentation<OpenAIInstrumentationConfig> {
  constructor(config: OpenAIInstrumentationConfig = {}) {
    super("promptlayer-otel/openai", config);
  }

  protected sdkModule(): string {
    return "openai";
  }

  protected patch(moduleExports: unknown, version: string | undefined): void {
    try {
      const OpenAI = openAIClass(moduleExports);
      if (!OpenAI || typeof OpenAI.Chat?.Completions?.prototype?.create !== "function") {
        logger.warn(`openai ${version ?? ""}: the SDK's shape is not one we know (no OpenAI.Chat.Completions); calls are not traced`);
        return;
      }
      for (const [proto, surface] of surfaces(OpenAI)) this.wrapOnce(proto, "create", (original) => this.tracedCreate(original, surface));
    } catch (error) {
      logger.warn("could not instrument openai; calls are not traced", error);
    }
  }

  protected unpatch(moduleExports: unknown): void {
    const OpenAI = openAIClass(moduleExports);
    if (OpenAI) for (const [proto] of surfaces(OpenAI)) this.unwrapIfWrapped(proto, "create");
  }

  private tracedCreate(original: Method, surface: Surface): Method {
    const instrumentation = this;
    return function (this: unknown, ...args: unknown[]): unknown {
      const params = args[0];
      if (!isObject(params)) return original.apply(this, args);
      const client = (this as { _client?: unknown } | undefined)?._client;
      return tracedCall(
        instrumentation.tracer,
        instrumentation,
        surface,
        targetOf(client, providerOf),
        () => original.apply(this, args),
        params,
      );
    };
  }
}
