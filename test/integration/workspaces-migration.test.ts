import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultMigrationsFolder, openDatabase } from "../../src/server/db/open-database";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The committed migrations up to and including `tag`, in a folder of their own. */
function migrationsUpTo(tag: string): string {
  const source = defaultMigrationsFolder();
  const target = fs.mkdtempSync(path.join(os.tmpdir(), "aim-migrations-"));
  dirs.push(target);
  fs.cpSync(source, target, { recursive: true });
  const journalFile = path.join(target, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: Array<{ tag: string }> };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((entry) => entry.tag === tag) + 1);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return target;
}

describe("the workspaces migration", () => {
  it("keeps tasks that already ran in place; new and never-run tasks follow the Settings default", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-migrate-"));
    dirs.push(dataDir);
    const before = openDatabase(dataDir, migrationsUpTo("0000_init"));
    before.sqlite.prepare("insert into tasks (id, title, cwd) values ('ran', 'ran before', '/tmp'), ('fresh', 'never ran', '/tmp')").run();
    before.sqlite.prepare("insert into executions (id, task_id, command_line) values ('e1', 'ran', 'claude')").run();
    before.close();

    const after = openDatabase(dataDir);
    const rows = after.sqlite.prepare("select id, isolation, base_branch from tasks order by id").all();
    after.close();
    expect(rows).toEqual([
      { id: "fresh", isolation: null, base_branch: null },
      { id: "ran", isolation: "none", base_branch: null },
    ]);
  });
});
