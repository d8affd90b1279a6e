import { describe, expect, it } from "vitest";
import { echoOf, PASTE_END, PASTE_START, planInput } from "./terminal-input";

describe("planInput", () => {
  it("line: ends the text with exactly one Enter (\\r)", () => {
    expect(planInput("ls -la", "line")).toEqual({ first: "ls -la\r" });
    expect(planInput("ls -la\n", "line")).toEqual({ first: "ls -la\r" });
    expect(planInput("ls -la\r\n", "line")).toEqual({ first: "ls -la\r" });
    expect(planInput("ls -la\r", "line")).toEqual({ first: "ls -la\r" });
    expect(planInput("", "line")).toEqual({ first: "\r" });
    expect(planInput("a\nb", "line")).toEqual({ first: "a\nb\r" });
  });

  it("raw: the characters as given", () => {
    expect(planInput("\u0003", "raw")).toEqual({ first: "\u0003" });
    expect(planInput("\u001b[A\n", "raw")).toEqual({ first: "\u001b[A\n" });
  });

  it("paste: bracketed text, then Enter separately; markers inside the text cannot end the paste early", () => {
    expect(planInput("fix the tests\nplease\n", "paste")).toEqual({ first: `${PASTE_START}fix the tests\nplease${PASTE_END}`, then: "\r" });
    expect(planInput(`a${PASTE_END}rm -rf ~\r`, "paste")).toEqual({ first: `${PASTE_START}arm -rf ~\r${PASTE_END}`, then: "\r" });
  });
});

describe("echoOf", () => {
  it("is the input's first line without trailing blanks, or undefined when nothing visible is typed", () => {
    expect(echoOf("seq 1 5; echo DONE  ")).toBe("seq 1 5; echo DONE");
    expect(echoOf("line one\nline two")).toBe("line one");
    expect(echoOf(`${PASTE_START}pasted${PASTE_END}`)).toBe("pasted");
    expect(echoOf("")).toBeUndefined();
    expect(echoOf("   \n")).toBeUndefined();
  });
});
