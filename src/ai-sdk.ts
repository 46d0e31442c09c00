/** `promptlayer-otel/ai-sdk`: the Vercel AI SDK integration (see `src/integrations/ai-sdk.ts`). */
import "./tracing/api-bridge.js";
export { AISDKSpanProcessor } from "./integrations/ai-sdk.js";
