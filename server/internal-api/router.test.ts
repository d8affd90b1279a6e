import { describe, expect, it } from "vitest";
import { Router } from "./router";

describe("Router", () => {
  const router = new Router<string>()
    .add("GET", "/api/internal/tasks", "list")
    .add("POST", "/api/internal/tasks", "create", { bodyLimit: 10 })
    .add("GET", "/api/internal/terminal/:taskId/buffer", "buffer");

  it("matches exact paths and parameters, percent-decoded", () => {
    expect(router.match("GET", "/api/internal/tasks")).toMatchObject({ kind: "found", handler: "list", params: {} });
    expect(router.match("POST", "/api/internal/tasks/")).toMatchObject({ kind: "found", handler: "create", options: { bodyLimit: 10 } });
    expect(router.match("GET", "/api/internal/terminal/a%20b/buffer")).toMatchObject({ kind: "found", params: { taskId: "a b" } });
  });

  it("tells a wrong method (with the allowed ones) from a missing route", () => {
    expect(router.match("DELETE", "/api/internal/tasks")).toEqual({ kind: "method_not_allowed", allow: ["GET", "POST"] });
    expect(router.match("GET", "/api/internal/nope")).toEqual({ kind: "not_found" });
    expect(router.match("GET", "/api/internal/terminal/x/buffer/extra")).toEqual({ kind: "not_found" });
    expect(router.match("GET", "/api/internal/terminal/%E0%A4%A/buffer")).toEqual({ kind: "not_found" });
  });
});
