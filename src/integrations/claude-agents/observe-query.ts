/**
 * Observing the SDK's `Query` in place: the object the caller gets is the SDK's own, with all its
 * control methods (`interrupt`, `setModel`, `close`, …); only its message generator's `next`,
 * `return` and `throw` are wrapped, so every message is seen on its way to the caller, untouched.
 */
import type { ClaudeAgentMessage, ClaudeQuery } from "./types.js";

export interface QueryObserver {
  onMessage(message: ClaudeAgentMessage): void;
  /** Called once: the stream finished, threw, or was closed or dropped before the end. */
  onEnd(outcome: { error?: unknown; incomplete: boolean }): void;
}

type Next = (...args: [] | [unknown]) => Promise<IteratorResult<object, void>>;

const dropped = new FinalizationRegistry<() => void>((end) => end());

export function observeQuery(query: ClaudeQuery, observer: QueryObserver): boolean {
  // `Query[Symbol.asyncIterator]()` hands out the generator that `Query.next()` also reads from.
  const generator = typeof query[Symbol.asyncIterator] === "function" ? (query[Symbol.asyncIterator]() as Partial<AsyncGenerator<object, void>>) : undefined;
  if (!generator || typeof generator.next !== "function") return false;

  let done = false;
  const token = {};
  const end = (outcome: { error?: unknown; incomplete: boolean }) => {
    if (done) return;
    done = true;
    dropped.unregister(token);
    try {
      observer.onEnd(outcome);
    } catch {
      // Telemetry never breaks the caller's loop.
    }
  };
  dropped.register(query, () => end({ incomplete: true }), token);

  const next = generator.next.bind(generator) as Next;
  generator.next = ((...args: [] | [unknown]) =>
    next(...args).then(
      (result) => {
        if (result.done) end({ incomplete: false });
        else if (!done) {
          try {
            if (typeof result.value === "object" && result.value !== null) observer.onMessage(result.value as ClaudeAgentMessage);
          } catch {
            // Telemetry never breaks the caller's loop.
          }
        }
        return result;
      },
      (error: unknown) => {
        end({ error, incomplete: true });
        throw error;
      },
    )) as AsyncGenerator<object, void>["next"];
  for (const method of ["return", "throw"] as const) {
    const original = generator[method]?.bind(generator) as ((value: unknown) => Promise<IteratorResult<object, void>>) | undefined;
    if (!original) continue;
    generator[method] = ((value: unknown) => {
      end(method === "throw" ? { error: value, incomplete: true } : { incomplete: true });
      return original(value);
    }) as never;
  }
  if (typeof query.close === "function") {
    const close = query.close.bind(query);
    query.close = () => {
      end({ incomplete: true });
      close();
    };
  }
  return true;
}
