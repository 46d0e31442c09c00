/**
 * Zero-code setup: `node --import promptlayer-otel/register app.mjs` (ESM) or
 * `node --require promptlayer-otel/register app.cjs` (CommonJS).
 *
 * Installs the ESM loader hook (limited to the instrumented SDKs, so other packages load
 * untouched), then calls `init()` from the environment. A configuration problem is logged and
 * the application starts untraced: a preload must never stop the app it observes.
 */
import "./tracing/api-bridge.js";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";
import * as workerThreads from "node:worker_threads";
import { PromptLayerError } from "./errors.js";
import { logger } from "./logger.js";
import { init } from "./tracing/sdk.js";

/** Module specifiers the instrumentations patch; only these go through the ESM hook. */
const INSTRUMENTED_MODULES = ["openai", "@anthropic-ai/sdk"];

/**
 * In-thread loader hooks (`module.registerHooks`) where this Node supports them for
 * import-in-the-middle: they avoid the off-thread loader's round trip per module, which cost
 * ~300 ms of start-up (bench/RESULTS.md §5). Elsewhere, the classic off-thread `module.register`.
 */
function installEsmHook(): void {
  const require = createRequire(import.meta.url);
  try {
    const { supportsSyncHooks } = require("import-in-the-middle/supports-sync-hooks.mjs") as { supportsSyncHooks(): boolean };
    if (supportsSyncHooks()) {
      const { register: registerSync } = require("import-in-the-middle/register-hooks.mjs") as { register(o: { include: string[] }): void };
      registerSync({ include: INSTRUMENTED_MODULES });
      return;
    }
  } catch (error) {
    // require() of an ES module needs Node 22.12+; fall back to the off-thread loader below.
    logger.debug("in-thread loader hooks unavailable; using module.register", error);
  }
  try {
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
