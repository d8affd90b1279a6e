import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EchoPriority } from "./echo-priority";

describe("EchoPriority", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("everyone feeds while nobody waits for an echo", () => {
    const priority = new EchoPriority(100);
    const a = {};
    const b = {};
    expect(priority.mayFeed(a)).toBe(true);
    expect(priority.mayFeed(b)).toBe(true);
  });

  it("a terminal that typed feeds; the others hold until it painted its echo, and are told when", () => {
    const priority = new EchoPriority(100);
    const typedInto = {};
    const other = {};
    const released: string[] = [];
    priority.onRelease(() => released.push("released"));
    priority.typed(typedInto);
    expect(priority.mayFeed(typedInto)).toBe(true);
    expect(priority.mayFeed(other)).toBe(false);
    priority.release(typedInto);
    expect(priority.mayFeed(other)).toBe(true);
    expect(released).toEqual(["released"]);
  });

  it("the hold is bounded: an echo that never comes releases the others after the bound", () => {
    const priority = new EchoPriority(100);
    const typedInto = {};
    const other = {};
    const released: string[] = [];
    priority.onRelease(() => released.push("released"));
    priority.typed(typedInto);
    vi.advanceTimersByTime(99);
    expect(priority.mayFeed(other)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(priority.mayFeed(other)).toBe(true);
    expect(priority.isAwaiting(typedInto)).toBe(false);
    expect(released).toEqual(["released"]);
  });

  it("each key starts the bound again", () => {
    const priority = new EchoPriority(100);
    const typedInto = {};
    const other = {};
    priority.typed(typedInto);
    vi.advanceTimersByTime(80);
    priority.typed(typedInto);
    vi.advanceTimersByTime(80);
    expect(priority.mayFeed(other)).toBe(false);
    vi.advanceTimersByTime(20);
    expect(priority.mayFeed(other)).toBe(true);
  });

  it("two terminals typed into at once both feed (neither holds the other); a third holds until both are done", () => {
    const priority = new EchoPriority(100);
    const a = {};
    const b = {};
    const c = {};
    priority.typed(a);
    priority.typed(b);
    expect(priority.mayFeed(a)).toBe(true);
    expect(priority.mayFeed(b)).toBe(true);
    expect(priority.mayFeed(c)).toBe(false);
    priority.release(a);
    expect(priority.mayFeed(c)).toBe(false);
    priority.release(b);
    expect(priority.mayFeed(c)).toBe(true);
  });

  it("releasing a terminal that does not wait changes nothing and tells nobody", () => {
    const priority = new EchoPriority(100);
    const listener = vi.fn();
    priority.onRelease(listener);
    priority.release({});
    expect(listener).not.toHaveBeenCalled();
  });
});
