import { describe, expect, it } from "vitest";
import { withoutNpmRunPath } from "./npm-run-path.mjs";

const NODE_GYP = "/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin";
const npmRun = { npm_lifecycle_event: "start" };

describe("withoutNpmRunPath", () => {
  it("takes off what npm put in front for a script in the project: every node_modules/.bin up to the root, then node-gyp-bin", () => {
    const path = `/home/u/ai-manager/node_modules/.bin:/home/u/node_modules/.bin:/home/node_modules/.bin:/node_modules/.bin:${NODE_GYP}:/home/u/bin:/usr/bin:/bin`;
    expect(withoutNpmRunPath(path, "/home/u/ai-manager", npmRun)).toBe("/home/u/bin:/usr/bin:/bin");
  });

  it("takes off nested npm runs too, and keeps a node_modules/.bin the user put further on", () => {
    const chain = `/p/node_modules/.bin:/node_modules/.bin:${NODE_GYP}`;
    const path = `${chain}:${chain}:/usr/bin:/p/node_modules/.bin:/bin`;
    expect(withoutNpmRunPath(path, "/p", npmRun)).toBe("/usr/bin:/p/node_modules/.bin:/bin");
  });

  it("keeps another project's node_modules/.bin, and everything when npm did not start the server", () => {
    expect(withoutNpmRunPath("/other/node_modules/.bin:/usr/bin", "/p", npmRun)).toBe("/other/node_modules/.bin:/usr/bin");
    expect(withoutNpmRunPath(`/p/node_modules/.bin:${NODE_GYP}:/usr/bin`, "/p", {})).toBe(`/p/node_modules/.bin:${NODE_GYP}:/usr/bin`);
    expect(withoutNpmRunPath(undefined, "/p", npmRun)).toBeUndefined();
  });
});
