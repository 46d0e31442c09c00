/** An OTLP endpoint that misbehaves on purpose: down, slow, failing with a status, or hanging up. */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Fault = { kind: "status"; status: number } | { kind: "slow"; ms: number } | { kind: "drop" } | { kind: "ok" };

export interface FaultServer {
  url: string;
  requests: number;
  setFault(f: Fault): void;
  close(): Promise<void>;
}

export async function startFaultServer(initial: Fault): Promise<FaultServer> {
  let fault = initial;
  const sockets = new Set<Socket>();
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    req.resume();
    req.on("end", () => {
      switch (fault.kind) {
        case "status":
          res.writeHead(fault.status, { "content-type": "application/json" }).end("{}");
          break;
        case "slow":
          setTimeout(() => res.writeHead(200).end(), fault.ms).unref();
          break;
        case "drop":
          req.socket.destroy();
          break;
        case "ok":
          res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    get requests() {
      return state.requests;
    },
    setFault: (f) => {
      fault = f;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
