/**
 * Every recorded cassette, replayed against the client: the real service's answers must parse
 * into the client's typed results, and the client's requests must hit the recorded paths.
 */
import * as anthropicModule from "@anthropic-ai/sdk";
import * as openaiModule from "openai";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { workflowOutput } from "../../src/client/workflows.js";
import { providerEnvironment } from "../../src/config.js";
import { PromptLayer, type LoggedRequest, type PromptBlueprint, type PromptTemplate } from "../../src/index.js";
import { createConsoleLogger, setLogger } from "../../src/logger.js";
import { cassetteNames, loadCassette, recordedRequest, startReplayServer, type Interaction, type ReplayServer } from "../helpers/client-cassettes.js";

const servers: ReplayServer[] = [];
const covered = new Set<string>();
afterEach(() => setLogger(createConsoleLogger()));
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function replay(...names: string[]): Promise<{ server: ReplayServer; pl: PromptLayer; interactions: Interaction[] }> {
  for (const n of names) covered.add(n);
  const interactions = names.flatMap(loadCassette);
  const server = await startReplayServer(interactions);
  servers.push(server);
  const pl = new PromptLayer(
    { apiKey: "pl_sanitized", baseURL: server.url },
    {
      sleep: async () => {},
      providerEnv: () => providerEnvironment({ OPENAI_API_KEY: "sk-replay", OPENAI_BASE_URL: `${server.url}/v1`, ANTHROPIC_API_KEY: "sk-ant-replay", ANTHROPIC_BASE_URL: server.url }),
    },
  );
  return { server, pl, interactions };
}

/** Every request went to a recorded interaction (nothing unanswered). */
function allMatched(server: ReplayServer): void {
  expect(server.received.filter((r) => !r.matched).map((r) => `${r.method} ${r.path}`)).toEqual([]);
}

const messagesOf = (pt: PromptBlueprint["prompt_template"] | PromptTemplate["prompt_template"]) => {
  if (pt.type !== "chat") throw new Error("chat expected");
  return pt.messages;
};

describe("prompt templates", () => {
  it("test_get_template_async: parses a template with its llm_kwargs", async () => {
    const { server, pl } = await replay("test_get_template_async.yaml");
    const t = await pl.templates.get("sample_template");
    expect(t).toMatchObject({ id: 4, prompt_name: "sample_template", version: 1, tags: ["test"], llm_kwargs: { model: "gpt-4o" }, metadata: { model: { provider: "openai", name: "gpt-4o-mini" } } });
    expect(messagesOf(t!.prompt_template).map((m) => m.role)).toEqual(["system", "user"]);
    allMatched(server);
  });

  it("test_get_all_templates: parses a page of templates", async () => {
    const { server, pl } = await replay("test_get_all_templates.yaml");
    const items = await pl.templates.all({ page: 1, perPage: 30 });
    expect(items.length).toBeGreaterThan(1);
    for (const item of items) expect(item).toMatchObject({ id: expect.any(Number), prompt_name: expect.any(String), prompt_template: { type: "chat" } });
    expect(server.received[0]!.query).toBe("page=1&per_page=30");
    allMatched(server);
  });

  it("test_publish_template_async: publishes and parses the created template", async () => {
    const { server, pl, interactions } = await replay("test_publish_template_async.yaml");
    const sent = recordedRequest(interactions, "/rest/prompt-templates") as { prompt_template: { prompt_template: never; tags: string[]; commit_message: string; metadata: never } };
    const published = await pl.templates.publish({
      promptName: "sample_template",
      promptTemplate: sent.prompt_template.prompt_template,
      tags: sent.prompt_template.tags,
      commitMessage: sent.prompt_template.commit_message,
      metadata: sent.prompt_template.metadata,
    });
    expect(published).toMatchObject({ id: 4, prompt_name: "sample_template", tags: ["test"], commit_message: "test", prompt_template: { type: "chat" } });
    allMatched(server);
  });

  it("test_get_prompt_template_provider_base_url_name: encodes ':' in the name exactly as recorded", async () => {
    const { server, pl, interactions } = await replay("test_get_prompt_template_provider_base_url_name.yaml");
    const sent = recordedRequest(interactions, "/rest/prompt-templates") as { prompt_template: { prompt_template: never } };
    const published = await pl.templates.publish({ promptName: "test_template:test", promptTemplate: sent.prompt_template.prompt_template, providerBaseUrlName: "does_not_exist" });
    expect(published).toMatchObject({ id: 5, prompt_name: "test_template:test" });
    const t = await pl.templates.get("test_template:test", { provider: "openai", model: "gpt-3.5-turbo" });
    expect(t).toMatchObject({ id: 5, llm_kwargs: { messages: [{ role: "system" }, { role: "user" }] } });
    expect(server.received.map((r) => r.path)).toEqual(["/rest/prompt-templates", "/prompt-templates/test_template%3Atest"]);
    allMatched(server);
  });
});

describe("request log, track and group", () => {
  it("test_log_request_async: parses the request-log row (its key is id)", async () => {
    const { server, pl } = await replay("test_log_request_async.yaml");
    const t = (await pl.templates.get("sample_template"))!;
    const row = await pl.logRequest({ provider: "openai", model: "gpt-4-mini", input: t.prompt_template, output: t.prompt_template, requestStartTime: new Date(), requestEndTime: new Date() });
    expect(row).toMatchObject({ id: 130, prompt_version: { prompt_template: { type: "chat" } }, span_id: null });
    allMatched(server);
  });

  it("test_track_and_templates: a pl.openai call logged via track-request, then score, metadata and a group", async () => {
    const { server, pl } = await replay("test_track_and_templates.yaml");
    await pl.templates.get("sample_template", { provider: "openai", model: "gpt-3.5-turbo" });
    const logged: LoggedRequest[] = [];
    const OpenAI = await pl.openai({ module: openaiModule, onRequestLogged: (r) => void logged.push(r) });
    const client = new OpenAI({ apiKey: "sk-replay", baseURL: `${server.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create(recordedRequest(loadCassette("test_track_and_templates.yaml"), "/v1/chat/completions") as never);
    expect(completion).toMatchObject({ id: "chatcmpl-BMBeSHzYtFfWOaJukmxcQxflVDr5S" });
    await expect.poll(() => logged.length).toBe(1);
    const requestId = logged[0]!.request_id;
    expect(requestId).toBe(132);
    await expect(pl.track.score({ requestId, score: 10, name: "accuracy" })).resolves.toBe(true);
    await expect(pl.track.metadata({ requestId, metadata: { test: "test" } })).resolves.toBe(true);
    const groupId = await pl.group.create();
    expect(groupId).toBe(1);
    await expect(pl.track.group({ requestId, groupId: groupId as number })).resolves.toBe(true);
    allMatched(server);
  });
});

describe("run()", () => {
  it("test_run_prompt_async: returns the request id, the raw response and the service's blueprint", async () => {
    const { server, pl } = await replay("test_run_prompt_async.yaml");
    const result = await pl.run({ promptName: "sample_template" });
    expect(result.request_id).toBe(129);
    expect(result.raw_response).toMatchObject({ id: "chatcmpl-BMAu3fBRyPYaswyFgBBnBQcB0YxUK", object: "chat.completion" });
    const messages = messagesOf(result.prompt_blueprint.prompt_template);
    expect(messages.at(-1)).toMatchObject({ role: "assistant", content: [{ type: "text", text: expect.stringContaining("How can I assist you today?") }] });
    const track = server.received.find((r) => r.path === "/track-request")!;
    expect(track.body).toMatchObject({ function_name: "openai.chat.completions.create", prompt_id: 4, prompt_version: 1, kwargs: { model: "gpt-4o", stream: false } });
    allMatched(server);
  });

  it("test_run_logs_error_on_llm_auth_failure: logs PROVIDER_AUTH_ERROR and rethrows OpenAI's AuthenticationError", async () => {
    setLogger(createConsoleLogger("none"));
    const { server, pl } = await replay("test_run_logs_error_on_llm_auth_failure.yaml");
    const error = await pl.run({ promptName: "error_tracking_test" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(openaiModule.AuthenticationError);
    const track = server.received.find((r) => r.path === "/track-request")!;
    expect(track.body).toMatchObject({ status: "ERROR", error_type: "PROVIDER_AUTH_ERROR", prompt_id: 1, prompt_version: 1, request_response: {} });
    expect(track.matched?.status).toBe(200);
    allMatched(server);
  });
});

describe("pl.openai() and pl.anthropic() against recorded provider traffic", () => {
  const providerCassettes = cassetteNames().filter((n) => /^test_(openai|anthropic)_chat_completion/.test(n));

  for (const name of providerCassettes) {
    it(`${name.replace(/\.yaml$/, "")}: replays the provider call and parses the recorded track-request answer`, async () => {
      setLogger(createConsoleLogger("none"));
      const { server, pl, interactions } = await replay(name);
      const isOpenAI = name.startsWith("test_openai");
      const path = isOpenAI ? "/v1/chat/completions" : "/v1/messages";
      const params = recordedRequest(interactions, path);
      const logged: LoggedRequest[] = [];
      const onRequestLogged = (r: LoggedRequest) => void logged.push(r);
      let reply = "";
      if (isOpenAI) {
        const OpenAI = await pl.openai({ module: openaiModule, onRequestLogged });
        const client = new OpenAI({ apiKey: "sk-replay", baseURL: `${server.url}/v1`, maxRetries: 0 });
        const result = await client.chat.completions.create(params as never);
        if (params.stream) for await (const chunk of result as unknown as AsyncIterable<openaiModule.OpenAI.ChatCompletionChunk>) reply += chunk.choices[0]?.delta.content ?? "";
        else reply = (result as openaiModule.OpenAI.ChatCompletion).choices[0]!.message.content ?? "";
      } else {
        const Anthropic = await pl.anthropic({ module: anthropicModule, onRequestLogged });
        const client = new Anthropic({ apiKey: "sk-ant-replay", baseURL: server.url, maxRetries: 0 });
        const result = await client.messages.create(params as never);
        if (params.stream) {
          for await (const event of result as unknown as AsyncIterable<anthropicModule.Anthropic.MessageStreamEvent>) {
            if (event.type === "content_block_delta" && event.delta.type === "text_delta") reply += event.delta.text;
          }
        } else reply = (result as anthropicModule.Anthropic.Message).content.map((b) => (b.type === "text" ? b.text : "")).join("");
      }
      expect(reply).toMatch(/capital|Hello|Rome|Madrid|Washington|Paris/);

      const recordedTrack = interactions.find((i) => i.path === "/track-request");
      await expect.poll(() => server.received.filter((r) => r.path === "/track-request").length).toBe(1);
      const track = server.received.find((r) => r.path === "/track-request")!;
      expect(track.body).toMatchObject({ provider_type: isOpenAI ? "openai" : "anthropic", kwargs: { model: params.model } });
      expect(JSON.stringify(track.body.request_response)).toContain(reply.slice(0, 20));
      if (recordedTrack) {
        await expect.poll(() => logged.length).toBe(1);
        expect(logged[0]!.request_id).toBe((JSON.parse(recordedTrack.responseBody) as { request_id: number }).request_id);
      } else {
        // Recorded without a track-request: the replay has no answer and logging only warns.
        expect(logged).toEqual([]);
      }
    });
  }
});

describe("workflows", () => {
  it("test_arun_workflow_request + test_get_final_output_1: starts a run and reads its node results", async () => {
    const { server, pl } = await replay("test_arun_workflow_request.yaml", "test_get_final_output_1.yaml");
    await expect(pl.runWorkflow({ workflowName: "3", inputVariables: { var1: "value1" } })).resolves.toBe("AAA");
    expect(server.received.map((r) => r.path)).toEqual(["/workflows/3/run", "/workflow-version-execution-results"]);
  });

  it("test_make_message_listener_1: all outputs parse into node results", async () => {
    const { pl } = await replay("test_arun_workflow_request.yaml", "test_make_message_listener_1.yaml");
    const all = await pl.runWorkflow({ workflowName: "3", returnAllOutputs: true });
    expect(all["Node 1"]).toEqual({ status: "SUCCESS", value: "AAA", error_message: null, raw_error_message: null, is_output_node: true });
  });

  it("test_get_final_output_2 / test_make_message_listener_2: a bare output value is returned as is", async () => {
    for (const name of ["test_get_final_output_2.yaml", "test_make_message_listener_2.yaml"]) {
      covered.add(name);
      const [results] = loadCassette(name);
      expect(results!.query).toContain("return_all_outputs=false");
      expect(workflowOutput(717, JSON.parse(results!.responseBody), false)).toBe("AAA");
    }
  });
});

describe("coverage", () => {
  it("replays every cassette in the reference directory", () => {
    expect(cassetteNames().filter((n) => !covered.has(n))).toEqual([]);
  });
});
