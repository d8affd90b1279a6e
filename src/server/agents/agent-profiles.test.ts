import { describe, expect, it } from "vitest";
import { AGENT_CLIS, BUILTIN_AGENT_KINDS, canResumeWith } from "../../lib/agent-clis";
import type { CliProfile } from "../db/schema";
import { buildLaunchPlan } from "../terminals/launch-plan";
import { resumeArgs } from "./agent-argv";

function builtin(kind: (typeof BUILTIN_AGENT_KINDS)[number], extraArgs: string[] = []): CliProfile {
  const cli = AGENT_CLIS[kind];
  return { kind, command: cli.binary, args: [...extraArgs, ...cli.args], promptDelivery: cli.promptDelivery, env: {} } as unknown as CliProfile;
}

describe("built-in agent profiles: the command lines", () => {
  it("passes the prompt the way each CLI takes it", () => {
    const prompt = "fix the failing test";
    expect(buildLaunchPlan(builtin("claude"), prompt).args).toEqual([prompt]);
    expect(buildLaunchPlan(builtin("codex"), prompt).args).toEqual(["--", prompt]);
    expect(buildLaunchPlan(builtin("gemini"), prompt).args).toEqual([`--prompt-interactive=${prompt}`]);
    expect(buildLaunchPlan(builtin("opencode"), prompt).args).toEqual([`--prompt=${prompt}`]);
    expect(buildLaunchPlan(builtin("aider"), prompt)).toEqual({ command: "aider", args: [], initialInput: prompt });
  });

  it("keeps a prompt that starts with a dash a prompt", () => {
    const prompt = "--help me rename this";
    expect(buildLaunchPlan(builtin("codex"), prompt).args).toEqual(["--", prompt]);
    expect(buildLaunchPlan(builtin("gemini"), prompt).args).toEqual([`--prompt-interactive=${prompt}`]);
    expect(buildLaunchPlan(builtin("opencode"), prompt).args).toEqual([`--prompt=${prompt}`]);
  });

  it("starts each interactively without a prompt", () => {
    for (const kind of BUILTIN_AGENT_KINDS) {
      const plan = buildLaunchPlan(builtin(kind, ["--model", "m1"]), "  ");
      expect(plan.initialInput).toBeUndefined();
      expect(plan.args.filter((arg) => arg !== "--")).toEqual(["--model", "m1"]);
    }
  });

  it("resumes a reported session id, or the CLI's last session where it has one", () => {
    const id = "0199a213-81c0-7800-8aa1-bbab2a035a53";
    const base = ["--model", "m1"];
    const plan = (kind: (typeof BUILTIN_AGENT_KINDS)[number], sessionId?: string) => buildLaunchPlan(builtin(kind, base), "ignored", { sessionId }).args;
    expect(plan("claude", id)).toEqual([...base, "--resume", id]);
    expect(plan("codex", id)).toEqual(["resume", ...base, id]);
    expect(plan("codex")).toEqual(["resume", ...base, "--last"]);
    expect(plan("gemini", id)).toEqual([...base, "--resume", id]);
    expect(plan("gemini")).toEqual([...base, "--resume", "latest"]);
    expect(plan("opencode", id)).toEqual([...base, "--session", id]);
    expect(plan("opencode")).toEqual([...base, "--continue"]);
    expect(plan("aider")).toEqual([...base, "--restore-chat-history"]);
    expect(() => plan("claude")).toThrowError(/cannot resume a run without a session id/);
  });

  it("cannot resume shells and custom commands", () => {
    expect(resumeArgs("shell", [], "x")).toBeUndefined();
    expect(resumeArgs("custom", [], undefined)).toBeUndefined();
    expect(canResumeWith("custom", { sessionId: true, previousRun: true })).toBe(false);
  });

  it("offers Resume when the CLI can use what is known", () => {
    expect(canResumeWith("claude", { sessionId: false, previousRun: true })).toBe(false);
    expect(canResumeWith("claude", { sessionId: true, previousRun: true })).toBe(true);
    expect(canResumeWith("codex", { sessionId: false, previousRun: true })).toBe(true);
    expect(canResumeWith("aider", { sessionId: false, previousRun: false })).toBe(false);
  });
});
