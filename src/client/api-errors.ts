/** The one place where an HTTP status from the PromptLayer API becomes a typed error. */
import {
  PromptLayerAPIStatusError,
  PromptLayerAuthenticationError,
  PromptLayerBadRequestError,
  PromptLayerConflictError,
  PromptLayerInternalServerError,
  PromptLayerNotFoundError,
  PromptLayerPermissionDeniedError,
  PromptLayerRateLimitError,
  PromptLayerUnprocessableEntityError,
} from "../errors.js";

type StatusErrorClass = new (message: string, status: number, body: unknown) => PromptLayerAPIStatusError;

const BY_STATUS: Record<number, StatusErrorClass> = {
  400: PromptLayerBadRequestError,
  401: PromptLayerAuthenticationError,
  403: PromptLayerPermissionDeniedError,
  404: PromptLayerNotFoundError,
  409: PromptLayerConflictError,
  422: PromptLayerUnprocessableEntityError,
  429: PromptLayerRateLimitError,
};

function text(v: unknown): string | undefined {
  if (typeof v === "string" && v.trim()) return v;
  if (v !== null && typeof v === "object" && !Array.isArray(v) && typeof (v as { message?: unknown }).message === "string") {
    return (v as { message: string }).message;
  }
  return undefined;
}

/** 422 bodies list their problems as `detail: [{loc, msg}]`. */
function detailText(detail: unknown): string | undefined {
  if (!Array.isArray(detail)) return text(detail);
  const parts = detail.map((d: unknown) => {
    if (d === null || typeof d !== "object") return String(d);
    const { loc, msg } = d as { loc?: unknown; msg?: unknown };
    const where = Array.isArray(loc) ? loc.join(".") : undefined;
    return where ? `${where}: ${String(msg)}` : String(msg);
  });
  return parts.length ? parts.join("; ") : undefined;
}

/** The service's own words: `message`, else `error`, else `detail`. */
export function errorMessageOf(body: unknown): string | undefined {
  if (typeof body === "string") return body.trim() ? body.trim().slice(0, 500) : undefined;
  if (body === null || typeof body !== "object") return undefined;
  const b = body as { message?: unknown; error?: unknown; detail?: unknown };
  return text(b.message) ?? text(b.error) ?? detailText(b.detail);
}

export function statusErrorClass(status: number): StatusErrorClass {
  return BY_STATUS[status] ?? (status >= 500 ? PromptLayerInternalServerError : PromptLayerAPIStatusError);
}

/** `what` names the call, e.g. `POST /prompt-templates/support`; it must not contain secrets. */
export function errorFromStatus(status: number, body: unknown, what: string): PromptLayerAPIStatusError {
  const detail = errorMessageOf(body);
  const Class = statusErrorClass(status);
  return new Class(`PromptLayer API ${what} failed with ${status}${detail ? `: ${detail}` : ""}`, status, body);
}
