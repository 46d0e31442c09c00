import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver } from "../../local/otlp/receiver.js";
import { fixture, runNode, startNode } from "../helpers/child.js";

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(() => receiver.close());

const app = ["--import", "promptlayer-otel/register", fixture("traced-app.mjs")];

describe("flushing at exit", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("flushes on %s and still terminates by the signal when the app has no handler", async (signal) => {
    const run = startNode(app, {
      PROMPTLAYER_OTLP_TRACES_ENDPOINT: receiver.url,
      FIXTURE_MODE: "wait",
      OTEL_BSP_SCHEDULE_DELAY: "60000",
    });
    await run.waitForOutput("ready");
    expect(receiver.spans).toHaveLength(0); // nothing exported yet: the batch delay is long
    run.child.kill(signal);
    const result = await run.done;
    expect(result.signal).toBe(signal);
    expect(receiver.spans.map((s) => s.name).sort()).toEqual(["main", "step", "step"]);
  });

  it("flushes on SIGTERM and leaves the exit to an app that handles the signal itself", async () => {
    const run = startNode(app, {
      PROMPTLAYER_OTLP_TRACES_ENDPOINT: receiver.url,
      FIXTURE_MODE: "own-handler",
      OTEL_BSP_SCHEDULE_DELAY: "60000",
    });
    await run.waitForOutput("ready");
    run.child.kill("SIGTERM");
    const result = await run.done;
    expect(result.stdout).toContain("app handler ran");
    expect(result.code).toBe(0);
    expect(receiver.spans).toHaveLength(3);
  });

  it("exits promptly and reports lost spans when the endpoint never answers", async () => {
    const sockets = new Set<Socket>();
    const blackhole: Server = createServer(() => {});
    blackhole.on("connection", (s) => sockets.add(s));
    await new Promise<void>((r) => blackhole.listen(0, "127.0.0.1", r));
    try {
      const result = await runNode(app, {
        PROMPTLAYER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${(blackhole.address() as AddressInfo).port}/v1/traces`,
        PROMPTLAYER_SHUTDOWN_TIMEOUT_MS: "500",
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("result 6");
      expect(result.durationMs).toBeLessThan(5000);
      expect(result.stderr).toMatch(/3 span\(s\) could not be exported/);
    } finally {
      for (const s of sockets) s.destroy();
      blackhole.close();
    }
  });
});
