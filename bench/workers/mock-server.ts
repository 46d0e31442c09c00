/**
 * Service: the package's deterministic mock model server, in its own process so that its CPU
 * (hashing, JSON, SSE framing) is not billed to the client being measured.
 *
 * Loaded from `local/` sources (run with --experimental-transform-types) rather than the built
 * `promptlayer-otel/local`: the servers are test equipment here, and this way the bench does not
 * depend on the rest of the local backend building.
 */
import { startMockModelServer } from "../../local/mock/index.js";

const server = await startMockModelServer();
// The recorded-request log would grow with every call of a long run; nothing here reads it.
setInterval(() => void server.requests.splice(0), 1000).unref();
process.send?.({ ready: { url: server.url } });
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
