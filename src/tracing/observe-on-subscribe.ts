/**
 * Observing a thenable that is not a plain native promise — a promise subclass (an SDK's
 * APIPromise) or a lazy thenable (a query builder) — without changing it or running it early:
 * its own `then` is swapped, on the instance only, for one that reports the outcome when the
 * caller subscribes. Subscribing ourselves would run a lazy thenable an extra time (and read a
 * response body the caller may want to read in another way).
 */
export interface SettleObserver {
  /** Called at most once, with whichever outcome the first subscription sees. */
  settled(outcome: { value: unknown } | { error: unknown }): void;
}

// Ends the observation of a thenable that was dropped without ever being awaited.
const dropped = new FinalizationRegistry<() => void>((report) => report());

/**
 * Returns false when the thenable cannot be observed (frozen, or hostile): the caller decides
 * what to record instead. `onDropped` runs if it is garbage-collected before anyone subscribed.
 */
export function observeOnSubscribe(thenable: PromiseLike<unknown>, observer: SettleObserver, onDropped: () => void): boolean {
  let done = false;
  const report = (outcome: { value: unknown } | { error: unknown }) => {
    if (done) return;
    done = true;
    try {
      observer.settled(outcome);
    } catch {
      // Telemetry is best effort.
    }
  };
  try {
    const originalThen = thenable.then as (this: unknown, onFulfilled?: unknown, onRejected?: unknown) => unknown;
    Object.defineProperty(thenable, "then", {
      configurable: true,
      writable: true,
      value: function observedThen(this: unknown, onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown): unknown {
        return originalThen.call(
          this,
          (value: unknown) => {
            report({ value });
            return typeof onFulfilled === "function" ? onFulfilled(value) : value;
          },
          (error: unknown) => {
            report({ error });
            if (typeof onRejected === "function") return onRejected(error);
            throw error;
          },
        );
      },
    });
  } catch {
    return false;
  }
  dropped.register(thenable, () => {
    if (done) return;
    done = true;
    onDropped();
  });
  return true;
}
