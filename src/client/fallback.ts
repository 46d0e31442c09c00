/**
 * `throwOnError: false`: a failed call returns a neutral value (`null`, `false`, `[]`, `{}`, per
 * CONTRACT §6) and says why through the client's logger (`logger` option, else the package
 * logger) instead of throwing.
 */
import { logger as packageLogger, type Logger } from "../logger.js";

export type Fallible = <T, F>(what: string, fallback: F, call: () => Promise<T>) => Promise<T | F>;

export function fallible(throwOnError: boolean, logger: Logger = packageLogger): Fallible {
  if (throwOnError) return (_what, _fallback, call) => call();
  return async (what, fallback, call) => {
    try {
      return await call();
    } catch (error) {
      logger.warn(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      return fallback;
    }
  };
}
