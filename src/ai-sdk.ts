/** `promptlayer-otel/ai-sdk`: the Vercel AI SDK integration (see `src/integrations/ai-sdk.ts`). */
export { AISDKSpanProcessor } from "./integrations/ai-sdk.js";
