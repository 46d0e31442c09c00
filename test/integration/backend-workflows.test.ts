import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSampleData, SAMPLE_WORKFLOW } from "../../local/seed.js";
import { chatTemplate, publish, startBackend, type Client } from "./backend-helpers.js";

let client: Client;
beforeAll(async () => {
  client = await startBackend();
  seedSampleData(client.backend.store);
  await publish(client, "haiku", chatTemplate([{ role: "user", text: "Write a haiku about {topic}" }]), {
    metadata: { model: { provider: "anthropic", name: "claude-haiku-4-5", parameters: { max_tokens: 200 } } },
  });
});
afterAll(() => client.backend.close());

const results = (id: number, all: boolean) => client.call("GET", `/workflow-version-execution-results?workflow_version_execution_id=${id}&return_all_outputs=${all}`);

/** Polls the results route the way a client without a realtime channel would. */
async function waitForResults(id: number, all = true) {
  const statuses: number[] = [];
  for (let i = 0; i < 200; i++) {
    const res = await results(id, all);
    statuses.push(res.status);
    if (res.status === 200) return { res, statuses };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`execution ${id} did not finish: ${statuses.join(",")}`);
}

describe("workflows", () => {
  it("creates a workflow through the admin route and serves its definition by name or id", async () => {
    const created = await client.call("POST", "/api/local/workflows", {
      name: "poet",
      release_labels: ["prod"],
      nodes: [
        { name: "topic", node_type: "VARIABLE", configuration: { value: { type: "input", name: "topic" } } },
        // The latency keeps the execution running long enough to be polled while in progress.
        { name: "poem", node_type: "PROMPT_TEMPLATE", dependencies: ["topic"], configuration: { template: { prompt_name: "haiku" }, mock_headers: { "x-mock-latency-ms": "300" } } },
        { name: "signed", node_type: "TEMPLATE_STRING", dependencies: ["poem"], is_output_node: true, configuration: { template: "{poem}\n— the local backend" } },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, workflow_name: "poet", version: 1, release_labels: ["prod"], required_input_variables: { topic: "string" } });
    const byName = await client.call("GET", "/workflows/poet");
    expect(byName.body.workflow).toEqual({ id: created.body.workflow_id, workspace_id: 1, user_id: null, name: "poet", is_draft: false, is_deleted: false });
    expect(byName.body.nodes.map((n: { name: string }) => n.name)).toEqual(["topic", "poem", "signed"]);
    expect((await client.call("GET", `/workflows/${created.body.workflow_id}`)).body.workflow_name).toBe("poet");
    expect((await client.call("GET", "/workflows/poet?label=prod")).body.version).toBe(1);
    expect((await client.call("GET", "/workflows/nope")).status).toBe(404);
  });

  it("runs a prompt node against the mock model, 202 while running and 200 with every node when done", async () => {
    const run = await client.call("POST", "/workflows/poet/run", { input_variables: { topic: "tea" }, metadata: null, workflow_label_name: null, workflow_version_number: null, return_all_outputs: true });
    expect(run.status).toBe(201);
    expect(run.body).toEqual({ success: true, message: "Workflow execution created successfully", warning: null, workflow_version_execution_id: expect.any(Number) });
    const id = run.body.workflow_version_execution_id;
    const { res, statuses } = await waitForResults(id);
    expect(statuses[0]).toBe(202);
    expect(Object.keys(res.body)).toEqual(["topic", "poem", "signed"]);
    expect(res.body.topic).toEqual({ status: "SUCCESS", value: "tea", error_message: null, raw_error_message: null, is_output_node: false });
    expect(res.body.poem.status).toBe("SUCCESS");
    expect(typeof res.body.poem.value).toBe("string");
    expect(res.body.poem.value.length).toBeGreaterThan(0);
    expect(res.body.signed).toMatchObject({ status: "SUCCESS", is_output_node: true, value: `${res.body.poem.value}\n— the local backend` });

    const bare = await results(id, false);
    expect(bare.status).toBe(200);
    expect(bare.body).toBe(res.body.signed.value);

    // The prompt node's model call is a request log tied to the template.
    const logs = client.backend.store.requests.list({ limit: 10 }).filter((r) => r.source === "workflow" && r.metadata.workflow_version_execution_id === String(id));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ providerType: "anthropic", functionName: "anthropic.messages.create", promptId: client.backend.store.templates.find("haiku")!.id, promptInputVariables: { topic: "tea" } });
  });

  it("follows a conditional branch and skips the other", async () => {
    const refund = await client.call("POST", `/workflows/${SAMPLE_WORKFLOW}/run`, { input_variables: { question: "Can I get a refund?" } });
    const done = (await waitForResults(refund.body.workflow_version_execution_id)).res.body;
    expect(done.is_refund).toMatchObject({ status: "SUCCESS", value: true });
    expect(done.refund_policy).toMatchObject({ status: "SUCCESS", value: "Refunds are issued within 14 days of purchase. You asked: Can I get a refund?" });
    expect(done.answer.status).toBe("SKIPPED");

    const other = await client.call("POST", `/workflows/${SAMPLE_WORKFLOW}/run`, { input_variables: { question: "Where is my parcel?" } });
    const otherDone = (await waitForResults(other.body.workflow_version_execution_id)).res.body;
    expect(otherDone.refund_policy.status).toBe("SKIPPED");
    expect(otherDone.answer.status).toBe("SUCCESS");
  });

  it("fails a node whose template is missing, fails what depends on it, and reports no output", async () => {
    await client.call("POST", "/api/local/workflows", {
      name: "broken",
      nodes: [
        { name: "ask", node_type: "PROMPT_TEMPLATE", configuration: { template: { prompt_name: "ghost" } } },
        { name: "out", node_type: "TEMPLATE_STRING", dependencies: ["ask"], is_output_node: true, configuration: { template: "{ask}" } },
      ],
    });
    const run = await client.call("POST", "/workflows/broken/run", { input_variables: {} });
    const { res } = await waitForResults(run.body.workflow_version_execution_id);
    expect(res.body.ask).toMatchObject({ status: "FAILED", error_message: "Prompt template 'ghost' not found" });
    expect(res.body.out).toMatchObject({ status: "FAILED", error_message: "Upstream node 'ask' failed" });
    const bare = await results(run.body.workflow_version_execution_id, false);
    expect(bare.status).toBe(400);
    expect(bare.body.success).toBe(false);
  });

  it("fails a prompt node whose model call fails, with the provider's error as raw_error_message", async () => {
    await client.call("POST", "/api/local/workflows", {
      name: "flaky",
      nodes: [{ name: "ask", node_type: "PROMPT_TEMPLATE", is_output_node: true, configuration: { template: { prompt_name: "haiku" }, input_variables: {}, mock_headers: { "x-mock-status": "529" } } }],
    });
    const run = await client.call("POST", "/workflows/flaky/run", { input_variables: {} });
    const { res } = await waitForResults(run.body.workflow_version_execution_id);
    expect(res.body.ask.status).toBe("FAILED");
    expect(res.body.ask.error_message).toMatch(/^Model call failed with HTTP 529/);
    expect(JSON.parse(res.body.ask.raw_error_message).type).toBe("error");
  });

  it("warns about missing input variables and fails the node that needs them", async () => {
    const run = await client.call("POST", "/workflows/poet/run", { input_variables: {} });
    expect(run.body.warning).toBe("Missing input variables: topic");
    const { res } = await waitForResults(run.body.workflow_version_execution_id);
    expect(res.body.topic).toMatchObject({ status: "FAILED", error_message: "Missing input variable 'topic'" });
  });

  it("validates runs and definitions", async () => {
    expect((await client.call("POST", "/workflows/ghost/run", { input_variables: {} })).status).toBe(404);
    expect((await client.call("POST", "/workflows/poet/run", { workflow_version_number: 7 })).status).toBe(404);
    const badInputs = await client.call("POST", "/workflows/poet/run", { input_variables: "tea" });
    expect(badInputs.status).toBe(422);
    expect(badInputs.body.detail[0].loc).toEqual(["body", "input_variables"]);
    const cycle = await client.call("POST", "/api/local/workflows", {
      name: "loop",
      nodes: [
        { name: "a", node_type: "TEMPLATE_STRING", dependencies: ["b"], configuration: { template: "" } },
        { name: "b", node_type: "TEMPLATE_STRING", dependencies: ["a"], is_output_node: true, configuration: { template: "" } },
      ],
    });
    expect(cycle.status).toBe(422);
    expect(cycle.body.detail[0].msg).toMatch(/^Dependency cycle/);
    const unknownDep = await client.call("POST", "/api/local/workflows", { name: "x", nodes: [{ name: "a", node_type: "TEMPLATE_STRING", dependencies: ["zzz"], is_output_node: true, configuration: { template: "" } }] });
    expect(unknownDep.body.detail[0]).toMatchObject({ loc: ["body", "nodes", 0, "dependencies", 0], msg: "Unknown node 'zzz'" });
    const badType = await client.call("POST", "/api/local/workflows", { name: "x", nodes: [{ name: "a", node_type: "CODE", is_output_node: true }] });
    expect(badType.body.detail[0].loc).toEqual(["body", "nodes", 0, "node_type"]);
    expect((await results(999999, true)).status).toBe(404);
    expect((await client.call("GET", "/workflow-version-execution-results")).status).toBe(422);
  });

  it("hands out a token for the realtime channel the SDKs ask for", async () => {
    const res = await client.call("POST", "/ws-token-request-library?capability=workflows%3A1%3Arun%3Aabc");
    expect(res.status).toBe(201);
    expect(res.body.token_details.capability).toHaveProperty("workflows:1:run:abc");
  });

  it("posts the result to callback_url and answers 202", async () => {
    const received: unknown[] = [];
    const { createServer } = await import("node:http");
    const hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const port = (hook.address() as { port: number }).port;
    try {
      const run = await client.call("POST", `/workflows/${SAMPLE_WORKFLOW}/run`, { input_variables: { question: "refund please" }, callback_url: `http://127.0.0.1:${port}/done` });
      expect(run.status).toBe(202);
      await waitForResults(run.body.workflow_version_execution_id);
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(received).toEqual([{ workflow_version_execution_id: run.body.workflow_version_execution_id, result_code: "OK", final_output: expect.stringContaining("Refunds") }]);
    } finally {
      await new Promise((r) => hook.close(r));
    }
  });
});
