/**
 * Bench child processes. Every measurement runs in a fresh process so that no variant inherits
 * another's patches, JIT state or heap; servers (mock model endpoints, OTLP receiver) run in
 * processes of their own so their CPU is not billed to the client being measured.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { TS_RESOLVE_URL, workerPath } from "./paths.js";

/** Node flags every worker gets: the .ts resolver. (`--expose-gc` only where heap is measured.) */
const WORKER_FLAGS = ["--import", TS_RESOLVE_URL];

const RESULT_PREFIX = "BENCH_RESULT ";

/** For workers: report the one result the parent waits for. */
export function sendResult(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  nodeFlags?: string[];
}

/** Runs `workers/<name>` with `spec` as its argument and resolves with the result it sent. */
export function runWorker<T>(name: string, spec: unknown, options: RunOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...WORKER_FLAGS, ...(options.nodeFlags ?? []), workerPath(name), JSON.stringify(spec)], {
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      if (line) resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
      else reject(new Error(`worker ${name} exited (${signal ?? code}) without a result\n${stderr.slice(-4000)}`));
    });
  });
}

/** A long-lived helper process (a server) that sends `{ ready: info }` over IPC once listening. */
export interface Service<Info> {
  info: Info;
  /** Sends a request message and resolves with the next reply. */
  ask<R>(message: unknown): Promise<R>;
  stop(): Promise<void>;
}

export function startService<Info>(name: string, spec: unknown, options: RunOptions = {}): Promise<Service<Info>> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(workerPath(name), [JSON.stringify(spec)], {
      execArgv: [...WORKER_FLAGS, ...(options.nodeFlags ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const onExit = (code: number | null) => reject(new Error(`service ${name} exited early (${code})`));
    child.once("exit", onExit);
    child.once("message", (m) => {
      child.off("exit", onExit);
      const info = (m as { ready: Info }).ready;
      resolve({
        info,
        ask: <R>(message: unknown) =>
          new Promise<R>((res) => {
            child.once("message", (reply) => res(reply as R));
            child.send(message as object);
          }),
        stop: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            child.once("exit", () => res());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
