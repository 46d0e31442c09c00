/** run() with an Azure OpenAI registry prompt: the deployment path, `api-key` auth, the env settings. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { PromptLayer } from "../../src/client/index.js";

let backend: LocalBackend;
const ENV = ["AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "OPENAI_API_VERSION"] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", apiKey: "pl_azure", log: () => {} });
  process.env.AZURE_OPENAI_ENDPOINT = backend.url;
  process.env.AZURE_OPENAI_API_KEY = "azure-SENTINEL-key";
  process.env.OPENAI_API_VERSION = "2024-10-21";
});
afterAll(async () => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await backend.close();
});

describe("run() on Azure OpenAI", () => {
  it("calls the deployment with the Azure key from the environment and logs the request without it", async () => {
    const pl = new PromptLayer({ apiKey: "pl_azure", baseURL: backend.url });
    await pl.templates.publish({
      promptName: "azure-hello",
      promptTemplate: { type: "chat", input_variables: ["name"], messages: [{ role: "user", input_variables: ["name"], template_format: "f-string", content: [{ type: "text", text: "Greet {name}" }] }] },
      metadata: { model: { provider: "openai.azure", name: "gpt-4o", parameters: {}, api_type: "chat-completions" } },
    });
    const result = await pl.run({ promptName: "azure-hello", inputVariables: { name: "Ada" } });
    const response = result.raw_response as { choices: Array<{ message: { content: string } }> };
    expect(response.choices[0]!.message.content).toContain("Greet Ada");
    const row = backend.store.requests.get(result.request_id!)!;
    expect(row.functionName).toBe("openai.AzureOpenAI.chat.completions.create");
    expect(JSON.stringify(row)).not.toContain("SENTINEL");
  });
});
