/**
 * Observing an SDK `Stream` in place. The Stream instance, its class and its methods (`tee`,
 * `toReadableStream`, `controller`) stay what the SDK made; only its `iterator` factory is wrapped
 * so each chunk is seen on its way to the caller, untouched. The call ends when the stream
 * completes, throws, is closed early (`break`, `return()`, abort) or is garbage-collected unread.
 */
export interface StreamObserver<Chunk> {
  onChunk(chunk: Chunk): void;
  /** Called once. `incomplete`: closed before the provider finished. */
  onEnd(outcome: { error?: unknown; incomplete: boolean }): void;
}

interface IterableStream<Chunk> {
  iterator: () => AsyncIterator<Chunk>;
}

export function isIterableStream(v: unknown): v is IterableStream<unknown> {
  return v !== null && typeof v === "object" && typeof (v as Partial<IterableStream<unknown>>).iterator === "function";
}

/** Our bookkeeping must never break the caller's stream. */
function guarded(fn: () => void): void {
  try {
    fn();
  } catch {
    // Swallowed on purpose: telemetry is best effort.
  }
}

const unread = new FinalizationRegistry<() => void>((end) => end());

export function observeStream<Chunk>(stream: IterableStream<Chunk>, observer: StreamObserver<Chunk>): void {
  let done = false;
  const end = (outcome: { error?: unknown; incomplete: boolean }) => {
    if (done) return;
    done = true;
    unread.unregister(token);
    guarded(() => observer.onEnd(outcome));
  };
  const token = {};
  unread.register(stream, () => end({ incomplete: true }), token);

  const makeIterator = stream.iterator;
  stream.iterator = function observedIterator(this: unknown): AsyncIterator<Chunk> {
    let inner: AsyncIterator<Chunk>;
    try {
      inner = makeIterator.call(this);
    } catch (error) {
      end({ error, incomplete: true });
      throw error;
    }
    const settle = (r: IteratorResult<Chunk>) => {
      if (r.done) end({ incomplete: false });
      else if (!done) {
        // Inline rather than through guarded(): no closure per chunk.
        try {
          observer.onChunk(r.value);
        } catch {
          // Our bookkeeping must never break the caller's stream.
        }
      }
      return r;
    };
    const fail = (error: unknown): never => {
      end({ error, incomplete: true });
      throw error;
    };
    return {
      // No rest parameters: this runs once per chunk. next(undefined) is next() for iterators.
      next: (value?: unknown) => inner.next(value as never).then(settle, fail),
      return: (value?: unknown) => {
        end({ incomplete: true });
        return inner.return ? inner.return(value) : Promise.resolve({ done: true, value: value as never });
      },
      throw: (error?: unknown) => {
        end({ error, incomplete: true });
        return inner.throw ? inner.throw(error) : Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    } as AsyncIterableIterator<Chunk>;
  };
}
