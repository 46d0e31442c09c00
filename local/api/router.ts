/**
 * A small method + path router. Patterns use `{name}` segments (percent-decoded). Each route
 * says how it authenticates and whether it reads a JSON body; the dispatcher does both before the
 * handler runs — for header auth before reading the body, for legacy body auth after.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LocalStore } from "../store/index.js";
import type { WorkflowRunner } from "../workflows/runner.js";
import { authenticate, type AuthStyle } from "./auth.js";
import { errorReply, RouteError } from "./errors.js";
import { readJsonBody, sendJson, type Reply } from "./http.js";

export interface Services {
  store: LocalStore;
  apiKey: string;
  /** `http://127.0.0.1:<port>`, known once the server listens. */
  baseUrl(): string;
  workflows: WorkflowRunner;
  maxBodyBytes: number;
  /** Where unexpected (500) errors are reported. */
  log(message: string): void;
}

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (undefined when empty or for routes without a body). */
  body: unknown;
  services: Services;
}

export type Handler = (ctx: RouteContext) => Reply | Promise<Reply>;

interface Route {
  method: string;
  /** As registered, e.g. `/prompt-templates/{identifier}`. */
  path: string;
  pattern: RegExp;
  keys: string[];
  auth: AuthStyle;
  readsBody: boolean;
  handler: Handler;
}

export interface RouteOptions {
  auth: AuthStyle;
  /** Default: true for POST/PUT/PATCH. */
  readsBody?: boolean;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, options: RouteOptions, handler: Handler): this {
    const keys: string[] = [];
    const source = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_, key: string) => {
      keys.push(key);
      return "([^/]+)";
    });
    this.routes.push({
      method,
      path,
      pattern: new RegExp(`^${source}/?$`),
      keys,
      auth: options.auth,
      readsBody: options.readsBody ?? ["POST", "PUT", "PATCH"].includes(method),
      handler,
    });
    return this;
  }

  /** Every route, in registration order (for the contract test, which must cover each). */
  list(): Array<{ method: string; path: string; auth: AuthStyle }> {
    return this.routes.map((r) => ({ method: r.method, path: r.path, auth: r.auth }));
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } {
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        allowed.add(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        const raw = m[i + 1]!;
        try {
          params[key] = decodeURIComponent(raw);
        } catch {
          params[key] = raw;
        }
      });
      return { route, params };
    }
    if (allowed.size) throw new RouteError(405, `Method ${method} is not allowed for ${path}`, [...allowed]);
    throw new RouteError(404, `No route for ${method} ${path}`);
  }

  async dispatch(req: IncomingMessage, res: ServerResponse, services: Services): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    try {
      const { route, params } = this.match(req.method ?? "GET", url.pathname);
      if (route.auth === "header") authenticate(req, undefined, "header", services.apiKey);
      const body = route.readsBody ? await readJsonBody(req, services.maxBodyBytes) : undefined;
      if (route.auth === "legacy") authenticate(req, body, "legacy", services.apiKey);
      const reply = await route.handler({ req, url, params, query: url.searchParams, body, services });
      sendJson(res, reply);
    } catch (error) {
      const reply = errorReply(error);
      if (reply.status === 500) services.log(`${req.method} ${url.pathname} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      // Unread request bytes would otherwise reset the socket before the client reads the reply.
      if (!req.complete) res.setHeader("connection", "close");
      sendJson(res, reply);
    }
  }
}
