import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

export interface ScriptResult {
  code: number | null;
  /** stdout and stderr, interleaved. */
  output: string;
}

/** Runs `npm run stop` as a person does (scripts/stop.mjs) for a data dir. */
export function runNpmStop(dataDir: string, env: Record<string, string> = {}): Promise<ScriptResult> {
  return runScript("stop.mjs", dataDir, env);
}

export function runScript(script: string, dataDir: string, env: Record<string, string> = {}): Promise<ScriptResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, AI_MANAGER_DATA_DIR: dataDir, ...env };
  delete childEnv.NODE_OPTIONS;
  for (const key of Object.keys(childEnv)) if (key.startsWith("VITEST")) delete childEnv[key];
  const child = spawn(process.execPath, [path.join(ROOT, "scripts", script)], { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}
