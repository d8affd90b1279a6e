import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BUILD_SOURCES, buildIsCurrent, recordBuild } from "./build-if-stale.mjs";
import { contentHash } from "./server-bundle.mjs";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

/** A throwaway project with a "built" .next/ (a BUILD_ID, as `next build` leaves one). */
function builtProject(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "aim-build-"));
  roots.push(root);
  fs.mkdirSync(path.join(root, "src/app"), { recursive: true });
  fs.writeFileSync(path.join(root, "src/app/page.tsx"), "export default function Page() { return 'one'; }\n");
  fs.writeFileSync(path.join(root, "package.json"), "{}\n");
  fs.mkdirSync(path.join(root, ".next"));
  fs.writeFileSync(path.join(root, ".next/BUILD_ID"), "build\n");
  return root;
}

describe("the Next build's staleness", () => {
  it("is current only for the sources it was built from, whatever their modification times say", () => {
    const root = builtProject();
    // A build made before the stamp existed (or an interrupted one) is not trusted.
    expect(buildIsCurrent(root)).toBe(false);
    recordBuild(root, contentHash(root, BUILD_SOURCES));
    expect(buildIsCurrent(root)).toBe(true);

    // A source changed, but with a time older than the build (`git checkout` of an older commit,
    // `rsync -a`, `tar`): still stale.
    const page = path.join(root, "src/app/page.tsx");
    fs.writeFileSync(page, "export default function Page() { return 'two'; }\n");
    const longAgo = new Date("2001-01-01T00:00:00Z");
    fs.utimesSync(page, longAgo, longAgo);
    expect(buildIsCurrent(root)).toBe(false);

    // Touched without a change: still current (no rebuild for a mere `touch`).
    fs.writeFileSync(page, "export default function Page() { return 'one'; }\n");
    expect(buildIsCurrent(root)).toBe(true);

    // A new file in a source directory, and a changed lock file, each make it stale.
    fs.writeFileSync(path.join(root, "src/app/extra.ts"), "export {};\n");
    expect(buildIsCurrent(root)).toBe(false);
    fs.rmSync(path.join(root, "src/app/extra.ts"));
    fs.writeFileSync(path.join(root, "package-lock.json"), "{}\n");
    expect(buildIsCurrent(root)).toBe(false);
  });

  it("is not current without a build, whatever the stamp says", () => {
    const root = builtProject();
    recordBuild(root, contentHash(root, BUILD_SOURCES));
    fs.rmSync(path.join(root, ".next/BUILD_ID"));
    expect(buildIsCurrent(root)).toBe(false);
  });
});
