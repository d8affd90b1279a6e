import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { processesByEnv } from "./process-tree";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** `sleep 30` with `vars` added to its environment. */
function sleeper(vars: Record<string, string>): ChildProcess {
  const child = spawn("sleep", ["30"], { env: { ...process.env, ...vars }, stdio: "ignore" });
  children.push(child);
  return child;
}

describe.runIf(process.platform === "linux")("processesByEnv", () => {
  it("finds the processes started with the variable set to one of the values, and no other", () => {
    const [a, b, other] = [randomUUID(), randomUUID(), randomUUID()];
    const withA = sleeper({ AIM_TEST_RUN: a });
    const withB = sleeper({ OTHER: "x", AIM_TEST_RUN: b });
    sleeper({ AIM_TEST_RUN: other });
    sleeper({ AIM_TEST_RUN_NOT: a });
    sleeper({ X: `AIM_TEST_RUN=${a}` });

    const found = processesByEnv("AIM_TEST_RUN", new Set([a, b, "never-set"]));

    expect(Object.fromEntries(found)).toEqual({ [a]: [withA.pid], [b]: [withB.pid] });
  });

  it("finds nothing for no values, and skips processes that are gone", async () => {
    const id = randomUUID();
    const child = sleeper({ AIM_TEST_RUN: id });
    expect(processesByEnv("AIM_TEST_RUN", new Set())).toEqual(new Map());
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    expect(processesByEnv("AIM_TEST_RUN", new Set([id]))).toEqual(new Map());
  });
});
