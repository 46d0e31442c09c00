/**
 * `traceable()`: wrap any function in a span that records its inputs, output and errors while
 * keeping the function's shape — sync stays sync, promises keep their semantics, generators stay
 * lazy — and nesting through the OpenTelemetry context.
 */
import { context, SpanKind, trace, type Attributes, type Context, type Span } from "@opentelemetry/api";
import { logger } from "../logger.js";
import {
  ATTR_FUNCTION_INPUT,
  ATTR_FUNCTION_NAME,
  ATTR_FUNCTION_OUTPUT,
  ATTR_GEN_AI_AGENT_DESCRIPTION,
  ATTR_GEN_AI_AGENT_ID,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_DESCRIPTION,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_NODE_TYPE,
  ATTR_TOOL_NAME,
  ATTR_PROMPTLAYER_ITERATION_INCOMPLETE,
  ATTR_PROMPTLAYER_ITERATION_ITEMS,
  ATTR_PROMPTLAYER_METADATA_PREFIX,
  ATTR_PROMPTLAYER_TAGS,
  GEN_AI_OPERATION,
  NODE_TYPE,
} from "../semconv.js";
import { contentCaptureEnabled, contentCaptureSetting } from "./capture.js";
import { isStainlessPromise, observeApiPromise } from "../../instrumentations/genai/api-promise.js";
import { observeOnSubscribe } from "./observe-on-subscribe.js";
import { recordError } from "./errors.js";
import { safeStringify, type SerializeLimits } from "./serialize.js";
import { activeParentContext } from "./ambient-parent.js";
import { getTracer } from "./tracer.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function shape is accepted
type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * What the function is, for the trace view and the GenAI conventions:
 * - `agent`: span `invoke_agent {name}` (`gen_ai.agent.*`, node type LLM_SESSION)
 * - `workflow`: span `invoke_workflow {name}` (`gen_ai.workflow.name`, LLM_SESSION)
 * - `tool`: span `execute_tool {name}` (`gen_ai.tool.*`, CODE_EXECUTION)
 * - `task` (default): span `{name}` (CODE_EXECUTION)
 */
export type TraceableKind = "agent" | "tool" | "workflow" | "task";

export interface TraceableOptions<F extends AnyFunction = AnyFunction> {
  /** Name of the function, agent, tool or workflow. Default: the function's name (the method name for decorators). */
  name?: string;
  /** Default `task`. */
  kind?: TraceableKind;
  /** Agents and tools: `gen_ai.agent.description` / `gen_ai.tool.description`. */
  description?: string;
  /** Agents: `gen_ai.agent.id`. */
  agentId?: string;
  /** Tools: the id of the model's tool call this execution answers (`gen_ai.tool.call.id`). */
  toolCallId?: (...args: Parameters<F>) => string | undefined;
  /** Static attributes set on every span. */
  attributes?: Attributes;
  /** Tags, recorded as `promptlayer.tags`. */
  tags?: readonly string[];
  /** Metadata, recorded as `promptlayer.metadata.<key>`. */
  metadata?: Readonly<Record<string, string>>;
  /** Span kind. Default INTERNAL. */
  spanKind?: SpanKind;
  /**
   * Record the arguments as `function_input`. Default true, unless content capture was turned off
   * (`init({ captureContent: false })` or `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false`).
   */
  captureInput?: boolean;
  /** Record the result as `function_output`. Same default as `captureInput`. */
  captureOutput?: boolean;
  /** Transform the arguments before they are recorded (e.g. pick or redact fields). */
  processInputs?: (args: Parameters<F>) => unknown;
  /**
   * Transform the result before it is recorded. For promises it receives the resolved value; for
   * generators, the list of yielded items (or what `aggregate` made of them).
   */
  processOutputs?: (output: unknown) => unknown;
  /** For generators: reduce the yielded items to the recorded output (e.g. join text chunks). */
  aggregate?: (items: unknown[]) => unknown;
  /** Bounds on the serialized input and output. */
  serializeLimits?: Partial<SerializeLimits>;
}

/** Yielded items kept per traced generator for its recorded output. */
const MAX_COLLECTED_ITEMS = 1000;

interface Plan {
  name: string;
  kind: SpanKind;
  attributes: Attributes;
  options: TraceableOptions;
  isTool: boolean;
}

/** Span name and GenAI attributes of each kind. */
function kindAttributes(kind: TraceableKind, name: string, o: TraceableOptions): { spanName: string; attributes: Attributes } {
  switch (kind) {
    case "agent": {
      const attributes: Attributes = { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.invokeAgent, [ATTR_GEN_AI_AGENT_NAME]: name, [ATTR_NODE_TYPE]: NODE_TYPE.llmSession };
      if (o.agentId) attributes[ATTR_GEN_AI_AGENT_ID] = o.agentId;
      if (o.description) attributes[ATTR_GEN_AI_AGENT_DESCRIPTION] = o.description;
      return { spanName: `invoke_agent ${name}`, attributes };
    }
    case "workflow":
      return {
        spanName: `invoke_workflow ${name}`,
        attributes: { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.invokeWorkflow, [ATTR_GEN_AI_WORKFLOW_NAME]: name, [ATTR_NODE_TYPE]: NODE_TYPE.llmSession },
      };
    case "tool": {
      const attributes: Attributes = {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.executeTool,
        [ATTR_GEN_AI_TOOL_NAME]: name,
        [ATTR_TOOL_NAME]: name,
        [ATTR_GEN_AI_TOOL_TYPE]: "function",
        [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution,
      };
      if (o.description) attributes[ATTR_GEN_AI_TOOL_DESCRIPTION] = o.description;
      return { spanName: `execute_tool ${name}`, attributes };
    }
    default:
      return { spanName: name, attributes: { [ATTR_NODE_TYPE]: NODE_TYPE.codeExecution } };
  }
}

function makePlan(options: TraceableOptions, name: string): Plan {
  const kind = options.kind ?? "task";
  const { spanName, attributes: kindAttrs } = kindAttributes(kind, name, options);
  const attributes: Attributes = { [ATTR_FUNCTION_NAME]: name, ...kindAttrs, ...options.attributes };
  if (options.tags?.length) attributes[ATTR_PROMPTLAYER_TAGS] = [...options.tags];
  for (const [k, v] of Object.entries(options.metadata ?? {})) attributes[ATTR_PROMPTLAYER_METADATA_PREFIX + k] = v;
  return { name: spanName, kind: options.spanKind ?? SpanKind.INTERNAL, attributes, options, isTool: kind === "tool" };
}

/** Runs a user hook; a failing hook is logged and recording falls back to a marker. */
function runHook<T>(hook: ((v: T) => unknown) | undefined, value: T, what: string): unknown {
  if (!hook) return value;
  try {
    return hook(value);
  } catch (err) {
    logger.warn(`traceable: ${what} hook threw; recording a marker instead`, err);
    return `[${what} hook failed]`;
  }
}

function recordOutput(span: Span, plan: Plan, output: unknown): void {
  if (!(plan.options.captureOutput ?? contentCaptureSetting() !== false) || !span.isRecording()) return;
  const processed = runHook(plan.options.processOutputs, output, "processOutputs");
  const json = safeStringify(processed, plan.options.serializeLimits);
  span.setAttribute(ATTR_FUNCTION_OUTPUT, json);
  if (plan.isTool && contentCaptureEnabled()) span.setAttribute(ATTR_GEN_AI_TOOL_CALL_RESULT, json);
}

/** Per-call input: `function_input`, and for tools the call id and (with content capture) the arguments. */
function recordInput(span: Span, plan: Plan, args: unknown[]): void {
  if (plan.isTool && plan.options.toolCallId) {
    const id = runHook((a: unknown[]) => (plan.options.toolCallId as (...x: unknown[]) => unknown)(...a), args, "toolCallId");
    if (typeof id === "string" && id) span.setAttribute(ATTR_GEN_AI_TOOL_CALL_ID, id);
  }
  if (!(plan.options.captureInput ?? contentCaptureSetting() !== false)) return;
  const input = runHook(plan.options.processInputs as ((a: unknown[]) => unknown) | undefined, args, "processInputs");
  span.setAttribute(ATTR_FUNCTION_INPUT, safeStringify(input, plan.options.serializeLimits));
  if (plan.isTool && contentCaptureEnabled()) {
    // A tool's arguments are usually one object: record it as the arguments themselves.
    const toolArgs = Array.isArray(input) && input.length === 1 ? input[0] : input;
    span.setAttribute(ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, safeStringify(toolArgs, plan.options.serializeLimits));
  }
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as PromiseLike<unknown>).then === "function";
}

function isIterator(v: unknown): v is Iterator<unknown> & { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown } {
  return v !== null && typeof v === "object" && typeof (v as Iterator<unknown>).next === "function";
}

// Ends the span of a generator that was dropped without being finished, so no span leaks.
const abandoned = new FinalizationRegistry<() => void>((finish) => finish());

type Method = "next" | "return" | "throw";

/** Shared bookkeeping of a traced iterator: collected items and ending the span once. */
class IterationTrace {
  private readonly items: unknown[] = [];
  private count = 0;
  private ended = false;

  constructor(
    private readonly span: Span,
    private readonly plan: Plan,
  ) {}

  /** Records one step's result: an item, or the end of the iteration. */
  observe(method: Method, r: IteratorResult<unknown>): IteratorResult<unknown> {
    if (r.done) this.finish({ incomplete: method === "return" });
    else {
      this.count++;
      if (this.items.length < MAX_COLLECTED_ITEMS) this.items.push(r.value);
    }
    return r;
  }

  finish(outcome: { error: unknown } | { incomplete: boolean }): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.span.setAttribute(ATTR_PROMPTLAYER_ITERATION_ITEMS, this.count);
      if ("error" in outcome) recordError(this.span, outcome.error);
      else {
        if (outcome.incomplete) this.span.setAttribute(ATTR_PROMPTLAYER_ITERATION_INCOMPLETE, true);
        const output = this.plan.options.aggregate ? runHook(this.plan.options.aggregate, this.items, "aggregate") : this.items;
        recordOutput(this.span, this.plan, output);
      }
    } finally {
      this.span.end();
    }
  }
}

function call(it: Iterator<unknown> | AsyncIterator<unknown>, method: Method, arg: unknown): unknown {
  const fn = (it as unknown as Record<Method, ((arg: unknown) => unknown) | undefined>)[method];
  if (typeof fn === "function") return fn.call(it, arg);
  if (method === "return") return { done: true, value: arg };
  throw arg;
}

function traceSyncIterator(it: Iterator<unknown>, span: Span, ctx: Context, plan: Plan): Iterator<unknown> {
  const state = new IterationTrace(span, plan);
  const step = (method: Method, arg: unknown): IteratorResult<unknown> => {
    try {
      return state.observe(method, context.with(ctx, () => call(it, method, arg)) as IteratorResult<unknown>);
    } catch (error) {
      state.finish({ error });
      throw error;
    }
  };
  const wrapped = sameShape(it, {
    next: (v?: unknown) => step("next", v),
    return: (v?: unknown) => step("return", v),
    throw: (e?: unknown) => step("throw", e),
  });
  abandoned.register(wrapped, () => state.finish({ incomplete: true }));
  return wrapped;
}

function traceAsyncIterator(it: AsyncIterator<unknown>, span: Span, ctx: Context, plan: Plan): AsyncIterator<unknown> {
  const state = new IterationTrace(span, plan);
  const step = async (method: Method, arg: unknown): Promise<IteratorResult<unknown>> => {
    let r: IteratorResult<unknown>;
    try {
      r = (await context.with(ctx, () => call(it, method, arg))) as IteratorResult<unknown>;
    } catch (error) {
      state.finish({ error });
      throw error;
    }
    return state.observe(method, r);
  };
  const wrapped = sameShape(it, {
    next: (v?: unknown) => step("next", v),
    return: (v?: unknown) => step("return", v),
    throw: (e?: unknown) => step("throw", e),
  });
  abandoned.register(wrapped, () => state.finish({ incomplete: true }));
  return wrapped;
}

/**
 * The traced iterator inherits from the original's prototype, so what the caller could do with
 * the generator still works: iterator helpers (`map`, `toArray`), `Symbol.dispose`/`asyncDispose`
 * (which call our `return`), `instanceof` the generator function, its `Symbol.toStringTag`.
 * Only the three stepping methods are ours.
 */
function sameShape<I extends object>(original: I, steps: Record<Method, (arg?: unknown) => unknown>): I {
  let proto: object | null = null;
  try {
    proto = Object.getPrototypeOf(original) as object | null;
  } catch {
    // A hostile proxy: fall back to a plain iterator object.
  }
  const wrapped = Object.create(proto) as Record<PropertyKey, unknown>;
  wrapped.next = steps.next;
  wrapped.return = steps.return;
  wrapped.throw = steps.throw;
  // Prototypes without the iteration protocol (hand-made iterators) still get it.
  if (typeof wrapped[Symbol.iterator] !== "function" && typeof wrapped[Symbol.asyncIterator] !== "function") {
    const key = Symbol.asyncIterator in original ? Symbol.asyncIterator : Symbol.iterator;
    wrapped[key] = function (this: unknown) {
      return this;
    };
  }
  return wrapped as I;
}

type Shape = "promise" | "promise-subclass" | "thenable" | "async-iterator" | "iterator" | "value";

/** What a result is. Hostile values (proxies whose traps throw) are plain values. */
function shapeOf(result: unknown): Shape {
  try {
    // Only a native promise may be chained; a subclass (an SDK's APIPromise) keeps its own object.
    if (result instanceof Promise) return Object.getPrototypeOf(result) === Promise.prototype ? "promise" : "promise-subclass";
    if (isPromiseLike(result)) return "thenable";
    if (isIterator(result)) {
      if (typeof result[Symbol.asyncIterator] === "function") return "async-iterator";
      if (typeof result[Symbol.iterator] === "function") return "iterator";
    }
  } catch {
    // Inspecting the value threw: it is not something we can wrap.
  }
  return "value";
}

/**
 * A promise subclass, handed back as itself so its extra methods survive. An SDK's APIPromise is
 * observed the way the instrumentations observe it — subscribing to it would parse the body, and
 * the caller's `asResponse()` would then find it already read. Other subclasses are already
 * running: observed at once.
 */
function observePromiseSubclass(result: Promise<unknown>, span: Span, plan: Plan): unknown {
  let ended = false;
  const end = (record: () => void) => {
    if (ended) return;
    ended = true;
    try {
      record();
    } finally {
      span.end();
    }
  };
  const onResult = (value: unknown) => end(() => recordOutput(span, plan, value));
  const onError = (error: unknown) => end(() => recordError(span, error));
  if (isStainlessPromise(result)) return observeApiPromise(result, { onResult, onError, onRawResponse: () => end(() => {}) });
  result.then(onResult, onError);
  return result;
}

/**
 * A custom thenable that is not a promise (a lazy query builder): hand back the caller's own
 * object and end the span when the caller's subscription settles — subscribing ourselves would run
 * it an extra time; a thenable never awaited ends when dropped.
 */
function observeThenable(result: PromiseLike<unknown>, span: Span, plan: Plan): unknown {
  const incomplete = () => {
    span.setAttribute(ATTR_PROMPTLAYER_ITERATION_INCOMPLETE, true);
    span.end();
  };
  const observed = observeOnSubscribe(
    result,
    {
      settled(outcome) {
        try {
          if ("error" in outcome) recordError(span, outcome.error);
          else recordOutput(span, plan, outcome.value);
        } finally {
          span.end();
        }
      },
    },
    incomplete,
  );
  // A frozen or hostile object: its duration cannot be observed; end at return.
  if (!observed) incomplete();
  return result;
}

function settle(result: unknown, span: Span, ctx: Context, plan: Plan): unknown {
  switch (shapeOf(result)) {
    case "promise":
      // Chain rather than observe: the caller's promise still rejects (and still surfaces as an
      // unhandled rejection if nobody handles it), and the span ends before the caller resumes.
      return (result as Promise<unknown>).then(
        (value: unknown) => {
          recordOutput(span, plan, value);
          span.end();
          return value;
        },
        (error: unknown) => {
          recordError(span, error);
          span.end();
          throw error;
        },
      );
    case "promise-subclass":
      return observePromiseSubclass(result as Promise<unknown>, span, plan);
    case "thenable":
      return observeThenable(result as PromiseLike<unknown>, span, plan);
    case "async-iterator":
      return traceAsyncIterator(result as AsyncIterator<unknown>, span, ctx, plan);
    case "iterator":
      return traceSyncIterator(result as Iterator<unknown>, span, ctx, plan);
    default:
      recordOutput(span, plan, result);
      span.end();
      return result;
  }
}

function wrap<F extends AnyFunction>(fn: F, plan: Plan): F {
  const traced = function (this: unknown, ...args: unknown[]): unknown {
    const parent = activeParentContext();
    const span = getTracer().startSpan(plan.name, { kind: plan.kind, attributes: plan.attributes }, parent);
    if (span.isRecording()) recordInput(span, plan, args);
    const ctx = trace.setSpan(parent, span);
    let result: unknown;
    try {
      result = context.with(ctx, fn, this as ThisParameterType<F>, ...args);
    } catch (error) {
      recordError(span, error);
      span.end();
      throw error;
    }
    return settle(result, span, ctx, plan);
  };
  Object.defineProperty(traced, "name", { value: fn.name, configurable: true });
  Object.defineProperty(traced, "length", { value: fn.length, configurable: true });
  return traced as F;
}

function isMethodContext(v: unknown): v is ClassMethodDecoratorContext {
  return (
    v !== null &&
    typeof v === "object" &&
    (v as ClassMethodDecoratorContext).kind === "method" &&
    typeof (v as ClassMethodDecoratorContext).addInitializer === "function"
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- decorators accept any method shape
type MethodDecorator = <This, F extends (this: This, ...args: any[]) => any>(
  method: F,
  context: ClassMethodDecoratorContext<This, F>,
) => F;

/** Decorator use without options: `@traceable method() {}`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- decorators accept any method shape
export function traceable<This, F extends (this: This, ...args: any[]) => any>(
  method: F,
  context: ClassMethodDecoratorContext<This, F>,
): F;
/** Wrap a function: `const agent = traceable(async function agent(q) { … }, { name })`. */
export function traceable<F extends AnyFunction>(fn: F, options?: TraceableOptions<F>): F;
/** Decorator factory: `@traceable({ name: "plan" }) plan() {}` (TC39 standard decorators). */
export function traceable(options?: TraceableOptions): MethodDecorator;
export function traceable(a?: unknown, b?: unknown): unknown {
  if (typeof a === "function") {
    if (isMethodContext(b)) return wrap(a as AnyFunction, makePlan({}, String(b.name)));
    const options = (b ?? {}) as TraceableOptions;
    return wrap(a as AnyFunction, makePlan(options, options.name ?? (a.name || "anonymous")));
  }
  const options = (a ?? {}) as TraceableOptions;
  return ((method: AnyFunction, ctx: ClassMethodDecoratorContext) =>
    wrap(method, makePlan(options, options.name ?? String(ctx.name)))) as MethodDecorator;
}

/**
 * A tool: `traceTool("get_weather", fn)` is `traceable(fn, { kind: "tool", name: "get_weather" })`,
 * a span `execute_tool get_weather`, as in the official SDKs.
 */
export function traceTool<F extends AnyFunction>(name: string, fn: F, options: Omit<TraceableOptions<F>, "name" | "kind"> = {}): F {
  return traceable(fn, { ...options, name, kind: "tool" });
}
