/**
 * Typed errors thrown by this package. Everything the package throws on purpose extends
 * `PromptLayerError`, so `catch (e) { if (e instanceof PromptLayerError) … }` separates our
 * errors from the application's own.
 */
export class PromptLayerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option or environment variable has a value that cannot be used. */
export class PromptLayerConfigError extends PromptLayerError {
  /** The option or environment variable at fault, e.g. `OTEL_BSP_MAX_QUEUE_SIZE`. */
  readonly setting: string;
  /** The rejected value, as given. */
  readonly value: unknown;

  constructor(setting: string, value: unknown, expected: string) {
    super(`Invalid ${setting}=${JSON.stringify(value)}: expected ${expected}.`);
    this.setting = setting;
    this.value = value;
  }
}
