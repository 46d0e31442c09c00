/**
 * The web page's static files (`local/web/`), served without a key: the page itself holds no
 * data; it asks for the API key and reads everything through the authenticated `/api/local/*`.
 * The files sit next to this module in the sources and next to the bundle in `dist/web/`.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";

const ASSETS: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/assets/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/assets/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
};

const cache = new Map<string, Buffer>();

function load(file: string): Buffer {
  let body = cache.get(file);
  if (!body) {
    body = readFileSync(new URL(`./web/${file}`, import.meta.url));
    cache.set(file, body);
  }
  return body;
}

/** Serves the page for `GET /` and its assets; returns false for any other request. */
export function serveWebPage(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  const asset = ASSETS[path];
  if (!asset || (req.method !== "GET" && req.method !== "HEAD")) return false;
  const body = load(asset.file);
  res.writeHead(200, {
    "content-type": asset.type,
    "content-length": body.length,
    "cache-control": "no-cache",
    // The page only talks to its own origin and never runs inline script.
    "content-security-policy": "default-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}
