/**
 * The retry policy of every PromptLayer API call, as plain functions so it can be read and tested
 * on its own: 4 attempts, waiting 2 s, 4 s, 8 s (doubling, capped at 15 s) between them, and only
 * after a 429 or a 5xx answer. Connection errors, timeouts and other 4xx fail at once: a request
 * that may have reached the service is not repeated blindly, and a bad request stays bad.
 */
export const RETRY_POLICY = {
  attempts: 4,
  baseDelayMs: 2_000,
  maxDelayMs: 15_000,
} as const;

/** Whether an HTTP status is worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Wait before the attempt that follows failed attempt number `failedAttempt` (1-based). */
export function retryDelayMs(failedAttempt: number): number {
  return Math.min(RETRY_POLICY.baseDelayMs * 2 ** (failedAttempt - 1), RETRY_POLICY.maxDelayMs);
}

/** Waits `ms`; may stop its timer early when `signal` aborts (the caller stops waiting either way). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Looks `setTimeout` up at call time, so `vi.useFakeTimers()` controls it. Cut short by `signal`,
 * it clears its timer: an abandoned wait must not keep the process alive.
 */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => clearTimeout(timer), { once: true });
  });

/**
 * `sleep(ms)`, cut short by `signal`: rejects with the signal's reason as soon as it aborts (at
 * once if it already has). The sleep itself is not cancelled, only no longer waited for.
 */
export function abortableSleep(sleep: Sleep, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as unknown);
    signal.addEventListener("abort", onAbort, { once: true });
    sleep(ms, signal).then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
