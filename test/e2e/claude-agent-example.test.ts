/**
 * examples/frameworks/claude-agent.ts with the real Claude Agent SDK and Claude Code CLI against
 * the local backend: the span tree, one request log per model call, and Claude Code's own
 * OpenTelemetry spans (switched on here) joining the same trace through TRACEPARENT.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReceivedSpan } from "../../local/otlp/decode.js";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { ROOT, runNode } from "../helpers/child.js";

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startLocalBackend({ dataDir: ":memory:", seed: false });
});
afterAll(() => backend.close());

describe("examples/frameworks/claude-agent.ts", () => {
  it("puts the query's session, turn, model calls and tool use under the app's span, with Claude Code's own spans in the same trace", async () => {
    const result = await runNode(
      [`${ROOT}/examples/frameworks/claude-agent.ts`],
      {
        PROMPTLAYER_OTLP_TRACES_ENDPOINT: `${backend.url}/v1/traces`,
        PROMPTLAYER_API_KEY: backend.apiKey,
        ANTHROPIC_BASE_URL: backend.url,
        ANTHROPIC_API_KEY: "sk-ant-local",
        CLAUDE_CONFIG_DIR: mkdtempSync(join(tmpdir(), "claude-agent-e2e-")),
        // Claude Code's own tracing, exported to the same backend.
        CLAUDE_CODE_ENABLE_TELEMETRY: "1",
        CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: "1",
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_METRICS_EXPORTER: "none",
        OTEL_LOGS_EXPORTER: "none",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
        OTEL_EXPORTER_OTLP_ENDPOINT: backend.url,
        OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${backend.apiKey}`,
        OTEL_TRACES_EXPORT_INTERVAL: "100",
      },
      60_000,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).answer).toContain("Mock reply using the tool result: It is 18°C and sunny in Paris.");

    // Claude Code exports on its own schedule; wait for its spans to arrive.
    let spans: ReceivedSpan[] = [];
    for (let i = 0; i < 150; i++) {
      const [summary] = backend.store.spans.traces(10);
      spans = summary ? backend.store.spans.spansOf(summary.traceId) : [];
      if (spans.some((s) => s.name === "claude_code.interaction")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(backend.store.spans.traces(10)).toHaveLength(1);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const one = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };
    const parentName = (s: ReceivedSpan) => (s.parentSpanId ? byId.get(s.parentSpanId)?.name : undefined);

    const session = one("invoke_agent weather-desk");
    expect(parentName(session)).toBe("invoke_workflow ask-weather");
    const turn = one("turn 1");
    expect(turn.parentSpanId).toBe(session.spanId);
    const calls = spans.filter((s) => s.name === "chat claude-sonnet-4-5" && s.attributes["gen_ai.operation.name"] === "chat");
    expect(calls).toHaveLength(2);
    for (const c of calls) expect(c.parentSpanId).toBe(turn.spanId);
    const tool = one("execute_tool mcp__weather__get_weather");
    expect(tool.parentSpanId).toBe(turn.spanId);
    expect(parentName(one("forecast-lookup"))).toBe("execute_tool mcp__weather__get_weather");
    for (const s of [session, turn, ...calls, tool]) expect(s.attributes["user.id"], s.name).toBe("user-42");

    // One request log per model call.
    expect(backend.store.requests.byTrace(session.traceId)).toHaveLength(2);

    // Claude Code's own spans hang under the session span it was handed.
    const interaction = one("claude_code.interaction");
    expect(interaction.parentSpanId).toBe(session.spanId);
    expect(spans.filter((s) => s.name === "claude_code.llm_request").length).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
