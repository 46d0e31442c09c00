import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PromptLayer, PromptLayerNotFoundError, PromptLayerTimeoutError, PromptLayerWorkflowError } from "../../src/index.js";
import { startClientTestServer, TEST_PL_KEY, type ClientTestServer } from "../helpers/client-server.js";

let server: ClientTestServer;
let pl: PromptLayer;
const waits: number[] = [];

const node = (status: string, value: unknown, isOutput: boolean, error: string | null = null) => ({ status, value, error_message: error, raw_error_message: error, is_output_node: isOutput });

beforeAll(async () => {
  server = await startClientTestServer();
  // Polling waits are recorded and skipped, so a many-poll run takes milliseconds.
  pl = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: server.url }, { sleep: async (ms) => void waits.push(ms) });
  server.workflows.set("instant", { pollsBeforeDone: 0, nodes: { "Node 1": node("SUCCESS", "AAA", true) } });
  server.workflows.set("slow", { pollsBeforeDone: 4, nodes: { draft: node("SUCCESS", "d", false), answer: node("SUCCESS", { text: "final" }, true) } });
  server.workflows.set("broken", { pollsBeforeDone: 1, nodes: { fetch: node("FAILURE", null, false, "HTTP 500"), answer: node("FAILURE", null, true, "upstream failed") } });
  server.workflows.set("never", { pollsBeforeDone: Number.POSITIVE_INFINITY, nodes: { answer: node("SUCCESS", 1, true) } });
});
afterEach(() => {
  server.reset();
  waits.length = 0;
});
afterAll(() => server.close());

describe("runWorkflow", () => {
  it("returns the output of a run that finished before the first poll, polling exactly once", async () => {
    await expect(pl.runWorkflow({ workflowName: "instant", inputVariables: { var1: "value1" } })).resolves.toBe("AAA");
    expect(server.callsTo("/workflow-version-execution-results")).toHaveLength(1);
    expect(waits).toEqual([]);
    const start = server.callsTo("/workflows/instant/run")[0]!;
    expect(start.body).toEqual({ input_variables: { var1: "value1" }, return_all_outputs: false });
  });

  it("polls while the service answers 202, with growing waits, then returns the output node's value", async () => {
    const result = await pl.runWorkflow({ workflowName: "slow", metadata: { env: "ci" }, workflowLabelName: "prod" });
    expect(result).toEqual({ text: "final" });
    expect(server.callsTo("/workflow-version-execution-results")).toHaveLength(5);
    expect(waits).toEqual([250, 500, 1000, 2000]);
    expect(server.callsTo("/workflows/slow/run")[0]!.body).toEqual({ input_variables: {}, metadata: { env: "ci" }, workflow_label_name: "prod", return_all_outputs: false });
  });

  it("returns every node's result with returnAllOutputs", async () => {
    const all = await pl.runWorkflow({ workflowName: "slow", returnAllOutputs: true, workflowVersion: 3 });
    expect(Object.keys(all)).toEqual(["draft", "answer"]);
    expect(all.answer).toMatchObject({ status: "SUCCESS", value: { text: "final" }, is_output_node: true });
    expect(server.callsTo("/workflows/slow/run")[0]!.body).toMatchObject({ workflow_version_number: 3, return_all_outputs: true });
  });

  it("throws PromptLayerWorkflowError, with the node results, when no output node succeeded", async () => {
    const error = await pl.runWorkflow({ workflowName: "broken" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromptLayerWorkflowError);
    expect((error as PromptLayerWorkflowError).message).toContain("upstream failed");
    expect((error as PromptLayerWorkflowError).nodes).toHaveProperty("fetch");
  });

  it("gives up with PromptLayerTimeoutError once the timeout has passed", async () => {
    const realTime = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: server.url });
    const started = Date.now();
    const error = await realTime.runWorkflow({ workflowName: "never", timeout: 600 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(PromptLayerTimeoutError);
    expect((error as PromptLayerTimeoutError).timeoutMs).toBe(600);
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(3_000);
    // Polls at once and after 250 ms; the next wait is cut short at the deadline (no poll after it).
    expect(server.callsTo("/workflow-version-execution-results").length).toBeGreaterThanOrEqual(2);
  });

  it("honours the timeout while a request is under way: a slow start, a slow poll, a poll being retried", async () => {
    const realTime = new PromptLayer({ apiKey: TEST_PL_KEY, baseURL: server.url });
    const timedOut = async (workflowName: string) => {
      const started = Date.now();
      const error = await realTime.runWorkflow({ workflowName, timeout: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PromptLayerTimeoutError);
      expect((error as PromptLayerTimeoutError).timeoutMs).toBe(300);
      return { error: error as PromptLayerTimeoutError, elapsed: Date.now() - started };
    };

    // The service takes 3 s to answer the start (the per-request timeout is 30 s).
    server.fault({ pathPrefix: "/workflows/instant/run", status: 0, times: 1, delayMs: 3_000 });
    const slowStart = await timedOut("instant");
    expect(slowStart.elapsed).toBeLessThan(1_500);
    expect(slowStart.error.message).toMatch(/did not start within 300 ms/);

    // (A fault counts down when it answers: clear the one still waiting to.)
    server.reset();

    // The first poll hangs for 3 s, then would say the run is done.
    server.fault({ pathPrefix: "/workflow-version-execution-results", status: 0, times: 1, delayMs: 3_000 });
    const slowPoll = await timedOut("instant");
    expect(slowPoll.elapsed).toBeLessThan(1_500);
    expect(slowPoll.error.message).toMatch(/\(run \d+\) did not finish within 300 ms/);
    server.reset();

    // The poll fails with 503 and the HTTP layer would wait 2 s before retrying it.
    server.fault({ pathPrefix: "/workflow-version-execution-results", status: 503, times: 4 });
    const retried = await timedOut("instant");
    expect(retried.elapsed).toBeLessThan(1_500);
    expect(server.callsTo("/workflow-version-execution-results")).toHaveLength(1);
  });

  it("does not retry a start that failed with a 5xx (it might have started), and maps 404", async () => {
    server.fault({ pathPrefix: "/workflows/instant/run", status: 503, times: 1 });
    await expect(pl.runWorkflow({ workflowName: "instant" })).rejects.toMatchObject({ status: 503 });
    expect(server.callsTo("/workflows/instant/run")).toHaveLength(1);
    await expect(pl.runWorkflow({ workflowName: "nope" })).rejects.toBeInstanceOf(PromptLayerNotFoundError);
  });

  it("retries a result poll that hit a 5xx without starting the workflow again", async () => {
    server.fault({ pathPrefix: "/workflow-version-execution-results", status: 500, times: 2 });
    await expect(pl.runWorkflow({ workflowName: "instant" })).resolves.toBe("AAA");
    expect(server.callsTo("/workflows/instant/run")).toHaveLength(1);
    expect(waits).toEqual([2000, 4000]);
  });
});
