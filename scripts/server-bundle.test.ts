import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BUNDLE_ENTRIES, bundleServer, currentBundle } from "./server-bundle.mjs";

/** A throwaway project with the bundle's three entries; each reports the URL a module sees for itself. */
function project(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "aim-bundle-"));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write("src/lib/where.ts", "export const where: string = import.meta.url;\n");
  write("src/lib/plain.mjs", "export const plain = import.meta.url;\n");
  const from = (entry: string, file: string) => path.relative(path.dirname(path.join(root, entry)), path.join(root, file)).split(path.sep).join("/");
  for (const entry of Object.values(BUNDLE_ENTRIES)) {
    write(
      entry,
      `import { where } from "${from(entry, "src/lib/where.ts")}";\n// @ts-ignore\nimport { plain } from "${from(entry, "src/lib/plain.mjs")}";\nexport const own: string = import.meta.url;\nexport { where, plain };\n`,
    );
  }
  write("package.json", "{}\n");
  write("tsconfig.json", "{}\n");
  return root;
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

describe("server bundles", () => {
  it("keep each module's own URL (also in a moved checkout), and are not used once a source changed", async () => {
    const root = project();
    roots.push(root);
    expect(currentBundle(root, "server")).toBeUndefined();
    await bundleServer(root);
    const bundle = currentBundle(root, "server");
    expect(bundle).toBe(path.join(root, ".next", "ai-manager", "server.mjs"));
    const loaded = (await import(pathToFileURL(bundle!).href)) as { own: string; where: string; plain: string };
    expect(loaded.where).toBe(pathToFileURL(path.join(root, "src/lib/where.ts")).href);
    // Plain .mjs modules too (scripts/server-bundle.mjs itself is one: its "run as a script" check).
    expect(loaded.plain).toBe(pathToFileURL(path.join(root, "src/lib/plain.mjs")).href);
    expect(loaded.own).toBe(pathToFileURL(path.join(root, "server/index.ts")).href);
    expect(currentBundle(root, "host-main")).toBe(path.join(root, ".next", "ai-manager", "host-main.mjs"));

    // A moved checkout: the paths follow it.
    const moved = `${root}-moved`;
    roots.push(moved);
    fs.renameSync(root, moved);
    const movedBundle = currentBundle(moved, "mcp");
    expect(movedBundle).toBe(path.join(moved, ".next", "ai-manager", "mcp.mjs"));
    const movedModule = (await import(pathToFileURL(movedBundle!).href)) as { where: string };
    expect(movedModule.where).toBe(pathToFileURL(path.join(moved, "src/lib/where.ts")).href);

    // An edited source makes every bundle stale, even with an older modification time (rsync -a,
    // tar): the entry points fall back to the sources.
    const edited = path.join(moved, "src/lib/where.ts");
    const { mtime } = fs.statSync(edited);
    fs.writeFileSync(edited, "export const where: string = `edited ${import.meta.url}`;\n");
    fs.utimesSync(edited, new Date(mtime.getTime() - 86_400_000), new Date(mtime.getTime() - 86_400_000));
    expect(currentBundle(moved, "server")).toBeUndefined();
    expect(currentBundle(moved, "host-main")).toBeUndefined();
  });
});
