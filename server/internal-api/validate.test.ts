import { describe, expect, it } from "vitest";
import { reportBodySchema } from "./agent-report";
import { listTasksQuerySchema, updateTaskBodySchema } from "./task-api-schemas";
import { parseInput, queryObject } from "./validate";

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("was accepted");
};

describe("the internal API's input checks", () => {
  it("a query key named like an Object property is an unknown key, refused, not silently dropped", () => {
    for (const key of ["__proto__", "constructor", "toString"]) {
      const query = queryObject(new URLSearchParams(`${key}=x`));
      expect(Object.keys(query), key).toEqual([key]);
      expect(refusal(() => parseInput(listTasksQuerySchema, query, "query")), key).toMatch(/Unrecognized key/);
    }
  });

  it("refuses a NUL or half a surrogate pair in status messages and texts, where they came back changed", () => {
    for (const bad of ["ok\u0000", "a\uD800b", "\uDC00"]) {
      expect(refusal(() => parseInput(updateTaskBodySchema, { statusMessage: bad }, "body"))).toMatch(/^statusMessage: must/);
      expect(refusal(() => parseInput(updateTaskBodySchema, { title: bad }, "body"))).toMatch(/^title: must/);
      expect(refusal(() => parseInput(updateTaskBodySchema, { description: bad }, "body"))).toMatch(/^description: must/);
      expect(refusal(() => parseInput(reportBodySchema, { status: "review", message: bad }, "body"))).toMatch(/^message: must/);
    }
    // A whole pair is text like any other.
    expect(parseInput(updateTaskBodySchema, { title: "ship it \uD83D\uDE80" }, "body")).toMatchObject({ title: "ship it \uD83D\uDE80" });
  });
});
