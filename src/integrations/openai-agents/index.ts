/**
 * `instrumentOpenAIAgents(agents)`: the OpenAI Agents SDK's runs, agents, turns, model calls, tool
 * calls and handoffs as OpenTelemetry spans in the app's trace.
 */
import { OpenAIAgentsTraceProcessor, type OpenAIAgentsTracingOptions } from "./processor.js";
import type { OpenAIAgentsModule } from "./types.js";

export interface InstrumentOpenAIAgentsOptions extends OpenAIAgentsTracingOptions {
  /**
   * `"keep"` (default) adds our processor next to the framework's own (which exports to the
   * OpenAI traces dashboard when an OpenAI key is set); `"replace"` makes ours the only one, so
   * agent traces go only where the app's OpenTelemetry spans go.
   */
  frameworkExporter?: "keep" | "replace";
}

export interface OpenAIAgentsInstrumentation {
  readonly processor: OpenAIAgentsTraceProcessor;
  /** Stops mirroring; the framework's other processors are left as they are. */
  uninstrument(): void;
}

/**
 * Registers a trace processor with `@openai/agents`. Pass the module the app uses
 * (`import * as agents from "@openai/agents"`), so the processor joins that very copy.
 */
export function instrumentOpenAIAgents(agents: OpenAIAgentsModule, options: InstrumentOpenAIAgentsOptions = {}): OpenAIAgentsInstrumentation {
  const { frameworkExporter = "keep", ...tracing } = options;
  if (frameworkExporter !== "keep" && frameworkExporter !== "replace") {
    throw new TypeError(`instrumentOpenAIAgents: frameworkExporter must be "keep" or "replace", got ${JSON.stringify(frameworkExporter)}`);
  }
  for (const fn of ["addTraceProcessor", "setTraceProcessors", "getCurrentSpan", "getCurrentTrace"] as const) {
    if (typeof (agents as unknown as Record<string, unknown> | undefined)?.[fn] !== "function") {
      throw new TypeError(`instrumentOpenAIAgents: expected the @openai/agents module (import * as agents from "@openai/agents"); it has no ${fn}()`);
    }
  }
  const processor = new OpenAIAgentsTraceProcessor(agents, tracing);
  if (frameworkExporter === "replace") agents.setTraceProcessors([processor as never]);
  else agents.addTraceProcessor(processor as never);
  return { processor, uninstrument: () => processor.disable() };
}

export { OpenAIAgentsTraceProcessor, OpenAIAgentsSpanError, type OpenAIAgentsTracingOptions } from "./processor.js";
export type { OpenAIAgentsModule } from "./types.js";
