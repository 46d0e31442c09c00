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

// ---- PromptLayer client (src/client) ----

/** A call to the PromptLayer API did not produce a usable answer. */
export class PromptLayerAPIError extends PromptLayerError {}

/** The service answered with a non-success status. `body` is the parsed error body (or its text). */
export class PromptLayerAPIStatusError extends PromptLayerAPIError {
  readonly status: number;
  readonly body: unknown;

  constructor(message: string, status: number, body: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.body = body;
  }
}

/** 400: the request was malformed. */
export class PromptLayerBadRequestError extends PromptLayerAPIStatusError {}
/** 401, or no API key was configured at all (then `status` is 401 and `body` is null). */
export class PromptLayerAuthenticationError extends PromptLayerAPIStatusError {}
/** 403: the key may not do this. */
export class PromptLayerPermissionDeniedError extends PromptLayerAPIStatusError {}
/** 404: no such template, workflow or request. */
export class PromptLayerNotFoundError extends PromptLayerAPIStatusError {}
/** 409: e.g. an external id that is already taken. */
export class PromptLayerConflictError extends PromptLayerAPIStatusError {}
/** 422: the service rejected the body's fields (`body.detail` lists them). */
export class PromptLayerUnprocessableEntityError extends PromptLayerAPIStatusError {}
/** 429 after every retry. */
export class PromptLayerRateLimitError extends PromptLayerAPIStatusError {}
/** 5xx after every retry. */
export class PromptLayerInternalServerError extends PromptLayerAPIStatusError {}

/** The service could not be reached (DNS, refused or reset connection). Not retried. */
export class PromptLayerConnectionError extends PromptLayerAPIError {}

/** A request (or a wait such as `runWorkflow`'s) took longer than its timeout. */
export class PromptLayerTimeoutError extends PromptLayerAPIError {
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(message, options);
    this.timeoutMs = timeoutMs;
  }
}

/** An argument failed a client-side check before anything was sent. */
export class PromptLayerValidationError extends PromptLayerError {
  /** The parameter at fault, e.g. `score`. */
  readonly param: string;

  constructor(param: string, message: string) {
    super(`Invalid ${param}: ${message}`);
    this.param = param;
  }
}

/** A workflow run finished without a successful output node. */
export class PromptLayerWorkflowError extends PromptLayerError {
  readonly executionId: number;
  /** The node results the service reported (node name -> result). */
  readonly nodes: unknown;

  constructor(message: string, executionId: number, nodes: unknown) {
    super(message);
    this.executionId = executionId;
    this.nodes = nodes;
  }
}

/** An optional peer package that this call needs is not installed. */
export class PromptLayerMissingDependencyError extends PromptLayerError {
  readonly packageName: string;

  constructor(packageName: string, purpose: string, options?: { cause?: unknown }) {
    super(`${purpose} needs the "${packageName}" package: npm install ${packageName}`, options);
    this.packageName = packageName;
  }
}
