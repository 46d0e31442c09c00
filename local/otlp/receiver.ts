/**
 * OTLP/HTTP trace receiver: `POST /v1/traces` with protobuf or JSON bodies, optionally gzip- or
 * deflate-encoded, answering with the collector's status codes (200, 400, 413, 415).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, inflateSync } from "node:zlib";
import { decodeJson, decodeProtobuf, OtlpDecodeError, type ReceivedSpan } from "./decode.js";
import { ExportTraceServiceResponse } from "./schema.js";

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Past the limit, a refused body is still read (and dropped) up to this many times the limit. */
const DRAIN_FACTOR = 8;

/**
 * Reads the whole body, refusing more than `limit` bytes (before and after decompression).
 * A refused body is read to its end before the 413 goes out: a server that answers and closes
 * while the client is still sending makes the client see a connection reset, not the 413.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks = await new Promise<Buffer[]>((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? NaN);
    const collected: Buffer[] = [];
    let size = 0;
    let refused = declared > limit;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) refused = true;
      if (!refused) collected.push(chunk);
      // A client that keeps sending far past the limit is cut off.
      else if (size > limit * DRAIN_FACTOR) req.destroy(new HttpError(413, `body exceeds ${limit} bytes`));
    });
    req.on("end", () => (refused ? reject(new HttpError(413, `body exceeds ${limit} bytes`)) : resolve(collected)));
    req.on("error", reject);
  });
  const raw = Buffer.concat(chunks);
  const encoding = String(req.headers["content-encoding"] ?? "identity").toLowerCase();
  try {
    if (encoding === "gzip") return gunzipSync(raw, { maxOutputLength: limit });
    if (encoding === "deflate") return inflateSync(raw, { maxOutputLength: limit });
  } catch (error) {
    const tooBig = (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
    throw new HttpError(tooBig ? 413 : 400, tooBig ? `decompressed body exceeds ${limit} bytes` : "body is not valid " + encoding);
  }
  if (encoding !== "identity") throw new HttpError(415, `unsupported content-encoding ${encoding}`);
  return raw;
}

type Encoding = "protobuf" | "json";

function encodingOf(req: IncomingMessage): Encoding {
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-protobuf" || type === "application/protobuf") return "protobuf";
  if (type === "application/json") return "json";
  throw new HttpError(415, `unsupported content-type "${type}"; use application/x-protobuf or application/json`);
}

function reply(res: ServerResponse, status: number, encoding: Encoding, message?: string): void {
  if (encoding === "protobuf") {
    // Success is an empty ExportTraceServiceResponse; errors carry a google.rpc.Status-like text.
    const body =
      status === 200 ? Buffer.from(ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create({})).finish()) : Buffer.from(message ?? "");
    res.writeHead(status, { "content-type": status === 200 ? "application/x-protobuf" : "text/plain" }).end(body);
  } else {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(status === 200 ? {} : { error: message }));
  }
}

/**
 * Handles one `POST /v1/traces`. `accept` stores the spans; the reply is sent only after it
 * resolves, so an acknowledged export is a stored one.
 */
export async function handleTraceExport(
  req: IncomingMessage,
  res: ServerResponse,
  accept: (spans: ReceivedSpan[]) => void | Promise<void>,
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<void> {
  let encoding: Encoding = "json";
  try {
    encoding = encodingOf(req);
    const body = await readBody(req, maxBodyBytes);
    const spans = encoding === "protobuf" ? decodeProtobuf(body) : decodeJson(body.toString("utf8"));
    await accept(spans);
    reply(res, 200, encoding);
  } catch (error) {
    const status = error instanceof HttpError ? error.status : error instanceof OtlpDecodeError ? 400 : 500;
    reply(res, status, encoding, (error as Error).message);
  }
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>/v1/traces` */
  readonly url: string;
  /** Every span received so far, in arrival order. */
  readonly spans: ReceivedSpan[];
  /** One entry per accepted export request: its headers, encoding and span count. */
  readonly requests: ReceivedRequest[];
  /** Resolves with all spans once at least `count` arrived; rejects after `timeoutMs`. */
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

export interface ReceivedRequest {
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  contentEncoding: string | undefined;
  spanCount: number;
}

export interface OtlpReceiverOptions {
  port?: number;
  host?: string;
  maxBodyBytes?: number;
}

/** A standalone in-memory OTLP/HTTP receiver on loopback (tests, the demo, quick inspection). */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== "/v1/traces") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
      return;
    }
    void handleTraceExport(
      req,
      res,
      (received) => {
        requests.push({
          headers: { ...req.headers },
          contentType: String(req.headers["content-type"] ?? ""),
          contentEncoding: req.headers["content-encoding"],
          spanCount: received.length,
        });
        spans.push(...received);
        for (const wake of waiters) wake();
      },
      options.maxBodyBytes,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    requests,
    waitForSpans(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (spans.length < count) return;
          cleanup();
          resolve([...spans]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} spans, received ${spans.length} within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
