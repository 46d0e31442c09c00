import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver } from "../../local/otlp/receiver.js";
import { ROOT, runNode } from "../helpers/child.js";

let collector: OtlpReceiver;
let promptlayer: OtlpReceiver;
beforeEach(async () => {
  collector = await startOtlpReceiver();
  promptlayer = await startOtlpReceiver();
});
afterEach(async () => {
  await collector.close();
  await promptlayer.close();
});

describe("the NodeSDK recipe (examples/nodesdk-recipe.ts)", () => {
  it("sends the same spans to the app's collector and to PromptLayer, each with its own credentials", async () => {
    const result = await runNode([`${ROOT}/examples/nodesdk-recipe.ts`], {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer collector-secret",
      PROMPTLAYER_OTLP_TRACES_ENDPOINT: promptlayer.url,
      PROMPTLAYER_API_KEY: "pl_recipe_key",
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Order A-1001 is shipped");

    const toCollector = await collector.waitForSpans(2);
    const toPromptLayer = await promptlayer.waitForSpans(2);
    const ids = (spans: typeof toCollector) => spans.map((s) => s.spanId).sort();
    expect(ids(toPromptLayer)).toEqual(ids(toCollector));
    const root = toPromptLayer.find((s) => s.name === "answerCustomer")!;
    expect(toPromptLayer.find((s) => s.name === "lookupOrder")!.parentSpanId).toBe(root.spanId);
    expect(root.resource["service.name"]).toBe("checkout-service");

    expect(collector.requests[0]!.headers.authorization).toBe("Bearer collector-secret");
    expect(promptlayer.requests[0]!.headers["x-api-key"]).toBe("pl_recipe_key");
    expect(promptlayer.requests[0]!.headers.authorization).toBeUndefined();
  });
});
