/** Runs a Node child process (the pinned Node the tests run on) and collects its output. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunningChild {
  child: ChildProcess;
  /** Resolves when stdout has printed `text`. */
  waitForOutput(text: string): Promise<void>;
  /** Everything printed to stdout so far. */
  stdout(): string;
  done: Promise<ChildResult>;
}

/** Only what the test passes: no PromptLayer/OTEL settings leak in from the developer's shell. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

export function startNode(args: string[], env: Record<string, string>, timeoutMs = 15_000, cwd = ROOT): RunningChild {
  const started = Date.now();
  const child = spawn(process.execPath, args, { cwd, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const watchers = new Set<() => void>();
  child.stdout!.on("data", (d: Buffer) => {
    stdout += d.toString();
    for (const w of watchers) w();
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<ChildResult>((resolve) => {
    child.on("exit", (code, signal) => {
      clearTimeout(killer);
      // Let the pipes drain.
      setImmediate(() => resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started }));
    });
  });
  return {
    child,
    done,
    stdout: () => stdout,
    waitForOutput: (text) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (stdout.includes(text)) {
            watchers.delete(check);
            resolve();
          }
        };
        watchers.add(check);
        check();
        void done.then(() => reject(new Error(`exited before printing "${text}": ${stderr}`)));
      }),
  };
}

export function runNode(args: string[], env: Record<string, string>, timeoutMs?: number, cwd?: string): Promise<ChildResult> {
  return startNode(args, env, timeoutMs, cwd).done;
}
