/**
 * What can go wrong in the backend's own logic, independent of HTTP. `api/errors.ts` is the one
 * place that turns these into status codes and the service's error bodies.
 */

/** One problem with a request, in the shape of the service's 422 `detail` items. */
export interface Issue {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request names something that does not exist (template, version, label, request, workflow…). */
export class NotFoundError extends BackendError {}

/** The request is well-formed but cannot be honoured as asked (400). */
export class BadRequestError extends BackendError {}

/** The request conflicts with stored state (409). */
export class ConflictError extends BackendError {}

/** Fields are missing or have the wrong type or range (422 with `detail`). */
export class ValidationError extends BackendError {
  constructor(readonly issues: Issue[]) {
    super(issues.map((i) => `${i.loc.join(".")}: ${i.msg}`).join("; "));
  }
}
