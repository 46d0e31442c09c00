import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockModelServer, type MockModelServer } from "../../local/mock/index.js";
import { startOtlpReceiver, type OtlpReceiver } from "../../local/otlp/receiver.js";
import { fixture, runNode } from "../helpers/child.js";

let mock: MockModelServer;
let receiver: OtlpReceiver;
beforeAll(async () => {
  mock = await startMockModelServer();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await mock.close();
  await receiver.close();
});

describe("streams that never finish normally", () => {
  it("leak no span — cut, aborted, abandoned mid-way or never consumed — and the process still exits", async () => {
    const result = await runNode(["--expose-gc", "--import", "promptlayer-otel/register", fixture("stream-leaks.mjs")], {
      MOCK_URL: mock.url,
      PROMPTLAYER_OTLP_TRACES_ENDPOINT: receiver.url,
    }, 20_000);
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("scenarios done");
    expect(result.durationMs).toBeLessThan(10_000);
    // Six model calls, six spans delivered at exit: every one of them ended.
    const chats = receiver.spans.filter((s) => s.name.startsWith("chat "));
    expect(chats).toHaveLength(6);
    const incomplete = chats.filter((s) => (s.attributes["gen_ai.response.finish_reasons"] as string[] | undefined)?.includes("error") || s.status.code === 2);
    expect(incomplete).toHaveLength(6);
  });
});
