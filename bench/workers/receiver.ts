/**
 * Service: an OTLP/HTTP trace receiver in its own process, so decoding is not billed to the
 * exporter being measured.
 *
 * - `fast`: the package's `startOtlpReceiver`, its stored spans counted and released every 100 ms
 *   (a long run would otherwise hold every decoded span).
 * - `slow`: the package's `handleTraceExport` with an acknowledgement delayed by `delayMs`: a
 *   collector slower than the producer, to show that the exporter drops (and counts) rather
 *   than buffering without bound.
 * - `ack`: reads the body and acknowledges without decoding: a collector that costs nothing, so
 *   the exporting process's own ceiling shows. Counts requests and bytes, not spans.
 *
 * Loaded from `local/` sources, like the mock server (see workers/mock-server.ts).
 * IPC: `"count"` → `{ spans, requests, bytes }` received so far.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { handleTraceExport, startOtlpReceiver } from "../../local/otlp/receiver.js";

export interface ReceiverSpec {
  mode: "fast" | "slow" | "ack";
  delayMs?: number;
}

const spec = JSON.parse(process.argv[2] ?? "{}") as ReceiverSpec;
let spans = 0;
let requests = 0;
let bytes = 0;
let url: string;
let close: () => Promise<void>;

if (spec.mode === "fast") {
  const receiver = await startOtlpReceiver();
  const drain = () => {
    spans += receiver.spans.length;
    requests += receiver.requests.length;
    receiver.spans.length = 0;
    receiver.requests.length = 0;
  };
  setInterval(drain, 100).unref();
  process.on("message", () => {
    drain();
    process.send?.({ spans, requests });
  });
  url = receiver.url;
  close = () => receiver.close();
} else {
  const server = createServer((req, res) => {
    if (spec.mode === "ack") {
      req.on("data", (chunk: Buffer) => (bytes += chunk.length));
      // An empty ExportTraceServiceResponse is an empty protobuf message.
      req.on("end", () => {
        requests++;
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      });
      return;
    }
    void handleTraceExport(req, res, async (received) => {
      await sleep(spec.delayMs ?? 250);
      spans += received.length;
      requests++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  process.on("message", () => process.send?.({ spans, requests, bytes }));
  close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

process.send?.({ ready: { url } });
process.on("SIGTERM", () => void close().then(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
