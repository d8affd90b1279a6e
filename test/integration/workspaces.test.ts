import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { eq } from "drizzle-orm";
import { isAppError } from "../../src/lib/errors";
import { taskWorkspaces } from "../../src/server/db/schema";
import { stripAnsi } from "../helpers/strip-ansi";
import type { CliProfile, Task } from "../../src/server/db/schema";
import { deleteTaskWithWorkspace } from "../../src/server/workspaces/delete-task";
import { createTempRepo, gitSync, type TempRepo } from "../helpers/git-repo";
import { commandProfile, createTestServices, waitFor } from "../helpers/test-services";
import type { TestServices } from "../helpers/test-services";

const BRANCH_RE = /^ai\/[a-z0-9]+(?:-[a-z0-9]+)*-[a-z0-9]{8}$/;

let services: TestServices;
let repo: TempRepo;

beforeEach(async () => {
  services = await createTestServices();
  repo = createTempRepo();
});

afterEach(async () => {
  await services.dispose();
  repo.dispose();
});

function isolatedTask(title: string, profile?: CliProfile, extra: Record<string, unknown> = {}): Task {
  return services.tasks.create({ title, cwd: repo.root, isolation: "worktree", ...(profile ? { profileId: profile.id } : {}), ...extra });
}

function output(taskId: string): string {
  const session = services.host.sessionFor(taskId);
  return session ? stripAnsi(session.log.read({ mode: "full" }).output) : "";
}

async function runToEnd(taskId: string): Promise<{ status: string; exitCode: number | null; output: string }> {
  const execution = await services.terminals.start(taskId);
  const ended = await waitFor(() => {
    const e = services.executions.get(execution.id);
    return e.status !== "running" ? e : undefined;
  }, 15_000, "the run to end");
  // The tail of the output may arrive just after the exit is recorded.
  const session = services.host.sessionFor(taskId);
  await waitFor(() => !session || session.exit !== undefined, 5_000, "the session to exit");
  return { status: ended.status, exitCode: ended.exitCode, output: output(taskId) };
}

function branches(): string[] {
  return gitSync(repo.root, "for-each-ref", "--format=%(refname:short)", "refs/heads/").split("\n").filter(Boolean);
}

function insideDataDir(p: string): boolean {
  const rel = path.relative(path.join(services.dataDir, "worktrees"), p);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

describe("isolated tasks", () => {
  it("get their own branch and worktree under the data dir at first start, in the cwd's subdirectory, with the env", async () => {
    const printer = commandProfile(services, "printer", "/bin/sh", ["-c", 'echo "PWD=$(pwd)"; echo "WT=$AI_MANAGER_WORKTREE BASE=$AI_MANAGER_BASE_BRANCH"; echo "ON=$(git branch --show-current)"']);
    const task = services.tasks.create({ title: "Fix the login page", cwd: path.join(repo.root, "src"), isolation: "worktree", profileId: printer.id });
    const run = await runToEnd(task.id);
    expect(run.status).toBe("succeeded");

    const ws = services.workspaces.workspaceOf(task.id)!;
    expect(ws).toMatchObject({ repoRoot: repo.root, baseBranch: "main", subdir: "src" });
    expect(ws.branch).toBe(`ai/fix-the-login-page-${task.id.replace(/-/g, "").slice(0, 8)}`);
    expect(insideDataDir(ws.worktreePath)).toBe(true);
    expect(ws.worktreePath).toContain(`${path.sep}worktrees${path.sep}repo-`);
    expect(branches()).toContain(ws.branch);
    expect(gitSync(repo.root, "worktree", "list", "--porcelain")).toContain(`worktree ${ws.worktreePath}`);
    expect(run.output).toContain(`PWD=${path.join(ws.worktreePath, "src")}`);
    expect(run.output).toContain(`WT=${ws.worktreePath} BASE=main`);
    expect(run.output).toContain(`ON=${ws.branch}`);
    // The main checkout stays on its branch.
    expect(gitSync(repo.root, "branch", "--show-current")).toBe("main");

    // A later run reuses the same worktree.
    const again = await runToEnd(task.id);
    expect(again.output).toContain(`WT=${ws.worktreePath}`);
    expect(services.workspaces.workspaceOf(task.id)).toEqual(ws);
  });

  it("two starts of one isolated task at once: one runs, the other is refused, one worktree", async () => {
    const sleeper = commandProfile(services, "sleeper", "/bin/sleep", ["30"]);
    const task = isolatedTask("twice", sleeper);
    const results = await Promise.allSettled([services.terminals.start(task.id), services.terminals.start(task.id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expect(isAppError(refused.reason) && refused.reason.code).toBe("conflict:session");
    expect(branches().filter((b) => b.startsWith("ai/"))).toHaveLength(1);
  });

  it("two isolated tasks on one repository do not see each other's edits", async () => {
    const a = isolatedTask("task a");
    const b = isolatedTask("task b");
    const pa = await services.workspaces.prepare(a);
    const pb = await services.workspaces.prepare(b);
    expect(pa.cwd).not.toBe(pb.cwd);
    fs.writeFileSync(path.join(pa.cwd, "src", "index.txt"), "edited by a\n");
    fs.writeFileSync(path.join(pa.cwd, "new-in-a.txt"), "a\n");
    expect(fs.readFileSync(path.join(pb.cwd, "src", "index.txt"), "utf8")).toBe("one\n");
    expect(fs.existsSync(path.join(pb.cwd, "new-in-a.txt"))).toBe(false);
    expect(fs.readFileSync(path.join(repo.root, "src", "index.txt"), "utf8")).toBe("one\n");
    expect(gitSync(repo.root, "status", "--porcelain")).toBe("");
  });

  it("starts from the chosen base branch; an unknown base or a detached HEAD is a clear 400", async () => {
    gitSync(repo.root, "branch", "develop");
    repo.write("only-on-main.txt", "x\n");
    repo.commitAll("main moves on");
    const onDevelop = isolatedTask("from develop", undefined, { baseBranch: "develop" });
    const prepared = await services.workspaces.prepare(onDevelop);
    expect(prepared.env.AI_MANAGER_BASE_BRANCH).toBe("develop");
    expect(fs.existsSync(path.join(prepared.cwd, "only-on-main.txt"))).toBe(false);

    const unknown = isolatedTask("unknown base", undefined, { baseBranch: "no-such-branch" });
    const error = await services.terminals.start(unknown.id).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("bad_request:base_branch");
    expect(isAppError(error) && error.status).toBe(400);
    expect(String((error as Error).message)).toContain('no branch "no-such-branch"');
    expect(services.workspaces.workspaceOf(unknown.id)).toBeUndefined();

    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "aim-empty-"));
    try {
      gitSync(empty, "init", "--quiet", "-b", "main");
      const unborn = services.tasks.create({ title: "unborn", cwd: empty, isolation: "worktree" });
      await expect(services.workspaces.prepare(unborn)).rejects.toThrow(/no commit on main yet/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }

    gitSync(repo.root, "checkout", "--quiet", "--detach");
    const detached = isolatedTask("detached");
    await expect(services.workspaces.prepare(detached)).rejects.toThrow(/detached HEAD/);
  });

  it("a cwd outside git, or isolation none, runs in place", async () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), "aim-plain-"));
    try {
      const outside = services.tasks.create({ title: "outside", cwd: plain, isolation: "worktree" });
      const prepared = await services.workspaces.prepare(outside);
      expect(prepared.cwd).toBe(plain);
      expect(prepared.env).toEqual({ AI_MANAGER_WORKTREE: "", AI_MANAGER_BASE_BRANCH: "" });
      expect(services.workspaces.workspaceOf(outside.id)).toBeUndefined();
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
    // Resume continues where the session ran: no worktree is created for it.
    const resumed = isolatedTask("resumed");
    expect((await services.workspaces.prepare(resumed, { createIfMissing: false })).cwd).toBe(repo.root);
    expect(services.workspaces.workspaceOf(resumed.id)).toBeUndefined();
    const none = services.tasks.create({ title: "in place", cwd: repo.root, isolation: "none" });
    expect((await services.workspaces.prepare(none)).cwd).toBe(repo.root);
    // No choice on the task: the Settings default decides.
    services.settings.update({ "workspace.isolation": "none" });
    const byDefault = services.tasks.create({ title: "by default", cwd: repo.root });
    expect((await services.workspaces.prepare(byDefault)).cwd).toBe(repo.root);
    expect(branches()).toEqual(["main"]);
  });
});

describe("ready to run", () => {
  it("copies the git-ignored .env files and runs the setup in the PTY before the agent, once", async () => {
    repo.write(".env", "SECRET=42\n");
    repo.write(".env.local", "LOCAL=1\n");
    await services.workspaces.updateRepoSettings(repo.root, {
      copyFiles: [".env*"],
      // Quotes and $ in the user's command: it is a positional parameter, never part of the script.
      setupCommand: `X='a b'; printf 'SETUP_%s\\n' "$X"; echo made > setup-made.txt`,
    });
    const agent = commandProfile(services, "agent", "/bin/sh", ["-c", 'cat .env; cat setup-made.txt; echo "AGENT_$((1+1))"']);
    const task = isolatedTask("ready", agent);
    const first = await runToEnd(task.id);
    expect(first.status).toBe("succeeded");
    expect(first.output).toContain("setting up the new worktree");
    expect(first.output).toContain("SETUP_a b");
    expect(first.output).toContain("Setup finished (exit 0)");
    expect(first.output).toContain("SECRET=42");
    expect(first.output).toContain("AGENT_2");
    expect(first.output.indexOf("SETUP_a b")).toBeLessThan(first.output.indexOf("AGENT_2"));
    const ws = services.workspaces.workspaceOf(task.id)!;
    expect(fs.readFileSync(path.join(ws.worktreePath, ".env.local"), "utf8")).toBe("LOCAL=1\n");

    const second = await runToEnd(task.id);
    expect(second.status).toBe("succeeded");
    expect(second.output).not.toContain("setting up the new worktree");
    expect(second.output).toContain("AGENT_2");
  });

  it("a failing setup stops the start: the agent does not run, the run fails with the message in its output", async () => {
    await services.workspaces.updateRepoSettings(repo.root, { copyFiles: [], setupCommand: "echo broken; exit 3" });
    const agent = commandProfile(services, "agent", "/bin/sh", ["-c", 'echo "AGENT_$((1+1))"']);
    const task = isolatedTask("fails", agent);
    const run = await runToEnd(task.id);
    expect(run.status).toBe("failed");
    expect(run.exitCode).toBe(3);
    expect(run.output).toContain("Setup failed (exit 3): the agent was not started");
    expect(run.output).not.toContain("AGENT_2");
    expect(services.tasks.get(task.id).status).toBe("failed");
    // Not set up yet: the next start runs the setup again.
    const again = await runToEnd(task.id);
    expect(again.output).toContain("Setup failed (exit 3)");
  });

  it("with a setup to run, a missing agent command still fails the start at once (the setup does not run)", async () => {
    await services.workspaces.updateRepoSettings(repo.root, { copyFiles: [], setupCommand: "echo ran > ran.txt" });
    const missing = commandProfile(services, "missing", "definitely-not-a-command-xyz", []);
    const task = isolatedTask("missing agent", missing);
    await expect(services.terminals.start(task.id)).rejects.toThrow(/Command not found: "definitely-not-a-command-xyz"/);
    expect(fs.existsSync(path.join(services.workspaces.workspaceOf(task.id)!.worktreePath, "ran.txt"))).toBe(false);
    expect(services.sessions.get(task.id)).toBeUndefined();
  });

  it("the default copy list is the root's .env* files; tracked files are never overwritten", async () => {
    repo.write(".env", "A=1\n");
    repo.write("tracked.env.txt", "tracked\n");
    repo.commitAll("tracked file");
    repo.write("README.md", "changed in the main checkout\n");
    expect(services.workspaces.repoSettings(repo.root)).toMatchObject({ copyFiles: [".env*"], setupCommand: "", isDefault: true });
    const prepared = await services.workspaces.prepare(isolatedTask("defaults"));
    expect(fs.readFileSync(path.join(prepared.cwd, ".env"), "utf8")).toBe("A=1\n");
    expect(fs.readFileSync(path.join(prepared.cwd, "README.md"), "utf8")).toBe("# test repo\n");
  });

  it("refuses copy patterns that leave the repository, and directories that are not in a repository", async () => {
    for (const bad of ["../secrets", "/etc/passwd", "a/../../b", "~/x", "**/x"]) {
      const error = await services.workspaces.updateRepoSettings(repo.root, { copyFiles: [bad], setupCommand: "" }).catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe("bad_request:repo_settings");
      expect(Object.keys((error as { fields: Record<string, string> }).fields)).toEqual(["copyFiles.0"]);
    }
    await expect(services.workspaces.updateRepoSettings(os.tmpdir(), { copyFiles: [], setupCommand: "" })).rejects.toThrow(/not inside a git repository/);
    // A directory inside the repository names the repository.
    const saved = await services.workspaces.updateRepoSettings(path.join(repo.root, "src"), { copyFiles: [".env"], setupCommand: " npm ci " });
    expect(saved).toEqual({ repoRoot: repo.root, copyFiles: [".env"], setupCommand: "npm ci", isDefault: false });
    expect(services.workspaces.knownRepos().map((r) => r.repoRoot)).toEqual([repo.root]);
  });
});

describe("hostile titles", () => {
  it.each(["-x", "--upload-pack=x", "..", "../../../etc", "  spaces  in  title ", "ünïcødé 日本語 🚀", "ctrl\u0001\nchars\t", "-", "refs/heads/main", "a..b@{-1}~^:?*[\\"])(
    "%j gives a safe branch and a worktree inside the data dir",
    async (title) => {
      const task = isolatedTask(title);
      const prepared = await services.workspaces.prepare(task);
      const ws = prepared.workspace!;
      expect(ws.branch).toMatch(BRANCH_RE);
      expect(insideDataDir(ws.worktreePath)).toBe(true);
      expect(gitSync(repo.root, "check-ref-format", "--branch", ws.branch)).toBe(ws.branch);
      expect(branches()).toEqual(expect.arrayContaining(["main", ws.branch]));
      expect(fs.existsSync(path.join(ws.worktreePath, "README.md"))).toBe(true);
    },
  );

  it("a base branch that looks like an option never reaches git", async () => {
    expect(() => services.tasks.create({ title: "t", cwd: repo.root, baseBranch: "--upload-pack=x" })).toThrow(/must not start with -/);
    const task = isolatedTask("t");
    services.database.sqlite.prepare("update tasks set base_branch = ? where id = ?").run("-x", task.id);
    await expect(services.workspaces.prepare(services.tasks.get(task.id))).rejects.toThrow(/starts with "-"/);
  });
});

describe("delete safety", () => {
  async function workspaceWithWork(): Promise<{ task: Task; worktree: string; branch: string }> {
    const task = isolatedTask("work in progress");
    const prepared = await services.workspaces.prepare(task);
    const worktree = prepared.workspace!.worktreePath;
    fs.writeFileSync(path.join(worktree, "committed.txt"), "c\n");
    gitSync(worktree, "add", "committed.txt");
    gitSync(worktree, "commit", "--quiet", "-m", "agent commit");
    fs.writeFileSync(path.join(worktree, "src", "index.txt"), "uncommitted\n");
    fs.writeFileSync(path.join(worktree, "untracked.txt"), "u\n");
    return { task, worktree, branch: prepared.workspace!.branch };
  }

  it("refuses to throw away unmerged or uncommitted work without confirmation, and keeps everything", async () => {
    const { task, worktree, branch } = await workspaceWithWork();
    const report = await services.workspaces.lossReport(task.id);
    expect(report?.uncommittedFiles.sort()).toEqual(["src/index.txt", "untracked.txt"]);
    expect(report?.unmergedCommits.map((c) => c.subject)).toEqual(["agent commit"]);

    const error = await services.workspaces.remove(task.id, { removeWorktree: true, deleteBranch: true, confirmLoss: false }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("conflict:workspace_loss");
    const message = String((error as Error).message);
    expect(message).toContain("src/index.txt");
    expect(message).toContain("untracked.txt");
    expect(message).toContain("agent commit");
    expect(fs.readFileSync(path.join(worktree, "untracked.txt"), "utf8")).toBe("u\n");
    expect(branches()).toContain(branch);
    expect(services.workspaces.workspaceOf(task.id)).toBeDefined();

    // Keeping the branch but dropping the worktree still names the uncommitted files.
    await expect(services.workspaces.remove(task.id, { removeWorktree: true, deleteBranch: false, confirmLoss: false })).rejects.toThrow(/uncommitted/);

    await services.workspaces.remove(task.id, { removeWorktree: true, deleteBranch: true, confirmLoss: true });
    expect(fs.existsSync(worktree)).toBe(false);
    expect(branches()).toEqual(["main"]);
    expect(gitSync(repo.root, "worktree", "list", "--porcelain")).not.toContain(worktree);
    // Nothing else was touched: the main checkout is clean and on main.
    expect(gitSync(repo.root, "status", "--porcelain")).toBe("");
    expect(gitSync(repo.root, "branch", "--show-current")).toBe("main");
    expect(await services.workspaces.lossReport(task.id)).toBeNull();
  });

  it("the task delete flow: asks for a choice, keeps task and work on refusal, stops the agent, then removes as told", async () => {
    const { task, worktree, branch } = await workspaceWithWork();
    const noChoice = await deleteTaskWithWorkspace(services, task.id, undefined).catch((e: unknown) => e);
    expect(isAppError(noChoice) && noChoice.code).toBe("conflict:workspace_choice");
    const refused = await deleteTaskWithWorkspace(services, task.id, { removeWorktree: true, deleteBranch: true, confirmLoss: false }).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe("conflict:workspace_loss");
    expect(services.tasks.find(task.id)).toBeDefined();
    expect(fs.existsSync(path.join(worktree, "untracked.txt"))).toBe(true);

    // Running agent: stopped first, then the confirmed removal goes through.
    services.tasks.update(task.id, { profileId: commandProfile(services, "sleeper", "/bin/sleep", ["30"]).id });
    await services.terminals.start(task.id);
    await deleteTaskWithWorkspace(services, task.id, { removeWorktree: true, deleteBranch: true, confirmLoss: true });
    expect(services.tasks.find(task.id)).toBeUndefined();
    expect(fs.existsSync(worktree)).toBe(false);
    expect(branches()).not.toContain(branch);
  });

  it("the task delete flow can keep the worktree and the branch: only the task goes", async () => {
    const { task, worktree, branch } = await workspaceWithWork();
    await deleteTaskWithWorkspace(services, task.id, { removeWorktree: false, deleteBranch: false, confirmLoss: false });
    expect(services.tasks.find(task.id)).toBeUndefined();
    expect(fs.existsSync(path.join(worktree, "untracked.txt"))).toBe(true);
    expect(branches()).toContain(branch);
  });

  it("never removes a worktree from under a running terminal", async () => {
    const sleeper = commandProfile(services, "sleeper", "/bin/sleep", ["30"]);
    const task = isolatedTask("running", sleeper);
    await services.terminals.start(task.id);
    const error = await services.workspaces.remove(task.id, { removeWorktree: true, deleteBranch: true, confirmLoss: true }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("conflict:session");
    expect(fs.existsSync(services.workspaces.workspaceOf(task.id)!.worktreePath)).toBe(true);
    await services.terminals.stop(task.id);
    await services.workspaces.remove(task.id, { removeWorktree: true, deleteBranch: true, confirmLoss: true });
    expect(branches()).toEqual(["main"]);
  });

  it("deleting a task row alone never removes its worktree or branch (the delete flow decides)", async () => {
    const task = isolatedTask("row only");
    const ws = (await services.workspaces.prepare(task)).workspace!;
    services.tasks.delete(task.id);
    expect(services.workspaces.workspaceOf(task.id)).toBeUndefined();
    expect(fs.existsSync(path.join(ws.worktreePath, "README.md"))).toBe(true);
    expect(branches()).toContain(ws.branch);
  });

  it("removes a clean workspace without asking (ignored files like .env do not count); keeping the branch keeps its commits", async () => {
    repo.write(".env", "A=1\n");
    const task = isolatedTask("clean");
    const prepared = await services.workspaces.prepare(task);
    const ws = prepared.workspace!;
    fs.writeFileSync(path.join(ws.worktreePath, "f.txt"), "f\n");
    gitSync(ws.worktreePath, "add", "f.txt");
    gitSync(ws.worktreePath, "commit", "--quiet", "-m", "keep me");
    expect(fs.existsSync(path.join(ws.worktreePath, ".env"))).toBe(true);
    await services.workspaces.remove(task.id, { removeWorktree: true, deleteBranch: false, confirmLoss: false });
    expect(fs.existsSync(ws.worktreePath)).toBe(false);
    expect(gitSync(repo.root, "log", "--format=%s", "-1", ws.branch)).toBe("keep me");
  });

  it("start over: with the worktree removed, Resume is refused, the directory can be edited, the next start makes a fresh worktree", async () => {
    const agent = services.profiles.create({ name: "Fake agent", kind: "claude", command: "/bin/sh", args: ["-c", 'echo "RAN-IN=$PWD"'], promptDelivery: "args" });
    const task = isolatedTask("start over", agent);
    const first = await runToEnd(task.id);
    const ws = services.workspaces.workspaceOf(task.id)!;
    expect(first.output).toContain(`RAN-IN=${ws.worktreePath}`);
    const firstRun = services.executions.latestForTask(task.id)!;
    services.executions.recordAgentReport(firstRun.id, { sessionId: "0199a213-81c0-7800-8aa1-bbab2a035a53" });
    fs.writeFileSync(path.join(ws.worktreePath, "half-done.txt"), "draft\n");
    await services.workspaces.remove(task.id, { removeWorktree: true, deleteBranch: true, confirmLoss: true });

    // The agent's session belonged to the removed worktree: no resume in the main checkout instead.
    const refused = await services.terminals.resume(task.id).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe("conflict:workspace");
    expect((refused as Error).message).toContain(`The worktree the agent's session ran in (${ws.worktreePath}) has been removed`);
    // Fixed while the worktree existed, the base branch is editable again.
    gitSync(repo.root, "branch", "release");
    services.tasks.update(task.id, { baseBranch: "release" });

    const second = await runToEnd(task.id);
    const fresh = services.workspaces.workspaceOf(task.id)!;
    expect(fresh).toMatchObject({ worktreePath: ws.worktreePath, baseBranch: "release" });
    expect(second.output).toContain(`RAN-IN=${fresh.worktreePath}`);
    expect(fs.existsSync(path.join(fresh.worktreePath, "half-done.txt"))).toBe(false);
    // The recorded session is still the old worktree's, at the same path: still refused.
    const stillRefused = await services.terminals.resume(task.id).catch((e: unknown) => e);
    expect((stillRefused as Error).message).toContain("has been removed and made again since");
    // A session of the fresh worktree resumes.
    services.executions.recordAgentReport(services.executions.latestForTask(task.id)!.id, { sessionId: "0199a213-81c0-7800-8aa1-bbab2a035a54" });
    expect(services.workspaces.resumeBlocker(task.id, services.executions.runForResume(task.id))).toBeUndefined();
    // A task that simply runs in some directory under the data dir (not its own worktree) is no concern of this.
    const elsewhere = services.tasks.create({ title: "elsewhere", cwd: fresh.worktreePath, isolation: "none" });
    expect(services.workspaces.resumeBlocker(elsewhere.id, { cwd: fresh.worktreePath, startedAt: new Date(0) })).toBeUndefined();
  });

  it("a start and a worktree removal at the same moment: exactly one of them goes through", async () => {
    const sleeper = commandProfile(services, "sleeper", "/bin/sleep", ["30"]);
    for (const order of ["start first", "remove first"] as const) {
      const task = isolatedTask(`race, ${order}`, sleeper);
      const ws = (await services.workspaces.prepare(task)).workspace!;
      const start = () => services.terminals.start(task.id);
      const remove = () => services.workspaces.remove(task.id, { removeWorktree: true, deleteBranch: false, confirmLoss: false });
      const [a, b] = await Promise.allSettled(order === "start first" ? [start(), remove()] : [remove(), start()]);
      const [started, removed] = order === "start first" ? [a, b] : [b, a];
      expect([started.status, removed.status].filter((s) => s === "fulfilled"), order).toHaveLength(1);
      if (started.status === "fulfilled") {
        expect(fs.existsSync(ws.worktreePath), order).toBe(true);
        expect(services.workspaces.workspaceOf(task.id), order).toBeDefined();
        await services.terminals.stop(task.id);
      } else {
        expect(fs.existsSync(ws.worktreePath), order).toBe(false);
        expect(services.sessions.get(task.id)?.running ?? false, order).toBe(false);
      }
    }
  });

  it("disk usage lists worktrees; cleanup removes only done or merged ones that lose nothing", async () => {
    const done = isolatedTask("done one");
    const busy = isolatedTask("busy one");
    await services.workspaces.prepare(done);
    const busyWs = (await services.workspaces.prepare(busy)).workspace!;
    fs.writeFileSync(path.join(busyWs.worktreePath, "wip.txt"), "wip\n");
    services.tasks.setStatus(done.id, "done");
    const usage = await services.workspaces.diskUsage();
    expect(usage.workspaces.map((w) => w.taskId).sort()).toEqual([done.id, busy.id].sort());
    expect(usage.totalBytes).toBeGreaterThan(0);
    expect(usage.workspaces.find((w) => w.taskId === done.id)?.merged).toBe(true);

    expect(usage.workspaces.every((w) => !w.running)).toBe(true);

    // A merged task whose terminal still runs in its worktree: shown as running, never removed.
    const live = isolatedTask("live one", commandProfile(services, "sleeper", "/bin/sleep", ["30"]));
    await services.terminals.start(live.id);
    expect((await services.workspaces.diskUsage()).workspaces.find((w) => w.taskId === live.id)).toMatchObject({ merged: true, running: true });

    services.tasks.setStatus(busy.id, "done");
    const result = await services.workspaces.cleanup([done.id, busy.id, live.id]);
    expect(result.removed).toEqual([done.id]);
    expect(result.skipped.map((s) => s.taskId)).toEqual([busy.id, live.id]);
    expect(result.skipped[0]!.reason).toContain("wip.txt");
    expect(result.skipped[1]!.reason).toContain("stop it before removing");
    expect(fs.existsSync(path.join(busyWs.worktreePath, "wip.txt"))).toBe(true);
    expect(fs.existsSync(services.workspaces.workspaceOf(live.id)!.worktreePath)).toBe(true);
    await services.terminals.stop(live.id);
  });

  it("disk usage counts and lists the worktrees kept when their tasks were deleted", async () => {
    const kept = isolatedTask("kept after delete");
    const owned = isolatedTask("still a task");
    const keptWs = (await services.workspaces.prepare(kept)).workspace!;
    const ownedWs = (await services.workspaces.prepare(owned)).workspace!;
    fs.writeFileSync(path.join(keptWs.worktreePath, "notes.txt"), "x".repeat(10_000));
    // "Keep both" in the delete dialog: only the task goes.
    await services.workspaces.remove(kept.id, { removeWorktree: false, deleteBranch: false, confirmLoss: false });
    services.tasks.delete(kept.id);
    const usage = await services.workspaces.diskUsage();
    expect(usage.workspaces.map((w) => w.path)).toEqual([ownedWs.worktreePath]);
    expect(usage.kept.map((w) => w.path)).toEqual([keptWs.worktreePath]);
    expect(usage.kept[0]!.bytes).toBeGreaterThanOrEqual(10_000);
    expect(usage.totalBytes).toBe(usage.workspaces[0]!.bytes + usage.kept[0]!.bytes);
  });
});

describe("kept worktrees", () => {
  /** A task's worktree kept by "keep both" when the task was deleted, with a commit of its own on its branch. */
  async function keptWorktree(title = "kept after delete"): Promise<{ worktree: string; branch: string }> {
    const task = isolatedTask(title);
    const ws = (await services.workspaces.prepare(task)).workspace!;
    fs.writeFileSync(path.join(ws.worktreePath, "feature.txt"), "f\n");
    gitSync(ws.worktreePath, "add", "feature.txt");
    gitSync(ws.worktreePath, "commit", "--quiet", "-m", "work on the kept branch");
    await deleteTaskWithWorkspace(services, task.id, { removeWorktree: false, deleteBranch: false, confirmLoss: false });
    return { worktree: ws.worktreePath, branch: ws.branch };
  }

  function registered(): string {
    return gitSync(repo.root, "worktree", "list", "--porcelain");
  }

  async function failure(promise: Promise<unknown>, what = ""): Promise<{ code: string; status: number; message: string }> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isAppError(error)) throw new Error(`expected an AppError${what ? ` for ${what}` : ""}, got ${String(error)}`);
    return { code: error.code, status: error.status, message: error.message };
  }

  it("with an untracked file: refused without confirmation (files named, nothing removed), removed with it; the branch and its commits stay", async () => {
    const { worktree, branch } = await keptWorktree();
    const owned = (await services.workspaces.prepare(isolatedTask("still a task"))).workspace!;
    fs.writeFileSync(path.join(worktree, "scratch notes.txt"), "draft\n");

    expect(await services.workspaces.keptWorktreeReport(worktree)).toEqual({
      path: worktree,
      repoRoot: repo.root,
      branch,
      uncommittedFiles: ["scratch notes.txt"],
      detachedCommits: [],
    });

    const refused = await failure(services.workspaces.removeKeptWorktree(worktree, { confirmLoss: false }));
    expect(refused.code).toBe("conflict:workspace_loss");
    expect(refused.message).toContain("1 uncommitted file (scratch notes.txt)");
    expect(refused.message).toContain(`The branch ${branch} stays in the repository with its commits`);
    expect(fs.readFileSync(path.join(worktree, "scratch notes.txt"), "utf8")).toBe("draft\n");
    expect(registered()).toContain(`worktree ${worktree}\n`);

    const removed = await services.workspaces.removeKeptWorktree(worktree, { confirmLoss: true });
    expect(removed).toMatchObject({ path: worktree, repoRoot: repo.root, branch });
    expect(fs.existsSync(worktree)).toBe(false);
    expect(registered()).not.toContain(worktree);
    expect(branches()).toContain(branch);
    expect(gitSync(repo.root, "log", "-1", "--format=%s", branch)).toBe("work on the kept branch");
    // Nothing else was touched: the task's worktree, the main checkout.
    expect(fs.existsSync(path.join(owned.worktreePath, "README.md"))).toBe(true);
    expect(registered()).toContain(`worktree ${owned.worktreePath}\n`);
    expect(gitSync(repo.root, "status", "--porcelain")).toBe("");
    expect(gitSync(repo.root, "branch", "--show-current")).toBe("main");
    const usage = await services.workspaces.diskUsage();
    expect(usage.kept).toEqual([]);
    expect(usage.workspaces.map((w) => w.path)).toEqual([owned.worktreePath]);

    // Gone from the list, so a second removal finds nothing.
    expect((await failure(services.workspaces.removeKeptWorktree(worktree, { confirmLoss: true }))).code).toBe("not_found:worktree");
  });

  it("a clean one goes without confirmation (ignored files like .env do not count)", async () => {
    repo.write(".env", "A=1\n");
    const { worktree, branch } = await keptWorktree();
    expect(fs.existsSync(path.join(worktree, ".env"))).toBe(true);
    expect((await services.workspaces.keptWorktreeReport(worktree)).uncommittedFiles).toEqual([]);
    await services.workspaces.removeKeptWorktree(worktree, { confirmLoss: false });
    expect(fs.existsSync(worktree)).toBe(false);
    expect(registered()).not.toContain(worktree);
    expect(branches()).toContain(branch);
  });

  it("with a detached HEAD, commits no branch has count as lost work", async () => {
    const { worktree, branch } = await keptWorktree();
    gitSync(worktree, "checkout", "--quiet", "--detach");
    fs.writeFileSync(path.join(worktree, "loose.txt"), "l\n");
    gitSync(worktree, "add", "loose.txt");
    gitSync(worktree, "commit", "--quiet", "-m", "on no branch");

    const report = await services.workspaces.keptWorktreeReport(worktree);
    expect(report.branch).toBeNull();
    expect(report.uncommittedFiles).toEqual([]);
    expect(report.detachedCommits.map((c) => c.subject)).toEqual(["on no branch"]);
    const refused = await failure(services.workspaces.removeKeptWorktree(worktree, { confirmLoss: false }));
    expect(refused.code).toBe("conflict:workspace_loss");
    expect(refused.message).toContain("1 commit on no branch");
    expect(refused.message).toContain("on no branch");
    expect(fs.existsSync(path.join(worktree, "loose.txt"))).toBe(true);

    await services.workspaces.removeKeptWorktree(worktree, { confirmLoss: true });
    expect(fs.existsSync(worktree)).toBe(false);
    expect(gitSync(repo.root, "log", "-1", "--format=%s", branch)).toBe("work on the kept branch");
  });

  it("a task's worktree recorded through a symlinked data dir is the task's, never listed as kept or removable", async () => {
    const task = isolatedTask("through a link", commandProfile(services, "sleeper", "/bin/sleep", ["30"]));
    const ws = (await services.workspaces.prepare(task)).workspace!;
    const link = `${services.dataDir}-link`;
    fs.symlinkSync(services.dataDir, link);
    onTestFinished(() => fs.rmSync(link, { force: true }));
    const viaLink = path.join(link, path.relative(services.dataDir, ws.worktreePath));
    services.database.db.update(taskWorkspaces).set({ worktreePath: viaLink }).where(eq(taskWorkspaces.taskId, task.id)).run();
    await services.terminals.start(task.id);

    expect((await services.workspaces.diskUsage()).kept).toEqual([]);
    for (const dir of [ws.worktreePath, viaLink]) {
      expect(await failure(services.workspaces.removeKeptWorktree(dir, { confirmLoss: true }), dir)).toMatchObject({ code: "not_found:worktree" });
    }
    expect(fs.existsSync(path.join(ws.worktreePath, "README.md"))).toBe(true);
    await services.terminals.stop(task.id);
  });

  it("a path that is not a kept worktree is 404 and nothing is touched", async () => {
    const { worktree, branch } = await keptWorktree();
    fs.writeFileSync(path.join(worktree, "scratch notes.txt"), "draft\n");
    const owned = (await services.workspaces.prepare(isolatedTask("still a task"))).workspace!;
    fs.writeFileSync(path.join(owned.worktreePath, "wip.txt"), "wip\n");
    const root = path.join(services.dataDir, "worktrees");
    const repoDir = path.dirname(worktree);
    const sep = path.sep;
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "aim-not-kept-"));
    onTestFinished(() => fs.rmSync(outside, { recursive: true, force: true }));
    fs.writeFileSync(path.join(outside, "precious.txt"), "p\n");
    const before = { registered: registered(), branches: branches(), status: gitSync(repo.root, "status", "--porcelain") };

    const notKept = [
      owned.worktreePath, // a task's live worktree
      root, // the worktrees root itself
      repoDir, // the repository's folder of worktrees
      `${worktree}${sep}..`,
      `${worktree}${sep}..${sep}..`,
      `${owned.worktreePath}${sep}..${sep}${path.basename(owned.worktreePath)}`,
      `${worktree}${sep}..${sep}..${sep}..${sep}..${sep}..${sep}..${sep}..${sep}..${sep}..${sep}..${sep}${outside}`,
      `${root}${sep}..${sep}worktrees`,
      path.join(worktree, "src"), // inside a kept worktree
      path.join(repoDir, "deadbeef"), // no such directory
      outside, // a random directory
      repo.root,
      path.relative(process.cwd(), worktree), // relative: never resolved against the server's directory
      path.join(path.basename(repoDir), path.basename(worktree)),
      "",
      "/",
    ];
    for (const dir of notKept) {
      for (const attempt of [() => services.workspaces.keptWorktreeReport(dir), () => services.workspaces.removeKeptWorktree(dir, { confirmLoss: true })]) {
        const refused = await failure(attempt(), dir);
        expect(refused, dir).toMatchObject({ code: "not_found:worktree", status: 404 });
      }
    }

    expect(fs.readFileSync(path.join(worktree, "scratch notes.txt"), "utf8")).toBe("draft\n");
    expect(fs.readFileSync(path.join(owned.worktreePath, "wip.txt"), "utf8")).toBe("wip\n");
    expect(fs.readFileSync(path.join(outside, "precious.txt"), "utf8")).toBe("p\n");
    expect({ registered: registered(), branches: branches(), status: gitSync(repo.root, "status", "--porcelain") }).toEqual(before);
    expect(branches()).toContain(branch);
  });

  it("one git cannot vouch for (not a worktree, its repository moved, a repository of its own) is refused, to be removed by hand", async () => {
    const { worktree } = await keptWorktree();
    fs.writeFileSync(path.join(worktree, "scratch notes.txt"), "draft\n");
    const repoDir = path.dirname(worktree);
    const plain = path.join(repoDir, "feedf00d");
    fs.mkdirSync(plain);
    fs.writeFileSync(path.join(plain, "notes.txt"), "n\n");
    const ownRepo = path.join(repoDir, "0ddba11a");
    fs.mkdirSync(ownRepo);
    gitSync(ownRepo, "init", "--quiet", "-b", "main");
    fs.writeFileSync(path.join(ownRepo, "own.txt"), "o\n");
    expect((await services.workspaces.diskUsage()).kept.map((w) => w.path)).toEqual([worktree, ownRepo, plain].sort());

    const moved = `${repo.root}-moved`;
    fs.renameSync(repo.root, moved);
    for (const dir of [plain, ownRepo, worktree]) {
      for (const attempt of [() => services.workspaces.keptWorktreeReport(dir), () => services.workspaces.removeKeptWorktree(dir, { confirmLoss: true })]) {
        const refused = await failure(attempt(), dir);
        expect(refused.code, dir).toBe("conflict:workspace_repository");
        expect(refused.message, dir).toContain("remove the directory by hand");
      }
    }
    expect(fs.readFileSync(path.join(plain, "notes.txt"), "utf8")).toBe("n\n");
    expect(fs.readFileSync(path.join(ownRepo, "own.txt"), "utf8")).toBe("o\n");
    expect(fs.readFileSync(path.join(worktree, "scratch notes.txt"), "utf8")).toBe("draft\n");

    // With the repository back where the worktree expects it, git vouches for it again.
    fs.renameSync(moved, repo.root);
    expect((await services.workspaces.keptWorktreeReport(worktree)).uncommittedFiles).toEqual(["scratch notes.txt"]);
  });
});

describe("health and repair", () => {
  it("a worktree removed by hand is detected and recreated from the branch, with its commits", async () => {
    const task = isolatedTask("repair me");
    const ws = (await services.workspaces.prepare(task)).workspace!;
    fs.writeFileSync(path.join(ws.worktreePath, "saved.txt"), "saved\n");
    gitSync(ws.worktreePath, "add", "saved.txt");
    gitSync(ws.worktreePath, "commit", "--quiet", "-m", "saved");
    expect(await services.workspaces.health(task.id)).toEqual({ state: "ok" });

    fs.rmSync(ws.worktreePath, { recursive: true, force: true });
    const health = await services.workspaces.health(task.id);
    expect(health.state).toBe("missing_worktree");
    await expect(services.terminals.start(task.id)).rejects.toThrow(/repair/);

    await services.workspaces.repair(task.id);
    expect(await services.workspaces.health(task.id)).toEqual({ state: "ok" });
    expect(fs.readFileSync(path.join(ws.worktreePath, "saved.txt"), "utf8")).toBe("saved\n");
  });

  it("a branch deleted outside is detected and recreated from the base", async () => {
    const task = isolatedTask("lost branch");
    const ws = (await services.workspaces.prepare(task)).workspace!;
    gitSync(repo.root, "worktree", "remove", "--", ws.worktreePath);
    gitSync(repo.root, "branch", "-D", ws.branch);
    const health = await services.workspaces.health(task.id);
    expect(health.state).toBe("missing_branch");
    expect("message" in health && health.message).toContain(ws.branch);
    await services.workspaces.repair(task.id);
    expect(await services.workspaces.health(task.id)).toEqual({ state: "ok" });
    expect(branches()).toContain(ws.branch);
  });

  it("a moved repository is reported, and repair says so instead of guessing", async () => {
    const task = isolatedTask("moved");
    await services.workspaces.prepare(task);
    fs.renameSync(repo.root, `${repo.root}-moved`);
    try {
      const health = await services.workspaces.health(task.id);
      expect(health.state).toBe("missing_repository");
      const error = await services.workspaces.repair(task.id).catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe("conflict:workspace_repository");
      expect(String((error as Error).message)).toContain(repo.root);
      // Nothing can be inspected, so nothing is claimed safe, and nothing is removed.
      await expect(services.workspaces.lossReport(task.id)).rejects.toThrow(/cannot be checked/);
      await expect(services.workspaces.remove(task.id, { removeWorktree: true, deleteBranch: true, confirmLoss: true })).rejects.toThrow(/gone or was moved/);
    } finally {
      fs.renameSync(`${repo.root}-moved`, repo.root);
    }
    expect(await services.workspaces.health(task.id)).toEqual({ state: "ok" });
  });
});
