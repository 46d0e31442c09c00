/**
 * The one place that maps errors to HTTP statuses and the service's error bodies (CONTRACT §1):
 * `{success: false, message, error}`, and `{detail: [{loc, msg, type}]}` for validation (422).
 */
import { HttpError } from "../otlp/receiver.js";
import { BadRequestError, ConflictError, NotFoundError, ValidationError } from "../domain/errors.js";

/** The API key is missing or is not this backend's (401). */
export class AuthError extends Error {
  constructor(readonly reason: string) {
    super("Invalid API key");
  }
}

/** No route has this path (404) or the path exists for other methods (405). */
export class RouteError extends Error {
  constructor(
    readonly status: 404 | 405,
    message: string,
    readonly allow: string[] = [],
  ) {
    super(message);
  }
}

export interface ErrorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const failure = (status: number, message: string, error = message, headers?: Record<string, string>): ErrorReply => ({
  status,
  body: { success: false, message, error },
  ...(headers ? { headers } : {}),
});

export function errorReply(error: unknown): ErrorReply {
  if (error instanceof ValidationError) return { status: 422, body: { detail: error.issues } };
  if (error instanceof AuthError) return failure(401, error.message, error.reason);
  if (error instanceof NotFoundError) return failure(404, error.message);
  if (error instanceof BadRequestError) return failure(400, error.message);
  if (error instanceof ConflictError) return failure(409, error.message);
  if (error instanceof RouteError) return failure(error.status, error.message, error.message, error.allow.length ? { allow: error.allow.join(", ") } : undefined);
  // Body-level failures from the shared body reader: 400 malformed, 413 too large, 415 encoding/type.
  if (error instanceof HttpError) return failure(error.status, error.message);
  return failure(500, "Internal server error", error instanceof Error ? error.message : String(error));
}
