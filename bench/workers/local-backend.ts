/**
 * Service: the local backend (`startLocalBackend`: PromptLayer REST API + mock model endpoints),
 * seeded with the sample templates, in memory, in its own process. Loaded from `local/` sources
 * like the other servers (see workers/mock-server.ts). Sends `{ ready: { url, apiKey } }`, or
 * `{ ready: { error } }` when this checkout has no local backend yet.
 */
export {}; // a module (top-level await)

interface Backend {
  url: string;
  apiKey: string;
  close(): Promise<void>;
}
type Start = (options: { dataDir: string; apiKey: string; seed: boolean; log: (m: string) => void }) => Promise<Backend>;

try {
  const mod = (await import("../../local/index.js")) as unknown as { startLocalBackend?: Start };
  if (typeof mod.startLocalBackend !== "function") throw new Error("local/ does not export startLocalBackend()");
  const backend = await mod.startLocalBackend({ dataDir: ":memory:", apiKey: "bench-key", seed: true, log: () => {} });
  process.send?.({ ready: { url: backend.url, apiKey: backend.apiKey } });
  process.on("SIGTERM", () => void backend.close().then(() => process.exit(0)));
} catch (error) {
  process.send?.({ ready: { error: (error as Error).message } });
}
process.on("disconnect", () => process.exit(0));
