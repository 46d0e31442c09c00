/** `server.address` / `server.port` from an SDK client's base URL, cached per client. */
import type { CallTarget } from "./traced-call.js";

const cache = new WeakMap<object, CallTarget>();

export function serverOf(baseURL: unknown): CallTarget["server"] {
  if (typeof baseURL !== "string") return undefined;
  try {
    const u = new URL(baseURL);
    return { address: u.hostname, port: u.port ? Number(u.port) : u.protocol === "http:" ? 80 : 443 };
  } catch {
    return undefined;
  }
}

/** The target of calls made through `client`; `provider` decides the provider name from it. */
export function targetOf(client: unknown, provider: (client: object, server: CallTarget["server"]) => string): CallTarget {
  if (client === null || typeof client !== "object") return { provider: provider({}, undefined), server: undefined };
  let t = cache.get(client);
  if (!t) {
    const server = serverOf((client as { baseURL?: unknown }).baseURL);
    t = { provider: provider(client, server), server };
    cache.set(client, t);
  }
  return t;
}
