/**
 * Section 4: the PromptLayer client. Runs only when this checkout has both the client
 * (`PromptLayer` with `templates.get` and `run`) and the local backend (`startLocalBackend`);
 * otherwise it reports why it was skipped. All the measuring is in workers/client.ts.
 */
import type { BenchConfig } from "../config.js";
import { runWorker, startService } from "../lib/child.js";
import type { ClientResult, ClientSpec } from "../workers/client.js";

export async function runClient(cfg: BenchConfig, log: (l: string) => void): Promise<ClientResult> {
  const backend = await startService<{ url?: string; apiKey?: string; error?: string }>("local-backend.ts", {}, {
    nodeFlags: ["--experimental-transform-types", "--no-warnings"],
  });
  try {
    if (!backend.info.url) return { skipped: `no local backend: ${backend.info.error ?? "unknown"}` };
    const spec: ClientSpec = { backendUrl: backend.info.url, apiKey: backend.info.apiKey ?? "bench-key", calls: cfg.client.calls };
    const r = await runWorker<ClientResult>("client.ts", spec, { timeoutMs: 300_000 });
    log(r.skipped ? `  skipped: ${r.skipped}` : `  templates.get warm ${r.templateWarm?.wallUs.toFixed(0)} µs, backend ${r.templateBackend?.wallUs.toFixed(0)} µs`);
    return r;
  } catch (error) {
    return { skipped: `client benchmark failed: ${(error as Error).message.split("\n")[0]}` };
  } finally {
    await backend.stop();
  }
}
