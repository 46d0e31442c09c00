/**
 * Replays the recorded PromptLayer/OpenAI/Anthropic traffic in `../shared/reference/cassettes`
 * (VCR YAML) from a local HTTP server: each request gets the next unused recorded answer for its
 * method and path, so the client parses exactly what the real service sent.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const CASSETTE_DIR = fileURLToPath(new URL("../../../shared/reference/cassettes/", import.meta.url));

export interface Interaction {
  method: string;
  /** Path as recorded (percent-encoded), without the query. */
  path: string;
  query: string;
  host: string;
  requestBody: string | undefined;
  status: number;
  contentType: string;
  responseBody: string;
}

interface VcrCassette {
  interactions: Array<{
    request: { method: string; uri: string; body: string | null };
    response: { status: { code: number }; headers: Record<string, string[]>; body: { string: string } };
  }>;
}

export function cassetteNames(): string[] {
  return readdirSync(CASSETTE_DIR).filter((f) => f.endsWith(".yaml")).sort();
}

export function loadCassette(name: string): Interaction[] {
  const doc = parse(readFileSync(`${CASSETTE_DIR}${name}`, "utf8")) as VcrCassette;
  return doc.interactions.map(({ request, response }) => {
    const url = new URL(request.uri);
    const header = Object.entries(response.headers ?? {}).find(([k]) => k.toLowerCase() === "content-type");
    return {
      method: request.method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ""),
      host: url.host,
      requestBody: request.body ?? undefined,
      status: response.status.code,
      contentType: header?.[1]?.[0] ?? "application/json",
      responseBody: response.body.string,
    };
  });
}

/** The recorded JSON body of the first request to `path`. */
export function recordedRequest(interactions: Interaction[], path: string): Record<string, unknown> {
  const i = interactions.find((x) => x.path === path);
  if (!i?.requestBody) throw new Error(`no recorded request body for ${path}`);
  return JSON.parse(i.requestBody) as Record<string, unknown>;
}

export interface ReplayedRequest {
  method: string;
  path: string;
  query: string;
  body: Record<string, unknown>;
  /** The recorded interaction it was answered with, if any. */
  matched: Interaction | undefined;
}

export interface ReplayServer {
  url: string;
  received: ReplayedRequest[];
  close(): Promise<void>;
}

export async function startReplayServer(interactions: Interaction[]): Promise<ReplayServer> {
  const unused = [...interactions];
  const received: ReplayedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const [path = "/", query = ""] = (req.url ?? "/").split("?");
      const raw = Buffer.concat(chunks).toString("utf8");
      const index = unused.findIndex((i) => i.method === req.method && i.path === path);
      const matched = index >= 0 ? unused.splice(index, 1)[0] : undefined;
      received.push({ method: req.method ?? "GET", path, query, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {}, matched });
      if (!matched) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ success: false, message: `no recorded interaction for ${req.method} ${path}` }));
        return;
      }
      res.writeHead(matched.status, { "content-type": matched.contentType }).end(matched.responseBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
