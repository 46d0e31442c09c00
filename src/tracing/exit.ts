/**
 * Flush spans when the process ends: on a normal end of the event loop and on SIGTERM/SIGINT.
 * Signals keep their usual effect — when the application has no handler of its own, the process
 * still terminates by that signal after the (bounded) flush. `process.exit()` cannot be
 * intercepted asynchronously; call `shutdown()` before it.
 */
const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/** Installs the hooks; returns a function that removes them. */
export function onProcessExit(flush: () => Promise<boolean>): () => void {
  let flushing: Promise<boolean> | undefined;
  const once = () => (flushing ??= flush());

  const onBeforeExit = () => {
    process.removeListener("beforeExit", onBeforeExit);
    void once().then((finished) => {
      // A flush that hit its deadline may still hold sockets open; the app itself was done.
      if (!finished) process.exit();
    });
  };

  const onSignal = (signal: NodeJS.Signals) => {
    const appHandlesIt = process.listenerCount(signal) > 1;
    const reraise = () => {
      if (appHandlesIt) return;
      uninstall();
      process.kill(process.pid, signal);
    };
    if (flushing) return reraise(); // a second signal while flushing: stop waiting
    void once().then(reraise);
  };

  const uninstall = () => {
    process.removeListener("beforeExit", onBeforeExit);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  };

  process.on("beforeExit", onBeforeExit);
  for (const s of SIGNALS) process.on(s, onSignal);
  return uninstall;
}
