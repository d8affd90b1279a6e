import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createActionCatalog, routePattern } from "./action-catalog";

describe("routePattern: the URL paths a page worker serves", () => {
  it.each([
    ["app/page", ["/", ""], ["/x", "/settings"]],
    ["app/settings/page", ["/settings", "/settings/"], ["/", "/settings/x", "/settingsx"]],
    ["app/tasks/[id]/page", ["/tasks/abc", "/tasks/a%2Fb", "/tasks/abc/"], ["/tasks", "/tasks/", "/tasks/a/b"]],
    ["app/(group)/inbox/page", ["/inbox"], ["/(group)/inbox"]],
    ["app/docs/[...slug]/page", ["/docs/a", "/docs/a/b"], ["/docs", "/docs/"]],
    ["app/[[...slug]]/page", ["/", "/a", "/a/b"], []],
  ])("%s", (worker, matching, other) => {
    const pattern = routePattern(worker);
    for (const p of matching) expect(pattern.test(p), p).toBe(true);
    for (const p of other) expect(pattern.test(p), p).toBe(false);
  });
});

describe("createActionCatalog", () => {
  let dir: string;
  let manifest: string;
  const write = (node: Record<string, string[]>, mtime: number) => {
    const entries = Object.fromEntries(Object.entries(node).map(([id, workers]) => [id, { workers: Object.fromEntries(workers.map((w) => [w, { moduleId: 1 }])) }]));
    fs.writeFileSync(manifest, JSON.stringify({ node: entries, edge: {} }));
    // Explicit times: two writes within the file system's time resolution must still differ.
    fs.utimesSync(manifest, mtime, mtime);
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-actions-"));
    manifest = path.join(dir, "server-reference-manifest.json");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("knows the build's actions and the pages that use them", () => {
    write({ aa11: ["app/page", "app/tasks/[id]/page"], bb22: ["app/settings/page"] }, 1_000);
    const catalog = createActionCatalog(manifest);
    expect(catalog.lookup("aa11", "/")).toBe("ok");
    expect(catalog.lookup("aa11", "/tasks/t1")).toBe("ok");
    expect(catalog.lookup("aa11", "/settings")).toBe("elsewhere");
    expect(catalog.lookup("bb22", "/settings")).toBe("ok");
    expect(catalog.lookup("cc33", "/")).toBe("unknown");
  });

  it("reads a new build's manifest, and lets everything through to Next without one", () => {
    const catalog = createActionCatalog(manifest);
    write({ aa11: ["app/page"] }, 1_000);
    expect(catalog.lookup("dd44", "/")).toBe("unknown");
    write({ dd44: ["app/page"] }, 2_000);
    expect(catalog.lookup("dd44", "/")).toBe("ok");
    expect(catalog.lookup("aa11", "/")).toBe("unknown");
    fs.writeFileSync(manifest, "{ not json");
    fs.utimesSync(manifest, 3_000, 3_000);
    expect(catalog.lookup("anything", "/")).toBe("ok");
    fs.rmSync(manifest);
    expect(catalog.lookup("anything", "/")).toBe("ok");
  });
});
