import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_CHUNKS_HEADER, MOCK_STATUS_HEADER, startMockModelServer, type MockModelServer } from "../../local/mock/index.js";

let server: MockModelServer;
beforeAll(async () => {
  server = await startMockModelServer();
});
afterAll(() => server.close());

const model = "gemini-2.5-flash";
const generate = (method: string, body: unknown, { query = "", headers = { "x-goog-api-key": "g-key" } as Record<string, string> } = {}) =>
  fetch(`${server.url}/v1beta/models/${model}:${method}${query}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

interface GenerateContentResponse {
  candidates: { content: { role: string; parts: { text?: string; functionCall?: unknown }[] }; finishReason?: string; index: number }[];
  usageMetadata: { promptTokenCount: number; candidatesTokenCount?: number; totalTokenCount: number };
  modelVersion: string;
}
const reply = async (res: Response) => (await res.json()) as GenerateContentResponse;

const ask = (text: string) => ({ contents: [{ role: "user", parts: [{ text }] }] });

/** Parses `data: <json>\n\n` events. */
function sseData(raw: string): unknown[] {
  return raw
    .split("\n\n")
    .filter((e) => e.trim() !== "")
    .map((e) => {
      expect(e.startsWith("data: ")).toBe(true);
      return JSON.parse(e.slice("data: ".length));
    });
}

describe("gemini", () => {
  it("answers generateContent with a model candidate, STOP and usageMetadata", async () => {
    const res = await generate("generateContent", { systemInstruction: { parts: [{ text: "Be kind." }] }, ...ask("Hello Gemini") });
    expect(res.status).toBe(200);
    const body = await reply(res);
    expect(body).toMatchObject({
      candidates: [{ content: { role: "model", parts: [{ text: "Mock reply to: Hello Gemini" }] }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: Math.ceil("Be kind.\nHello Gemini".length / 4), candidatesTokenCount: Math.ceil("Mock reply to: Hello Gemini".length / 4) },
      modelVersion: model,
    });
    expect(body.usageMetadata.totalTokenCount).toBe(body.usageMetadata.promptTokenCount + body.usageMetadata.candidatesTokenCount!);
    const again = await (await generate("generateContent", { systemInstruction: { parts: [{ text: "Be kind." }] }, ...ask("Hello Gemini") })).json();
    expect(again).toEqual(body);
  });

  it("accepts the key as ?key= and answers 401 UNAUTHENTICATED without one", async () => {
    const viaQuery = await generate("generateContent", ask("hi"), { query: "?key=abc", headers: {} });
    expect(viaQuery.status).toBe(200);
    const none = await generate("generateContent", ask("hi"), { headers: {} });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: 401, message: expect.any(String), status: "UNAUTHENTICATED" } });
  });

  it("streams GenerateContentResponse chunks as data: events with ?alt=sse", async () => {
    const res = await generate("streamGenerateContent", ask("stream gemini"), { query: "?alt=sse", headers: { "x-goog-api-key": "k", [MOCK_CHUNKS_HEADER]: "7" } });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const chunks = sseData(await res.text()) as { candidates: { content: { parts: { text: string }[] }; finishReason?: string }[]; usageMetadata: { candidatesTokenCount?: number } }[];
    expect(chunks).toHaveLength(7);
    expect(chunks.map((c) => c.candidates[0]!.content.parts[0]!.text).join("")).toBe("Mock reply to: stream gemini");
    expect(chunks.slice(0, -1).every((c) => c.candidates[0]!.finishReason === undefined)).toBe(true);
    expect(chunks.at(-1)!.candidates[0]!.finishReason).toBe("STOP");
    expect(chunks.at(-1)!.usageMetadata.candidatesTokenCount).toBe(Math.ceil("Mock reply to: stream gemini".length / 4));

    const asArray = await (await generate("streamGenerateContent", ask("stream gemini"), { headers: { "x-goog-api-key": "k", [MOCK_CHUNKS_HEADER]: "7" } })).json();
    expect(asArray).toEqual(chunks);
  });

  it("calls a declared function, then answers from its functionResponse", async () => {
    const tools = [{ functionDeclarations: [{ name: "find_city", description: "Find", parameters: { type: "OBJECT", properties: { location: { type: "STRING" }, limit: { type: "INTEGER" } }, required: ["location", "limit"] } }] }];
    const first = await reply(await generate("generateContent", { ...ask("Find Paris"), tools }));
    expect(first.candidates[0]!.content.parts).toEqual([{ functionCall: { name: "find_city", args: { location: "Paris", limit: 1 } } }]);
    const second = await reply(
      await generate("generateContent", {
        tools,
        contents: [
          ...ask("Find Paris").contents,
          { role: "model", parts: first.candidates[0]!.content.parts },
          { role: "user", parts: [{ functionResponse: { name: "find_city", response: { result: "Paris, France" } } }] },
        ],
      }),
    );
    expect(second.candidates[0]!.content.parts[0]!.text).toContain("Paris, France");
  });

  it("counts tokens, and answers unknown methods with 404 and forced failures in Gemini's error shape", async () => {
    expect(await (await generate("countTokens", ask("12345678"))).json()).toEqual({ totalTokens: 2 });
    const unknown = await generate("predictTheFuture", ask("x"));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 404, status: "NOT_FOUND" } });
    const limited = await generate("generateContent", ask("x"), { headers: { "x-goog-api-key": "k", [MOCK_STATUS_HEADER]: "429" } });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { code: 429, status: "RESOURCE_EXHAUSTED" } });
  });

  it("returns JSON for responseMimeType application/json with a responseSchema", async () => {
    const body = await reply(
      await generate("generateContent", {
        ...ask("list"),
        generationConfig: { responseMimeType: "application/json", responseSchema: { type: "ARRAY", items: { type: "OBJECT", properties: { title: { type: "STRING" } }, required: ["title"] } } },
      }),
    );
    expect(JSON.parse(body.candidates[0]!.content.parts[0]!.text!)).toEqual([{ title: "mock title" }]);
  });
});
