/**
 * Observing a Stainless-generated SDK call (openai, @anthropic-ai/sdk) without replacing what it
 * returns. The SDK's `APIPromise` is a lazy Promise subclass: awaiting it parses the body through
 * its `parseResponse` function; helpers derive new promises with `_thenUnwrap(transform)`, which
 * some versions build on `parseResponse` and others (openai 7.5x) on a closure of their own. So we
 * swap, on the instance only, `parseResponse` for one that reports the parsed result and
 * `_thenUnwrap` for one that reports it before the helper's transform, and watch `responsePromise`
 * for HTTP and network errors. The caller keeps the very object the SDK returned, with every
 * helper intact, and no body is read that the caller does not read.
 */
import { logger } from "../../src/logger.js";
import { observeOnSubscribe } from "../../src/tracing/observe-on-subscribe.js";

export interface CallHandlers {
  /** The parsed result: a response object, or the SDK's Stream for streaming calls. */
  onResult(result: unknown): void;
  onError(error: unknown): void;
  /** The caller took the raw `Response` (`asResponse()`) without parsing it. */
  onRawResponse(): void;
}

interface StainlessPromise {
  responsePromise: Promise<unknown>;
  parseResponse: (...args: unknown[]) => unknown;
  asResponse?: () => Promise<unknown>;
  _thenUnwrap?: (transform: (data: unknown, props: unknown) => unknown) => unknown;
  parsedPromise?: unknown;
}

export function isStainlessPromise(v: unknown): v is StainlessPromise {
  return (
    v instanceof Promise &&
    typeof (v as Partial<StainlessPromise>).parseResponse === "function" &&
    (v as Partial<StainlessPromise>).responsePromise instanceof Promise
  );
}

/**
 * The handlers, made safe: the result is reported once whichever swapped path sees it first, and
 * a bug in our bookkeeping can never reject the caller's promise. One object per call rather than
 * a wrapper closure per handler: this runs on every model call.
 */
class SafeHandlers {
  private delivered = false;
  constructor(private readonly h: CallHandlers) {}

  readonly onResult = (result: unknown): void => {
    if (this.delivered) return;
    this.delivered = true;
    try {
      this.h.onResult(result);
    } catch {
      // Telemetry is best effort.
    }
  };

  readonly onError = (error: unknown): void => {
    try {
      this.h.onError(error);
    } catch {
      // Telemetry is best effort.
    }
  };

  readonly onRawResponse = (): void => {
    try {
      this.h.onRawResponse();
    } catch {
      // Telemetry is best effort.
    }
  };
}

const IGNORE = () => {};

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as PromiseLike<unknown>).then === "function";

let warnedUnknownShape = false;
function warnUnknownShapeOnce(): void {
  if (warnedUnknownShape) return;
  warnedUnknownShape = true;
  logger.warn("an SDK call returned a promise of a shape this version does not know; its span ends when the call is awaited");
}

/** Attaches `handlers` to an SDK call's promise and returns that same promise. */
export function observeApiPromise<T>(promise: T, unsafeHandlers: CallHandlers): T {
  const handlers = new SafeHandlers(unsafeHandlers);
  if (!isStainlessPromise(promise)) {
    // An SDK shape we do not know. A promise (subclasses too) is already running: observe it. A
    // thenable that is no promise may be lazy, and subscribing would start it before the caller
    // does (contrib #3586): observe the caller's own subscription instead.
    if (isThenable(promise) && !(promise instanceof Promise)) {
      warnUnknownShapeOnce();
      const observed = observeOnSubscribe(
        promise,
        { settled: (outcome) => ("error" in outcome ? handlers.onError(outcome.error) : handlers.onResult(outcome.value)) },
        handlers.onRawResponse,
      );
      if (!observed) handlers.onRawResponse();
    } else if (promise instanceof Promise) promise.then(handlers.onResult, handlers.onError);
    else handlers.onResult(promise);
    return promise;
  }
  const original = promise.parseResponse;
  promise.parseResponse = function observedParse(this: unknown, ...args: unknown[]): unknown {
    let parsed: unknown;
    try {
      parsed = original.apply(this, args);
    } catch (error) {
      handlers.onError(error);
      throw error;
    }
    return Promise.resolve(parsed).then(
      (result) => {
        handlers.onResult(result);
        return result;
      },
      (error: unknown) => {
        handlers.onError(error);
        throw error;
      },
    );
  };
  // HTTP errors, retries exhausted, aborts and network failures reject here, before any parsing.
  promise.responsePromise.then(undefined, handlers.onError);

  const thenUnwrap = promise._thenUnwrap;
  if (typeof thenUnwrap === "function") {
    promise._thenUnwrap = function observedThenUnwrap(this: unknown, transform) {
      const derived = thenUnwrap.call(this, (data: unknown, props: unknown) => {
        handlers.onResult(data);
        return transform(data, props);
      });
      // Parse failures in the derived chain still end the call.
      return observeApiPromise(derived, { onResult: IGNORE, onError: handlers.onError, onRawResponse: IGNORE });
    };
  }

  const asResponse = promise.asResponse;
  if (typeof asResponse === "function") {
    promise.asResponse = function observedAsResponse(this: StainlessPromise) {
      const raw = asResponse.call(this);
      // withResponse() parses too (it calls parse() first); only a bare asResponse() ends here.
      if (this.parsedPromise === undefined) raw.then(handlers.onRawResponse, IGNORE);
      return raw;
    };
  }
  return promise;
}
