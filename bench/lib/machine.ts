/** The machine and software a run was measured on, for the report header. */
import { cpus, freemem, loadavg, totalmem, type as osType, release } from "node:os";
import { join } from "node:path";
import { PEERS_DIR, ROOT_DIR } from "./paths.js";
import { ownVersion, packageVersion } from "./versions.js";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGB: number;
  freeMemoryGB: number;
  os: string;
  node: string;
  loadAvg: number[];
  packages: Record<string, string | undefined>;
  peerLines: Record<string, Record<string, string | undefined>>;
}

const PEER_PACKAGES = [
  "openai",
  "@anthropic-ai/sdk",
  "@opentelemetry/api",
  "@opentelemetry/instrumentation-openai",
  "@traceloop/instrumentation-openai",
  "@traceloop/instrumentation-anthropic",
  "@arizeai/openinference-instrumentation-openai",
  "@arizeai/openinference-instrumentation-anthropic",
];

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cpuModel: c[0]?.model.trim() ?? "unknown",
    cores: c.length,
    memoryGB: totalmem() / 2 ** 30,
    freeMemoryGB: freemem() / 2 ** 30,
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAvg: loadavg(),
    packages: {
      "promptlayer-otel": ownVersion(ROOT_DIR),
      "@opentelemetry/api": packageVersion(ROOT_DIR, "@opentelemetry/api"),
      "@opentelemetry/sdk-trace": packageVersion(ROOT_DIR, "@opentelemetry/sdk-trace"),
      "@opentelemetry/instrumentation": packageVersion(ROOT_DIR, "@opentelemetry/instrumentation"),
      "@opentelemetry/otlp-transformer": packageVersion(ROOT_DIR, "@opentelemetry/otlp-transformer"),
    },
    peerLines: Object.fromEntries(
      ["v6", "v7"].map((line) => [line, Object.fromEntries(PEER_PACKAGES.map((p) => [p, packageVersion(join(PEERS_DIR, line), p)]))]),
    ),
  };
}
