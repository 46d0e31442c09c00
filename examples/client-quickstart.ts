/**
 * The PromptLayer client in a few lines: run a registry prompt with your own OpenAI key, score
 * the logged request, then stream the same prompt.
 *
 *   PROMPTLAYER_API_KEY=pl_… OPENAI_API_KEY=sk-… node examples/client-quickstart.ts
 *
 * (Point PROMPTLAYER_BASE_URL at `npx promptlayer-otel dev` to try it offline.)
 */
import { PromptLayer, PromptLayerNotFoundError } from "promptlayer-otel";

const pl = new PromptLayer({ cacheTtlSeconds: 60 });

try {
  const { request_id, prompt_blueprint } = await pl.run({
    promptName: "support-reply",
    inputVariables: { question: "Where is my order?" },
    tags: ["quickstart"],
  });
  const reply = prompt_blueprint.prompt_template.type === "chat" ? prompt_blueprint.prompt_template.messages.at(-1)?.content : undefined;
  console.log("reply:", JSON.stringify(reply));
  if (request_id !== null) await pl.track.score({ requestId: request_id, score: 90 });

  // Streaming: each item carries one provider chunk and the blueprint accumulated so far.
  for await (const item of await pl.run({ promptName: "support-reply", inputVariables: { question: "And my refund?" }, stream: true })) {
    if (item.request_id !== null) console.log("logged as request", item.request_id);
  }
} catch (error) {
  if (error instanceof PromptLayerNotFoundError) console.error('Create a prompt named "support-reply" in the registry first.');
  else throw error;
}
