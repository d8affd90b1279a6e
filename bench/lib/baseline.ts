import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/** A running baseline process (bench/baseline/raw-pty.ts). */
export interface BaselineProcess {
  child: ChildProcess;
  /** Resolves with the `ready` message, for modes that wait for the bench (load). */
  ready: Promise<any>;
  result: Promise<any>;
}

export function startBaseline(root: string, mode: string, options: unknown): BaselineProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", path.join(root, "bench", "baseline", "raw-pty.ts"), mode, JSON.stringify(options)], {
    cwd: root,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-20_000);
  });
  let resolveReady!: (value: any) => void;
  let resolveResult!: (value: any) => void;
  let rejectAll!: (error: Error) => void;
  const ready = new Promise<any>((resolve, reject) => {
    resolveReady = resolve;
    rejectAll = reject;
  });
  const result = new Promise<any>((resolve, reject) => {
    resolveResult = resolve;
    const previous = rejectAll;
    rejectAll = (error) => {
      previous(error);
      reject(error);
    };
  });
  ready.catch(() => undefined);
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.startsWith("{")) continue;
      const message = JSON.parse(line) as { ready?: unknown; result?: unknown };
      if (message.ready !== undefined) resolveReady(message.ready);
      if (message.result !== undefined) resolveResult(message.result);
    }
  });
  child.once("exit", (code) => {
    if (code !== 0) rejectAll(new Error(`baseline ${mode} exited with ${code}:\n${stderr}`));
  });
  return { child, ready, result };
}

export async function runBaseline(root: string, mode: string, options: unknown): Promise<any> {
  return startBaseline(root, mode, options).result;
}
