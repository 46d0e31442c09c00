/**
 * The one named logger of the package. Everything the package has to say (export failures,
 * dropped spans, configuration warnings) goes through here, so users can silence or redirect it
 * with `setLogger()` or `PROMPTLAYER_LOG_LEVEL`.
 */
import { diag } from "@opentelemetry/api";

export type LogLevel = "debug" | "info" | "warn" | "error" | "none";

export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, none: 100 };

export const LOG_LEVELS = Object.keys(LEVELS) as LogLevel[];

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(LEVELS, value);
}

/** Writes to stderr with a `[promptlayer]` prefix, at or above `level`. */
export function createConsoleLogger(level: LogLevel = "warn"): Logger {
  const threshold = LEVELS[level];
  const write =
    (at: LogLevel, sink: (...a: unknown[]) => void) =>
    (message: string, ...args: unknown[]) => {
      if (LEVELS[at] >= threshold) sink(`[promptlayer] ${message}`, ...args);
    };
  return {
    debug: write("debug", console.debug),
    info: write("info", console.info),
    warn: write("warn", console.warn),
    error: write("error", console.error),
  };
}

/**
 * Forwards to OpenTelemetry's diagnostic logger (`diag` from `@opentelemetry/api`), for apps that
 * already collect it: `setLogger(createDiagLogger())`. Levels map one to one; `diag`'s own level
 * (set with `diag.setLogger(logger, level)`) decides what is kept.
 */
export function createDiagLogger(): Logger {
  const prefix = (message: string) => `[promptlayer] ${message}`;
  return {
    debug: (m, ...a) => diag.debug(prefix(m), ...a),
    info: (m, ...a) => diag.info(prefix(m), ...a),
    warn: (m, ...a) => diag.warn(prefix(m), ...a),
    error: (m, ...a) => diag.error(prefix(m), ...a),
  };
}

// Shared across the ESM and CJS builds of the package, which each get their own module copy.
const STATE = Symbol.for("promptlayer-otel.logger");
type Holder = { [STATE]?: Logger };

function initialLevel(): LogLevel {
  const raw = process.env.PROMPTLAYER_LOG_LEVEL?.trim().toLowerCase();
  return raw && isLogLevel(raw) ? raw : "warn";
}

/** Replace the package logger (pass `createConsoleLogger("none")` to silence it). */
export function setLogger(logger: Logger): void {
  (globalThis as Holder)[STATE] = logger;
}

export function getLogger(): Logger {
  const holder = globalThis as Holder;
  return (holder[STATE] ??= createConsoleLogger(initialLevel()));
}

/** Logs through whatever logger is current at call time. */
export const logger: Logger = {
  debug: (m, ...a) => getLogger().debug(m, ...a),
  info: (m, ...a) => getLogger().info(m, ...a),
  warn: (m, ...a) => getLogger().warn(m, ...a),
  error: (m, ...a) => getLogger().error(m, ...a),
};
