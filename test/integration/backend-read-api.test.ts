import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, KEY, publish, startBackend, type Client } from "./backend-helpers.js";

let client: Client;
beforeAll(async () => {
  client = await startBackend();
});
afterAll(() => client.backend.close());

const track = () =>
  client.call("POST", "/track-request", { function_name: "openai.chat.completions.create", kwargs: { model: "gpt-4o", messages: [{ role: "user", content: "q" }] }, request_response: {}, request_start_time: 1, request_end_time: 2, api_key: KEY }, { key: null });

const exportTrace = (traceId: string, startSeconds: number) =>
  fetch(`${client.url}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": KEY },
    body: JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId: "aaaaaaaaaaaaaaaa", name: `root-${startSeconds}`, startTimeUnixNano: `${startSeconds}000000000`, endTimeUnixNano: `${startSeconds + 1}000000000` }] }] }],
    }),
  });

describe("the local read API", () => {
  it("pages request logs newest first with before_id", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await track()).body.request_id);
    const first = await client.call("GET", "/api/local/requests?limit=3");
    expect(first.body.items.map((r: { id: number }) => r.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(first.body.next_before_id).toBe(ids[2]);
    const second = await client.call("GET", `/api/local/requests?limit=3&before_id=${first.body.next_before_id}`);
    expect(second.body.items.map((r: { id: number }) => r.id)).toEqual([ids[1], ids[0]]);
    expect(second.body.next_before_id).toBeNull();

    const one = await client.call("GET", `/api/local/requests/${ids[0]}`);
    expect(one.body).toMatchObject({ id: ids[0], source: "track-request", group_ids: [], prompt_blueprint: { prompt_template: { type: "chat" } } });
    expect((await client.call("GET", "/api/local/requests/999999")).status).toBe(404);
    expect((await client.call("GET", "/api/local/requests?limit=0")).status).toBe(422);
  });

  it("pages traces newest first with before", async () => {
    for (const [id, start] of [["10000000000000000000000000000001", 1000], ["10000000000000000000000000000002", 2000], ["10000000000000000000000000000003", 3000]] as const) {
      expect((await exportTrace(id, start)).status).toBe(200);
    }
    const first = await client.call("GET", "/api/local/traces?limit=2");
    expect(first.body.items.map((t: { root_span_name: string }) => t.root_span_name)).toEqual(["root-3000", "root-2000"]);
    const second = await client.call("GET", `/api/local/traces?limit=2&before=${first.body.next_before}`);
    expect(second.body.items.map((t: { root_span_name: string }) => t.root_span_name)).toEqual(["root-1000"]);
    expect(second.body.items[0]).toMatchObject({ start_time: "1970-01-01T00:16:40.000Z", duration_ms: 1000, span_count: 1 });
    expect((await client.call("GET", "/api/local/traces?before=yesterday")).status).toBe(422);
  });

  it("pages traces that share a start time without skipping or repeating any, by (start, trace id)", async () => {
    // Five traces starting in the same millisecond, between two others.
    const tied = ["20000000000000000000000000000005", "20000000000000000000000000000001", "20000000000000000000000000000004", "20000000000000000000000000000002", "20000000000000000000000000000003"];
    for (const id of tied) expect((await exportTrace(id, 5000)).status).toBe(200);
    expect((await exportTrace("20000000000000000000000000000009", 6000)).status).toBe(200);
    expect((await exportTrace("2000000000000000000000000000000a", 4000)).status).toBe(200);

    const seen: string[] = [];
    let query = "limit=2&before=6500000"; // ms: just after the newest of these traces
    for (let pages = 0; pages < 10; pages++) {
      const page = await client.call("GET", `/api/local/traces?${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((t: { trace_id: string }) => t.trace_id));
      if (page.body.next_before === null) break;
      query = `limit=2&before=${page.body.next_before}&before_trace_id=${page.body.next_before_trace_id}`;
    }
    const ours = seen.filter((id) => id.startsWith("2"));
    expect(ours).toEqual(["20000000000000000000000000000009", ...[...tied].sort().reverse(), "2000000000000000000000000000000a"]);
    // `before` alone keeps its meaning: traces that started strictly earlier.
    const earlier = await client.call("GET", "/api/local/traces?limit=10&before=5000000");
    expect(earlier.body.items.map((t: { trace_id: string }) => t.trace_id)).toContain("2000000000000000000000000000000a");
    expect(earlier.body.items.map((t: { trace_id: string }) => t.trace_id)).not.toContain(tied[0]);
    // A trace id without a time to go with it is a 422.
    expect((await client.call("GET", "/api/local/traces?before_trace_id=20000000000000000000000000000003")).status).toBe(422);
  });

  it("lists templates with their labels and releases, and one template with every version", async () => {
    await publish(client, "read-me", chatTemplate([{ role: "user", text: "one" }]), { release_labels: ["prod"] });
    await publish(client, "read-me", chatTemplate([{ role: "user", text: "two" }]), { commit_message: "second" });
    await client.call("POST", "/api/local/releases", { prompt_name: "read-me", label: "prod", split: [{ version: 1, percentage: 50 }, { version: 2, percentage: 50 }] });
    const list = await client.call("GET", "/api/local/templates");
    expect(list.body.items).toContainEqual(expect.objectContaining({ prompt_name: "read-me", latest_version: 2, labels: { prod: 1 }, releases: [expect.objectContaining({ label: "prod" })] }));
    const detail = await client.call("GET", "/api/local/templates/read-me");
    expect(detail.body.versions.map((v: { version: number; commit_message: string | null }) => [v.version, v.commit_message])).toEqual([
      [2, "second"],
      [1, null],
    ]);
    expect((await client.call("GET", "/api/local/templates/nope")).status).toBe(404);
  });

  it("lists workflows", async () => {
    await client.call("POST", "/api/local/workflows", { name: "wf-list", nodes: [{ name: "n", node_type: "VARIABLE", is_output_node: true, configuration: { value: { type: "string", value: "x" } } }] });
    const res = await client.call("GET", "/api/local/workflows");
    expect(res.body.items).toContainEqual(expect.objectContaining({ name: "wf-list", latest_version: 1 }));
  });
});
