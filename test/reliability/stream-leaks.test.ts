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
  it("leak no span — cut, aborted, broken out of, abandoned mid-way or never consumed — and the process still exits", async () => {
    const result = await runNode(["--expose-gc", "--import", "promptlayer-otel/register", fixture("stream-leaks.mjs")], {
      MOCK_URL: mock.url,
      PROMPTLAYER_OTLP_TRACES_ENDPOINT: receiver.url,
    }, 20_000);
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("scenarios done");
    expect(result.durationMs).toBeLessThan(10_000);
    // Nine model calls, nine spans delivered at exit: every one of them ended, none as a finished answer.
    const chats = receiver.spans.filter((s) => s.name.startsWith("chat "));
    expect(chats).toHaveLength(9);
    // A MessageStream reads the whole response itself (the mock sends it at once), so breaking out of
    // it can come after the answer completed; its span must still be there, ended.
    const messageStream = chats.filter((s) => String(s.attributes["gen_ai.input.messages"]).includes('"d"'));
    expect(messageStream).toHaveLength(1);
    for (const s of chats.filter((c) => c !== messageStream[0])) {
      const finish = s.attributes["gen_ai.response.finish_reasons"] as string[] | undefined;
      expect(finish?.includes("error") || s.status.code === 2, JSON.stringify({ name: s.name, finish, status: s.status })).toBe(true);
    }
  });
});
