/**
 * In-process mode: a `fetch` for the SDK's `fetch` client option that answers from canned
 * responses, with no socket and no server. What is left per call is the SDK's own work (building
 * the request, parsing JSON or SSE) plus whatever instruments it, so instrumentation cost stands
 * out instead of drowning in loopback HTTP.
 *
 * The canned bodies are recorded once per run from the mock model server, so both modes see the
 * very same bytes.
 */
import { endpointPath, MOCK_HEADERS, requestParams, type Provider, type Scenario } from "./workload.js";

export interface CannedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type CannedResponses = Record<Provider, Record<Scenario, CannedResponse>>;

/** Records, for each provider, the non-streaming JSON reply and the streaming SSE reply. */
export async function recordCanned(mockUrl: string): Promise<CannedResponses> {
  const record = async (provider: Provider, scenario: Scenario): Promise<CannedResponse> => {
    const res = await fetch(mockUrl + endpointPath(provider), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer bench-key",
        "x-api-key": "bench-key",
        "anthropic-version": "2023-06-01",
        ...MOCK_HEADERS,
      },
      body: JSON.stringify(requestParams(provider, scenario)),
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      // Framing headers described the recorded connection, not the canned body.
      if (key !== "content-length" && key !== "transfer-encoding" && key !== "connection" && key !== "keep-alive") headers[key] = value;
    });
    if (res.status !== 200) throw new Error(`mock ${provider} ${scenario} replied ${res.status}: ${await res.text()}`);
    return { status: res.status, headers, body: await res.text() };
  };
  return {
    openai: { nonStream: await record("openai", "nonStream"), stream: await record("openai", "stream") },
    anthropic: { nonStream: await record("anthropic", "nonStream"), stream: await record("anthropic", "stream") },
  };
}

/** A `fetch` that replies to every call with the canned JSON or SSE body (by the request's `stream` flag). */
export function cannedFetch(canned: Record<Scenario, CannedResponse>): typeof fetch {
  // Encoded once: per call, only the Response object and its body stream are new.
  const json = { bytes: new TextEncoder().encode(canned.nonStream.body), init: { status: 200, headers: canned.nonStream.headers } };
  const sse = { bytes: new TextEncoder().encode(canned.stream.body), init: { status: 200, headers: canned.stream.headers } };
  return (async (_input: unknown, init?: { body?: unknown }) => {
    const streaming = typeof init?.body === "string" && init.body.includes('"stream":true');
    const r = streaming ? sse : json;
    return new Response(r.bytes, r.init);
  }) as typeof fetch;
}
