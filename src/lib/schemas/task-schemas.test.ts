import { describe, expect, it } from "vitest";
import { taskEditFormSchema, taskFormSchema } from "./task-schemas";

describe("the task forms' schemas", () => {
  it("an edit leaves out what it does not send, where a new task starts empty", () => {
    const sent = { title: "renamed", cwd: "/tmp" };
    const edit = taskEditFormSchema.parse(sent);
    expect(edit).toEqual({ title: "renamed", cwd: "/tmp" });
    expect("prompt" in edit || "description" in edit).toBe(false);
    expect(taskFormSchema.parse(sent)).toEqual({ title: "renamed", cwd: "/tmp", description: "", prompt: "" });
  });

  it("an edit that sends them, empty included, sets them", () => {
    expect(taskEditFormSchema.parse({ title: "t", cwd: "/tmp", prompt: "", description: "d" })).toMatchObject({ prompt: "", description: "d" });
  });
});
