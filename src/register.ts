/**
 * Zero-code setup: `node --import promptlayer-otel/register app.mjs` (ESM) or
 * `node --require promptlayer-otel/register app.cjs` (CommonJS).
 *
 * Installs the ESM loader hook (limited to the instrumented SDKs, so other packages load
 * untouched), then calls `init()` from the environment. A configuration problem is logged and
 * the application starts untraced: a preload must never stop the app it observes.
 */
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";
import * as workerThreads from "node:worker_threads";
import { PromptLayerError } from "./errors.js";
import { logger } from "./logger.js";
import { init } from "./tracing/sdk.js";

/** Module specifiers the instrumentations patch; only these go through the ESM hook. */
const INSTRUMENTED_MODULES = ["openai", "@anthropic-ai/sdk"];

function installEsmHook(): void {
  try {
    const require = createRequire(import.meta.url);
    const hook = pathToFileURL(require.resolve("import-in-the-middle/hook.mjs")).href;
    register(hook, import.meta.url, { data: { include: INSTRUMENTED_MODULES } });
  } catch (error) {
    logger.warn("could not install the ESM loader hook; `import`ed SDKs will not be instrumented", error);
  }
}

// `--require` preloads also run inside Node's internal loader-hooks thread; nothing to do there.
const internalThread = (workerThreads as { isInternalThread?: boolean }).isInternalThread === true;

if (!internalThread) {
  installEsmHook();
  try {
    init();
  } catch (error) {
    if (error instanceof PromptLayerError) logger.error(`tracing is off: ${error.message}`);
    else logger.error("tracing is off: setup failed", error);
  }
}
