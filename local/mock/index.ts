/**
 * Deterministic mock model endpoints speaking the OpenAI, Anthropic and Gemini wire formats, so
 * the real `openai` and `@anthropic-ai/sdk` clients work unmodified against them (OpenAI:
 * `baseURL: url + "/v1"`; Anthropic: `baseURL: url`; Gemini: `url + "/v1beta/models/…"`).
 *
 * Routes (query strings are ignored for routing, so `/v1/messages?beta=true` works):
 *   POST /v1/chat/completions          OpenAI chat completions (+ stream)
 *   POST /v1/responses                 OpenAI responses (+ stream)
 *   POST /v1/embeddings                OpenAI embeddings (float or base64)
 *   POST /v1/completions               OpenAI legacy completions (+ stream)
 *   POST /openai/deployments/{d}/{chat/completions|completions|embeddings|responses}, /openai/v1/…
 *                                      the same, Azure OpenAI style (`api-key` header)
 *   POST /v1/messages                  Anthropic messages (+ stream)
 *   POST /v1/messages/count_tokens     Anthropic token counting
 *   POST /v1beta/models/{m}:generateContent | :streamGenerateContent | :countTokens   Gemini
 *
 * Determinism: the same method, path and body give the same reply, ids included (they derive
 * from a SHA-256 of the request). The one intended exception is Anthropic prompt caching, whose
 * usage depends on which prefixes this server has already seen.
 *
 * Every request must carry a key (any non-empty value): OpenAI `Authorization: Bearer …`;
 * Anthropic `x-api-key` (or `Authorization: Bearer …`, which newer SDK majors send); Gemini
 * `x-goog-api-key`, `?key=` or a bearer token. Otherwise: 401 in the provider's error shape.
 *
 * Fault injection, by request header (set per client via `defaultHeaders` or per call via the
 * request options' `headers`):
 *   x-mock-status: <400–599>   reply with that status and the provider's error body (after auth
 *                              and the latency fault). Other values are ignored. A 401 from the
 *                              OpenAI endpoints quotes the request's key, as OpenAI's does.
 *   x-mock-latency-ms: <n>     wait n ms (max 60 000) before replying; for a stream, the status
 *                              and headers go out at once and the wait precedes the first event.
 *   x-mock-cut-after: <n>      streams only: send the first n SSE events (every event counts,
 *                              Anthropic's ping and OpenAI's [DONE] included), then destroy the
 *                              socket without ending the chunked body. n ≥ the event count: no cut.
 *   x-mock-chunks: <n>         split a streamed text reply into n content deltas (default 5). A
 *                              reply shorter than n characters is lengthened with a fixed filler
 *                              sentence, streamed or not, so headers + body still fix the text.
 *                              Structured (JSON) and truncated replies are never padded and may
 *                              give fewer deltas. Tool arguments are split into at most n pieces.
 *   x-mock-chunk-delay-ms: <n> streams only: wait n ms (max 5 000) between consecutive SSE events,
 *                              so a client can abort or break off while the server is still
 *                              sending; sending stops when the client goes away.
 *   x-mock-cached-tokens: <n>  OpenAI chat and responses: report n prompt tokens (at most the
 *                              prompt's count) as cached, in `prompt_tokens_details` /
 *                              `input_tokens_details.cached_tokens`. Reasoning tokens need no
 *                              header: o-series models and names containing "reasoning" report them.
 *
 * Other errors: body over `maxBodyBytes` (10 MiB) → 413; malformed JSON → 400; a known path with
 * the wrong method → 405; an unknown Gemini model method → 404; each in the provider's shape.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpError, readBody } from "../otlp/receiver.js";
import { anthropicDialect } from "./anthropic-dialect.js";
import { handleCountTokens, handleMessages } from "./anthropic-messages.js";
import { sha256Hex } from "./content.js";
import { parseFaults } from "./faults.js";
import { GEMINI_PATH, geminiDialect, handleGemini } from "./gemini.js";
import { isObject, MockHttpError, sendError, type Dialect, type MockContext, type MockState } from "./http.js";
import { handleChatCompletions } from "./openai-chat.js";
import { handleCompletions } from "./openai-completions.js";
import { handleEmbeddings } from "./openai-embeddings.js";
import { handleResponses } from "./openai-responses.js";
import { azureOpenAIDialect, openAIDialect } from "./openai-shared.js";

export { MOCK_CACHED_TOKENS_HEADER, MOCK_CHUNK_DELAY_HEADER, MOCK_CHUNKS_HEADER, MOCK_CUT_AFTER_HEADER, MOCK_LATENCY_HEADER, MOCK_STATUS_HEADER } from "./faults.js";
export { countTokens, DEFAULT_STREAM_CHUNKS } from "./content.js";
export { DEFAULT_EMBEDDING_DIMENSIONS, embeddingFor } from "./openai-embeddings.js";

export const DEFAULT_MOCK_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/messages`. */
  path: string;
  /** The raw request target, query included, e.g. `/v1/messages?beta=true`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; undefined when it was empty, too large or not JSON. */
  body: unknown;
}

export interface MockHandlerOptions {
  /** Called once per request that belongs to a mock endpoint, before any reply is sent. */
  onRequest?: (request: RecordedRequest) => void;
  maxBodyBytes?: number;
}

interface Route {
  dialect: Dialect;
  handle: (ctx: MockContext) => Promise<void>;
}

/** `/openai/deployments/{deployment}/{api}` and the deployment-less `/openai/v1/{api}`. */
const AZURE_PATH = /^\/openai\/(?:deployments\/[^/]+|v1)\/(chat\/completions|completions|embeddings|responses)$/;

function routeFor(path: string): Route | undefined {
  switch (path) {
    case "/v1/chat/completions":
      return { dialect: openAIDialect, handle: handleChatCompletions };
    case "/v1/responses":
      return { dialect: openAIDialect, handle: handleResponses };
    case "/v1/embeddings":
      return { dialect: openAIDialect, handle: handleEmbeddings };
    case "/v1/completions":
      return { dialect: openAIDialect, handle: handleCompletions };
    case "/v1/messages":
      return { dialect: anthropicDialect, handle: handleMessages };
    case "/v1/messages/count_tokens":
      return { dialect: anthropicDialect, handle: handleCountTokens };
  }
  // Azure OpenAI: the same APIs under a deployment (`api-key` header or bearer token).
  const azure = AZURE_PATH.exec(path);
  if (azure) {
    const handle = { "chat/completions": handleChatCompletions, completions: handleCompletions, embeddings: handleEmbeddings, responses: handleResponses }[azure[1]!];
    if (handle) return { dialect: azureOpenAIDialect, handle };
  }
  const gemini = GEMINI_PATH.exec(path);
  if (gemini) return { dialect: geminiDialect, handle: (ctx) => handleGemini(ctx, decodeURIComponent(gemini[2]!), gemini[3]!) };
  // The whole v1beta namespace is Gemini's: anything else there is an unknown model path.
  if (path.startsWith("/v1beta/")) return { dialect: geminiDialect, handle: () => Promise.reject(new MockHttpError(404, `${path} is not a known Gemini method path.`)) };
  return undefined;
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Builds a request handler with its own state (the Anthropic prompt cache). Returns true when the
 * path belonged to a mock endpoint and a reply was sent, false to let the caller route it.
 */
export function createMockModelHandler(options: MockHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const state: MockState = { anthropicCache: new Set() };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MOCK_MAX_BODY_BYTES;
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://mock.local");
    const route = routeFor(url.pathname);
    if (!route) return false;
    const faults = parseFaults(req);
    const method = req.method ?? "GET";
    let raw: Buffer;
    const errorCtx = { res, dialect: route.dialect, seed: sha256Hex(`${method} ${url.pathname}`), faults };
    try {
      raw = await readBody(req, maxBodyBytes);
    } catch (error) {
      options.onRequest?.({ method, path: url.pathname, url: req.url ?? "/", headers: { ...req.headers }, body: undefined });
      const status = error instanceof HttpError ? error.status : 400;
      // Unread request bytes would otherwise make the socket reset before the 413 arrives.
      res.setHeader("connection", "close");
      await sendError(errorCtx, status, (error as Error).message);
      return true;
    }
    const body = parseJson(raw);
    options.onRequest?.({ method, path: url.pathname, url: req.url ?? "/", headers: { ...req.headers }, body });
    const ctx: MockContext = { req, res, url, body: {}, seed: sha256Hex(Buffer.concat([Buffer.from(`${method} ${url.pathname}\n`), raw])), faults, dialect: route.dialect, state };
    try {
      if (method !== "POST") throw new MockHttpError(405, `${method} ${url.pathname} is not supported; use POST`);
      if (!route.dialect.authorized(req, url)) throw new MockHttpError(401, "Missing or invalid API key (the mock accepts any non-empty key).");
      if (faults.status !== undefined) {
        const message = faults.status === 401 ? route.dialect.rejectedKeyMessage?.(req) : undefined;
        throw new MockHttpError(faults.status, message ?? `Injected failure (x-mock-status: ${faults.status}).`);
      }
      if (!isObject(body)) throw new MockHttpError(400, raw.length === 0 ? "Request body is empty; expected a JSON object." : "Request body is not a valid JSON object.");
      ctx.body = body;
      await route.handle(ctx);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
      } else {
        const status = error instanceof MockHttpError ? error.status : 500;
        await sendError(ctx, status, error instanceof MockHttpError ? error.message : `Mock server error: ${(error as Error).message}`);
      }
    }
    return true;
  };
}

const defaultHandler = createMockModelHandler();

/**
 * Serves a request if its path belongs to a mock model endpoint (returns true) or leaves it alone
 * (returns false), so a bigger server can mount the mocks beside its own routes. Shares one
 * prompt-cache state across all callers; use `createMockModelHandler()` for isolated state.
 */
export function handleMockModelRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  return defaultHandler(req, res);
}

export interface MockModelServerOptions {
  port?: number;
  host?: string;
  maxBodyBytes?: number;
}

export interface MockModelServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  /** Every request that reached a mock endpoint, in arrival order. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A standalone mock model server on loopback with its own prompt-cache state. */
export async function startMockModelServer(options: MockModelServerOptions = {}): Promise<MockModelServer> {
  const requests: RecordedRequest[] = [];
  const handle = createMockModelHandler({ onRequest: (r) => void requests.push(r), maxBodyBytes: options.maxBodyBytes });
  const server: Server = createServer((req, res) => {
    handle(req, res)
      .then((handled) => {
        if (!handled) {
          res.writeHead(404, { "content-type": "application/json" }).end(
            JSON.stringify({ error: { message: `Invalid URL (${req.method} ${req.url})`, type: "invalid_request_error", param: null, code: null } }),
          );
        }
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
