/**
 * The local backend killed with SIGKILL while many writers are mid-flight: after a restart on the
 * same data directory, every write that was acknowledged is there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../local/store/index.js";
import { fixture, startNode } from "../helpers/child.js";

const dataDir = mkdtempSync(join(tmpdir(), "pl-sigkill-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const KEY = "pl_sigkill";
const chat = (role: string, text: string) => ({ type: "chat", messages: [{ role, content: [{ type: "text", text }] }] });
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

describe("SIGKILL under write load", () => {
  it("keeps every acknowledged write, REST and OTLP", async () => {
    const server = startNode([fixture("backend-child.mjs"), dataDir], {}, 60_000);
    await server.waitForOutput("READY");
    const url = /READY (\S+)/.exec(server.stdout())![1]!;

    const loggedIds: number[] = [];
    const ackedTraces: string[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          if (i % 2 === 0) {
            const res = await fetch(`${url}/log-request`, {
              method: "POST",
              headers: { "content-type": "application/json", "x-api-key": KEY },
              body: JSON.stringify({ provider: "openai", model: "gpt-4o", input: chat("user", `w${w} #${i}`), output: chat("assistant", "ok"), request_start_time: 1, request_end_time: 2 }),
            });
            if (res.status === 201) loggedIds.push(((await res.json()) as { id: number }).id);
          } else {
            const traceId = hex(w * 1_000_000 + i + 1, 32);
            const res = await fetch(`${url}/v1/traces`, {
              method: "POST",
              headers: { "content-type": "application/json", "x-api-key": KEY },
              body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "load" }, spans: [{ traceId, spanId: hex(i + 1, 16), name: "work", kind: 1, startTimeUnixNano: "1767323045000000000", endTimeUnixNano: "1767323046000000000" }] }] }] }),
            });
            if (res.status === 200) ackedTraces.push(traceId);
          }
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 700));
    server.child.kill("SIGKILL");
    stop = true;
    await Promise.all(writers);
    const exit = await server.done;
    expect(exit.signal).toBe("SIGKILL");
    expect(loggedIds.length).toBeGreaterThan(20);
    expect(ackedTraces.length).toBeGreaterThan(20);

    const store = openStore(dataDir);
    try {
      const missingLogs = loggedIds.filter((id) => !store.requests.get(id));
      const missingTraces = ackedTraces.filter((t) => store.spans.spansOf(t).length !== 1);
      expect(missingLogs).toEqual([]);
      expect(missingTraces).toEqual([]);
    } finally {
      store.close();
    }
  }, 60_000);
});
