import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatArgsText,
  formatEnvText,
  parseArgsText,
  parseEnvText,
  profileFormSchema,
  toFormFields,
} from "./profile-form-schemas";

const validForm = { name: "Codex", kind: "custom", command: "codex", args: "--full-auto\n{prompt}", env: "A=1", promptDelivery: "args" } as const;

describe("args text", () => {
  it("takes one argument per line, keeps inner spaces, drops blank lines and CRs", () => {
    expect(parseArgsText("--model opus\r\n\n  {prompt}\n")).toEqual({ ok: true, value: ["--model opus", "  {prompt}"] });
    expect(parseArgsText("")).toEqual({ ok: true, value: [] });
  });

  it("accepts a JSON array for arguments with line breaks, and refuses other JSON", () => {
    expect(parseArgsText('["-p", "line 1\\nline 2"]')).toEqual({ ok: true, value: ["-p", "line 1\nline 2"] });
    expect(parseArgsText('["a", 1]').ok).toBe(false);
    expect(parseArgsText("[oops").ok).toBe(false);
  });

  it("formatting then parsing gives the same arguments back (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (args) => {
        expect(parseArgsText(formatArgsText(args))).toEqual({ ok: true, value: args });
      }),
    );
  });
});

describe("env text", () => {
  it("reads KEY=VALUE lines, values may contain =, comments and blanks are skipped", () => {
    expect(parseEnvText("# model\nMODEL=opus\n\nOPTS=a=b\nEMPTY=")).toEqual({ ok: true, value: { MODEL: "opus", OPTS: "a=b", EMPTY: "" } });
  });

  it("names the bad line", () => {
    expect(parseEnvText("A=1\nnot a pair")).toEqual({ ok: false, message: "Line 2: expected KEY=VALUE" });
    expect(parseEnvText("=x")).toEqual({ ok: false, message: "Line 1: expected KEY=VALUE" });
    expect(parseEnvText("1X=y")).toMatchObject({ ok: false, message: expect.stringMatching(/^Line 1: "1X" is not a variable name/) });
    expect(parseEnvText("A=1\nA=2")).toEqual({ ok: false, message: "Line 2: A is set twice" });
  });

  it("formatting then parsing gives the same variables back (property)", () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);
    const value = fc.string().filter((v) => !v.includes("\n") && !v.endsWith("\r"));
    fc.assert(
      fc.property(fc.dictionary(name, value), (env) => {
        expect(parseEnvText(formatEnvText(env))).toEqual({ ok: true, value: env });
      }),
    );
  });
});

describe("profileFormSchema", () => {
  it("turns the form's text fields into a profile input", () => {
    expect(profileFormSchema.parse(validForm)).toEqual({
      name: "Codex",
      kind: "custom",
      command: "codex",
      args: ["--full-auto", "{prompt}"],
      env: { A: "1" },
      promptDelivery: "args",
    });
  });

  it("reports every bad field of one submit", () => {
    const result = profileFormSchema.safeParse({ ...validForm, name: " ", command: "", args: "[1", env: "nope" });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join(".")).sort();
    expect(paths).toEqual(["args", "command", "env", "name"]);
  });
});

describe("toFormFields", () => {
  it("folds nested service paths onto the form's fields", () => {
    expect(toFormFields({ "args.2": "must not contain NUL bytes", "env.X": "bad", name: "taken" })).toEqual({
      args: "Argument 3: must not contain NUL bytes",
      env: "X: bad",
      name: "taken",
    });
    expect(toFormFields(undefined)).toBeUndefined();
  });
});
