/**
 * The parts of `@openai/agents` (agents-core) the integration relies on, typed structurally so
 * the package neither imports nor bundles the framework: the app passes its own copy in.
 */

/** A trace as agents-core reports it: one `run()` or `withTrace()` scope. */
export interface AgentsTrace {
  readonly traceId: string;
  readonly name: string;
  readonly groupId?: string | null;
  readonly metadata?: Record<string, unknown> | undefined;
}

/** The span payloads the integration maps; unknown types still become generic spans. */
export interface AgentsSpanData {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface AgentsSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId: string | null;
  readonly spanData: AgentsSpanData;
  readonly error: { message: string; data?: Record<string, unknown> } | null;
}

/** agents-core's `TracingProcessor` interface. */
export interface AgentsTracingProcessor {
  start?(): void;
  onTraceStart(trace: AgentsTrace): Promise<void>;
  onTraceEnd(trace: AgentsTrace): Promise<void>;
  onSpanStart(span: AgentsSpan): Promise<void>;
  onSpanEnd(span: AgentsSpan): Promise<void>;
  shutdown(timeout?: number): Promise<void>;
  forceFlush(): Promise<void>;
}

/** What `instrumentOpenAIAgents` needs from `import * as agents from "@openai/agents"`. */
export interface OpenAIAgentsModule {
  addTraceProcessor(processor: never): void;
  setTraceProcessors(processors: never[]): void;
  getCurrentSpan(): AgentsSpan | null;
  getCurrentTrace(): AgentsTrace | null;
}
