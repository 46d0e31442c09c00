/**
 * Joining an existing OpenTelemetry setup: the app's NodeSDK keeps exporting to its own collector
 * and also sends the same spans to PromptLayer — one provider, two span processors.
 *
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://collector:4318/v1/traces \
 *   PROMPTLAYER_API_KEY=pl_… node examples/nodesdk-recipe.ts
 */
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace";
import { PromptLayerSpanProcessor, traceable } from "promptlayer-otel";
import { AnthropicInstrumentation, OpenAIInstrumentation } from "promptlayer-otel/instrumentations";

const sdk = new NodeSDK({
  serviceName: "checkout-service",
  spanProcessors: [
    // The app's own pipeline, configured by the standard OTEL_EXPORTER_OTLP_* variables.
    new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }),
    // PromptLayer: PROMPTLAYER_API_KEY, PROMPTLAYER_BASE_URL / PROMPTLAYER_OTLP_TRACES_ENDPOINT.
    new PromptLayerSpanProcessor(),
  ],
  // `openai` / `@anthropic-ai/sdk` calls become GenAI spans (ES modules also need the loader hook: README).
  instrumentations: [new OpenAIInstrumentation(), new AnthropicInstrumentation()],
});
sdk.start();

const lookupOrder = traceable(async function lookupOrder(orderId: string) {
  return { orderId, status: "shipped" };
});

const answer = traceable(async function answerCustomer(question: string) {
  const order = await lookupOrder("A-1001");
  return `Order ${order.orderId} is ${order.status}. (${question})`;
});

console.log(await answer("Where is my order?"));
await sdk.shutdown();
