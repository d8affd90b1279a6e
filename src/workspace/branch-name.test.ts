import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { slugify, shortId, taskBranchName, taskWorktreePath } from "./branch-name";

describe("names from titles", () => {
  it("slugs are [a-z0-9-], never start or end with -, and are capped (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (title) => {
        const slug = slugify(title);
        expect(slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
        expect(slug.length).toBeLessThanOrEqual(40);
      }),
      { numRuns: 500 },
    );
  });

  it("branch names cannot be options, refs tricks or paths out (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), fc.uuid(), (title, id) => {
        const branch = taskBranchName(title, id);
        expect(branch).toMatch(/^ai\/[a-z0-9]+(?:-[a-z0-9]+)*-[a-z0-9]{8}$/);
        expect(branch).not.toContain("..");
      }),
      { numRuns: 500 },
    );
  });

  it("folds accents and keeps words", () => {
    expect(slugify("Fix the Login page!")).toBe("fix-the-login-page");
    expect(slugify("Crème brûlée")).toBe("creme-brulee");
    expect(slugify("--upload-pack=x")).toBe("upload-pack-x");
    expect(slugify("..")).toBe("task");
    expect(slugify("日本語")).toBe("task");
  });

  it("worktree paths stay inside <dataDir>/worktrees whatever the ids and repository names", () => {
    const dataDir = "/data";
    for (const id of ["../../etc", "-x", "", "a/b", "00000000-0000-0000-0000-000000000000"]) {
      const p = taskWorktreePath(dataDir, "/home/me/../weird name/-repo", id);
      expect(path.relative(path.join(dataDir, "worktrees"), p).startsWith("..")).toBe(false);
      expect(path.basename(p)).toBe(shortId(id));
      expect(shortId(id)).toMatch(/^[a-z0-9]{8}$/);
    }
  });
});
