import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliProfiles } from "../db/schema";
import { createTestApp, thrown, type TestApp } from "../testing/test-app";
import { CLAUDE_PROFILE_NAME, ProfileService, SHELL_PROFILE_NAME } from "./profile-service";

let app: TestApp;
beforeEach(() => {
  app = createTestApp({ SHELL: "/bin/zsh" });
});
afterEach(() => app.dispose());

function activeNames(): string[] {
  return app.profiles
    .list()
    .filter((profile) => profile.isActive)
    .map((profile) => profile.name);
}

describe("seeding", () => {
  it("creates Claude Code (active, prompt as argument) and Shell ($SHELL, prompt typed)", () => {
    const profiles = app.profiles.list();
    expect(profiles.map((p) => p.name).sort()).toEqual([CLAUDE_PROFILE_NAME, SHELL_PROFILE_NAME]);
    const claude = profiles.find((p) => p.name === CLAUDE_PROFILE_NAME);
    expect(claude).toMatchObject({ kind: "claude", command: "claude", args: ["{prompt}"], env: {}, promptDelivery: "args", isActive: true });
    const shell = profiles.find((p) => p.name === SHELL_PROFILE_NAME);
    expect(shell).toMatchObject({ kind: "shell", command: "/bin/zsh", args: [], promptDelivery: "type", isActive: false });
    expect(app.profiles.getActive().name).toBe(CLAUDE_PROFILE_NAME);
  });

  it("falls back to /bin/bash when SHELL is unset", () => {
    const other = createTestApp({});
    try {
      expect(other.profiles.resolve("shell").command).toBe("/bin/bash");
    } finally {
      other.dispose();
    }
  });

  it("is idempotent: seeding again, or after a restart, changes nothing", () => {
    const before = app.profiles.list();
    app.profiles.seedDefaults();
    app.profiles.seedDefaults();
    expect(app.profiles.list()).toEqual(before);
    app = app.reopen();
    expect(app.profiles.list()).toEqual(before);
  });

  it("does not bring back a deleted default", () => {
    app.profiles.delete(app.profiles.resolve(SHELL_PROFILE_NAME).id);
    app = app.reopen();
    expect(app.profiles.list().map((p) => p.name)).toEqual([CLAUDE_PROFILE_NAME]);
  });
});

describe("exactly one active profile", () => {
  it("setActive moves the flag, leaving exactly one", () => {
    const shell = app.profiles.resolve(SHELL_PROFILE_NAME);
    app.profiles.setActive(shell.id);
    expect(activeNames()).toEqual([SHELL_PROFILE_NAME]);
    app.profiles.setActive(shell.id);
    expect(activeNames()).toEqual([SHELL_PROFILE_NAME]);
    const created = app.profiles.create({ name: "Codex", command: "codex", args: ["{prompt}"] });
    expect(created.isActive).toBe(false);
    app.profiles.setActive(created.id);
    expect(activeNames()).toEqual(["Codex"]);
  });

  it("setActive with an unknown id fails and keeps the active one", () => {
    expect(thrown(() => app.profiles.setActive("nope")).code).toBe("not_found:profile");
    expect(activeNames()).toEqual([CLAUDE_PROFILE_NAME]);
  });

  it("deleting the active profile makes the oldest remaining one active", () => {
    const codex = app.profiles.create({ name: "Codex", command: "codex" });
    app.profiles.setActive(codex.id);
    app.profiles.delete(codex.id);
    expect(activeNames()).toEqual([CLAUDE_PROFILE_NAME]);

    app.profiles.delete(app.profiles.resolve(CLAUDE_PROFILE_NAME).id);
    expect(activeNames()).toEqual([SHELL_PROFILE_NAME]);
  });

  it("deleting an inactive profile leaves the active one alone", () => {
    app.profiles.delete(app.profiles.resolve(SHELL_PROFILE_NAME).id);
    expect(activeNames()).toEqual([CLAUDE_PROFILE_NAME]);
  });

  it("refuses to delete the last profile, with a message for the user", () => {
    app.profiles.delete(app.profiles.resolve(SHELL_PROFILE_NAME).id);
    const error = thrown(() => app.profiles.delete(app.profiles.resolve(CLAUDE_PROFILE_NAME).id));
    expect(error.code).toBe("conflict:profile");
    expect(error.message).toBe("The last CLI profile cannot be deleted; create another one first");
    expect(activeNames()).toEqual([CLAUDE_PROFILE_NAME]);
  });

  it("the partial unique index refuses a second active row, whatever writes it", () => {
    const { db, sqlite } = app.database;
    const shell = app.profiles.resolve(SHELL_PROFILE_NAME);
    expect(() => db.update(cliProfiles).set({ isActive: true }).where(eq(cliProfiles.id, shell.id)).run()).toThrow(
      expect.objectContaining({ code: "SQLITE_CONSTRAINT_UNIQUE" }),
    );
    expect(() =>
      sqlite
        .prepare("INSERT INTO cli_profiles (id, name, command, is_active) VALUES ('x', 'Second active', 'sh', 1)")
        .run(),
    ).toThrow(expect.objectContaining({ code: "SQLITE_CONSTRAINT_UNIQUE" }));
    // Inactive rows are not limited by it.
    sqlite.prepare("INSERT INTO cli_profiles (id, name, command, is_active) VALUES ('y', 'Inactive', 'sh', 0)").run();
    expect(activeNames()).toEqual([CLAUDE_PROFILE_NAME]);
  });
});

describe("create and update", () => {
  it("stores args and env as JSON and reads them back", () => {
    const created = app.profiles.create({
      name: "Aider",
      kind: "custom",
      command: "aider",
      args: ["--message", "{prompt}", "with spaces inside"],
      env: { AIDER_MODEL: "sonnet", EMPTY: "" },
      promptDelivery: "args",
    });
    app = app.reopen();
    expect(app.profiles.get(created.id)).toMatchObject({
      args: ["--message", "{prompt}", "with spaces inside"],
      env: { AIDER_MODEL: "sonnet", EMPTY: "" },
    });
  });

  it("refuses a duplicate name at the name field", () => {
    const error = thrown(() => app.profiles.create({ name: SHELL_PROFILE_NAME, command: "sh" }));
    expect(error.code).toBe("conflict:profile");
    expect(error.fields?.name).toMatch(/already exists/);
  });

  it("refuses a name that differs from another only in case, at create and at rename", () => {
    const error = thrown(() => app.profiles.create({ name: SHELL_PROFILE_NAME.toUpperCase(), command: "sh" }));
    expect(error.code).toBe("conflict:profile");
    expect(error.fields?.name).toBe(`A profile named "${SHELL_PROFILE_NAME}" already exists`);
    const other = app.profiles.create({ name: "Other", command: "sh" });
    expect(thrown(() => app.profiles.update(other.id, { name: ` ${SHELL_PROFILE_NAME.toLowerCase()}`, command: "sh" })).code).toBe("conflict:profile");
    // Its own name in another case is a rename, not a clash.
    expect(app.profiles.update(other.id, { name: "OTHER", command: "sh" }).name).toBe("OTHER");
  });

  it("resolves a name by exact case first, and refuses one that several older rows share apart from case", () => {
    const lower = app.profiles.create({ name: "dup", command: "sh" });
    // A database from before the check above: written around it.
    app.database.db.insert(cliProfiles).values({ id: "upper-dup", name: "DUP", kind: "custom", command: "sh", args: [], env: {}, promptDelivery: "args", isActive: false }).run();
    expect(app.profiles.resolve("dup").id).toBe(lower.id);
    expect(app.profiles.resolve("DUP").id).toBe("upper-dup");
    const error = thrown(() => app.profiles.resolve("Dup"));
    expect(error.code).toBe("bad_request:profile");
    expect(error.message).toMatch(/Several CLI profiles are named "Dup"/);
    expect(app.profiles.resolve(SHELL_PROFILE_NAME.toUpperCase()).name).toBe(SHELL_PROFILE_NAME);
  });

  it("refuses an empty name and command with field messages", () => {
    const error = thrown(() => app.profiles.create({ name: "  ", command: "" }));
    expect(error.code).toBe("bad_request:profile");
    expect(error.fields).toMatchObject({ name: "Name is required", command: "Command is required" });
  });

  it("refuses bad environment variable names", () => {
    const error = thrown(() => app.profiles.create({ name: "Bad env", command: "sh", env: { "1X": "y" } }));
    expect(error.code).toBe("bad_request:profile");
    expect(Object.keys(error.fields ?? {})[0]).toMatch(/^env/);
  });

  it("update keeps isActive and renames", () => {
    const claude = app.profiles.resolve(CLAUDE_PROFILE_NAME);
    const updated = app.profiles.update(claude.id, { name: "Claude (opus)", kind: "claude", command: "claude", args: ["--model", "opus", "{prompt}"] });
    expect(updated.isActive).toBe(true);
    expect(updated.name).toBe("Claude (opus)");
  });

  it("a fresh ProfileService over the same database sees the same rows", () => {
    const again = new ProfileService(app.database.db, {} as NodeJS.ProcessEnv);
    expect(again.list()).toEqual(app.profiles.list());
  });
});

describe("built-in agent CLI profiles", () => {
  it("creates one with the CLI's defaults, then finds it again instead of a copy", () => {
    const codex = app.profiles.ensureBuiltin("codex");
    expect(codex).toMatchObject({ name: "Codex CLI", kind: "codex", command: "codex", args: ["--", "{prompt}"], promptDelivery: "args", isActive: false });
    expect(app.profiles.ensureBuiltin("codex").id).toBe(codex.id);
    const aider = app.profiles.ensureBuiltin("aider");
    expect(aider).toMatchObject({ kind: "aider", command: "aider", args: [], promptDelivery: "type" });
    expect(app.profiles.ensureBuiltin("claude").name).toBe(CLAUDE_PROFILE_NAME);
  });

  it("prefers the active one of a kind, and picks a free name when the label is taken", () => {
    app.profiles.create({ name: "Gemini CLI", kind: "custom", command: "gemini" });
    const gemini = app.profiles.ensureBuiltin("gemini");
    expect(gemini.name).toBe("Gemini CLI (2)");
    const second = app.profiles.create({ name: "Gemini flash", kind: "gemini", command: "gemini", args: ["-m", "flash"] });
    app.profiles.setActive(second.id);
    expect(app.profiles.ensureBuiltin("gemini").id).toBe(second.id);
  });
});
