import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver } from "../../local/otlp/receiver.js";
import { fixture, runNode } from "../helpers/child.js";

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(() => receiver.close());

function expectTree(spans: typeof receiver.spans) {
  const main = spans.find((s) => s.name === "main");
  const steps = spans.filter((s) => s.name === "step");
  expect(main).toBeDefined();
  expect(steps).toHaveLength(2);
  for (const s of steps) {
    expect(s.parentSpanId).toBe(main!.spanId);
    expect(s.traceId).toBe(main!.traceId);
  }
  expect(main!.attributes.function_output).toBe("6");
  expect(main!.resource["service.name"]).toBe("fixture-app");
}

describe("zero-code setup with the register preload", () => {
  it.each([
    ["--import", "an ESM", "traced-app.mjs", "http/protobuf"],
    ["--import", "an ESM", "traced-app.mjs", "http/json"],
    ["--require", "a CommonJS", "traced-app.cjs", "http/protobuf"],
    ["--require", "a CommonJS", "traced-app.cjs", "http/json"],
  ])("%s traces %s app and exports %s at exit", async (flag, _kind, app, protocol) => {
    const result = await runNode([flag, "promptlayer-otel/register", fixture(app)], {
      PROMPTLAYER_OTLP_TRACES_ENDPOINT: receiver.url,
      PROMPTLAYER_API_KEY: "pl_child_key",
      OTEL_SERVICE_NAME: "fixture-app",
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("result 6");
    expectTree(await receiver.waitForSpans(3));
    expect(receiver.requests[0]!.contentType).toBe(protocol === "http/json" ? "application/json" : "application/x-protobuf");
    expect(receiver.requests[0]!.headers["x-api-key"]).toBe("pl_child_key");
  });

  it("starts the app untraced, with a message naming the bad variable, when the config is invalid", async () => {
    const result = await runNode(["--import", "promptlayer-otel/register", fixture("traced-app.mjs")], {
      PROMPTLAYER_OTLP_TRACES_ENDPOINT: receiver.url,
      OTEL_BSP_MAX_QUEUE_SIZE: "lots",
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("result 6");
    expect(result.stderr).toContain("OTEL_BSP_MAX_QUEUE_SIZE");
    expect(receiver.spans).toHaveLength(0);
  });
});
