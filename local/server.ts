/**
 * The local backend: one HTTP server on loopback with the PromptLayer REST API the client uses,
 * the OTLP/HTTP trace receiver, and the mock model endpoints, over a SQLite store.
 *
 * Routing, in order: `/v1/traces` (OTLP) → the web page (`/`, `/assets/*`) → mock model paths (`/v1/chat/completions`,
 * `/v1/responses`, `/v1/embeddings`, `/v1/completions`, `/v1/messages`, `/v1beta/models/…`;
 * these take any provider key, like the mock server) → REST and `/api/local/*` routes (the
 * PromptLayer key: header `X-API-KEY`, or the body's `api_key` on the legacy tracking routes).
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { experimentRoutes } from "./api/experiments.js";
import { sendJson } from "./api/http.js";
import { readRoutes } from "./api/local-read.js";
import { releaseRoutes } from "./api/releases.js";
import { Router, type Services } from "./api/router.js";
import { skillRoutes } from "./api/skills.js";
import { templateRoutes } from "./api/templates.js";
import { handleOtlp, OTLP_TRACES_PATH, traceRoutes } from "./api/traces.js";
import { trackingRoutes } from "./api/tracking.js";
import { workflowRoutes } from "./api/workflows.js";
import { createMockModelHandler } from "./mock/index.js";
import { seedSampleData } from "./seed.js";
import { MEMORY, openStore, type LocalStore } from "./store/index.js";
import { serveWebPage } from "./web.js";
import { providersFromEnv, resolveProviders, type ModelProviders, type ProviderName } from "./workflows/providers.js";
import { WorkflowRunner } from "./workflows/runner.js";

export const DEFAULT_DATA_DIR = ".promptlayer";
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface LocalBackendOptions {
  /** Default 0 (an ephemeral port); the `dev` command uses 8787. */
  port?: number;
  /** Default 127.0.0.1. Binding elsewhere exposes your prompts and traces to the network. */
  host?: string;
  /** Directory of the SQLite database (created if missing). Default `./.promptlayer`; `:memory:` keeps nothing. */
  dataDir?: string;
  /** The PromptLayer API key clients must send. Default `PROMPTLAYER_API_KEY`, else a generated one. */
  apiKey?: string;
  /** Publish the sample templates and workflow (see `seedSampleData`) if they are missing. */
  seed?: boolean;
  /** Largest accepted request body (REST and OTLP). Default 10 MiB; bigger gets 413. */
  maxBodyBytes?: number;
  /** Where unexpected errors are reported. Default: stderr. */
  log?: (message: string) => void;
  /**
   * Real model providers for workflow prompt nodes, e.g. `{ openai: { apiKey, baseURL } }`
   * (also `anthropic`, `google`). A template whose provider has an account is run there; every
   * other call goes to this backend's own mock endpoints. Default: the accounts in the
   * environment (`OPENAI_API_KEY` + `OPENAI_BASE_URL`, `ANTHROPIC_API_KEY` + `ANTHROPIC_BASE_URL`,
   * `GOOGLE_API_KEY`/`GEMINI_API_KEY` + `GEMINI_BASE_URL`); `{}` keeps every call on the mock.
   */
  providers?: ModelProviders;
}

export interface LocalBackend {
  /** `http://127.0.0.1:<port>`: use as `PROMPTLAYER_BASE_URL`; `<url>/v1` is the OpenAI base URL. */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  /** True when the key was generated (neither the option nor `PROMPTLAYER_API_KEY` was set). */
  readonly apiKeyGenerated: boolean;
  /** The data directory (absolute), or `:memory:`. */
  readonly dataDir: string;
  /** Where workflow prompt nodes call each provider: its real base URL, or `"mock"`. Keys are not shown. */
  readonly modelEndpoints: Readonly<Record<ProviderName, string>>;
  readonly store: LocalStore;
  /** Waits for running workflow executions (up to 5 s), stops the server, closes the database. */
  close(): Promise<void>;
}

/** The REST routes (everything but `/v1/traces`, the web page and the mock model endpoints). */
export function buildRouter(): Router {
  const router = new Router();
  templateRoutes(router);
  trackingRoutes(router);
  workflowRoutes(router);
  releaseRoutes(router);
  skillRoutes(router);
  experimentRoutes(router);
  traceRoutes(router);
  readRoutes(router);
  return router;
}

function resolveKey(option: string | undefined): { apiKey: string; generated: boolean } {
  const given = option?.trim() || process.env.PROMPTLAYER_API_KEY?.trim();
  if (given) return { apiKey: given, generated: false };
  return { apiKey: `pl_local_${randomBytes(16).toString("hex")}`, generated: true };
}

export async function startLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const { apiKey, generated } = resolveKey(options.apiKey);
  const providers = resolveProviders(options.providers ?? providersFromEnv(process.env));
  const modelEndpoints = { openai: providers.openai?.baseURL ?? "mock", anthropic: providers.anthropic?.baseURL ?? "mock", google: providers.google?.baseURL ?? "mock" };
  const dataDir = options.dataDir === MEMORY ? MEMORY : resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const log = options.log ?? ((message: string) => console.error(`[promptlayer-local] ${message}`));
  const store = openStore(dataDir);
  if (options.seed) seedSampleData(store);

  let baseUrl = "";
  const runner = new WorkflowRunner(store, { baseUrl: () => baseUrl, providers, log });
  const services: Services = { store, apiKey, baseUrl: () => baseUrl, workflows: runner, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, log };
  const router = buildRouter();
  const mock = createMockModelHandler({ maxBodyBytes: services.maxBodyBytes });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === OTLP_TRACES_PATH) return handleOtlp(req, res, services);
    if (serveWebPage(req, res, path)) return;
    if (await mock(req, res)) return;
    return router.dispatch(req, res, services);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`${req.method} ${req.url} failed: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) sendJson(res, { status: 500, body: { success: false, message: "Internal server error", error: String(error) } });
      else res.destroy();
    });
  });

  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolveListen();
      });
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const { port, address } = server.address() as AddressInfo;
  const host = address === "0.0.0.0" || address === "::" ? "127.0.0.1" : address.includes(":") ? `[${address}]` : address;
  baseUrl = `http://${host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([runner.idle(), new Promise<void>((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      });
      store.close();
    })());

  return { url: baseUrl, port, apiKey, apiKeyGenerated: generated, dataDir, modelEndpoints, store, close };
}
