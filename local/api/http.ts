/** JSON in and out for the REST routes: body reading with the size limit and content-type check, replies. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError, readBody } from "../otlp/receiver.js";

/** A handler's answer. `raw` bodies are sent as is (already JSON text). */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string> | undefined;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });

const isJsonType = (type: string) => type === "application/json" || type.endsWith("+json");

/**
 * Reads a JSON body: undefined when empty; 415 for a body that is declared as something other
 * than JSON (a missing content type is read as JSON, as curl-style clients often omit it);
 * 400 for malformed JSON; 413 above `limit` bytes.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  const raw = await readBody(req, limit);
  if (raw.length === 0) return undefined;
  if (type && !isJsonType(type)) throw new HttpError(415, `Unsupported content type "${type}"; send application/json`);
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, `Malformed JSON body: ${(error as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  // Bytes (a skill collection's zip) go out as they are, under the reply's own content type.
  const payload = reply.body instanceof Uint8Array ? reply.body : JSON.stringify(reply.body ?? null);
  res.writeHead(reply.status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...reply.headers }).end(payload);
}
