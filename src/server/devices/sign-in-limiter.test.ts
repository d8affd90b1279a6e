import { describe, expect, it } from "vitest";
import { SignInLimiter } from "./sign-in-limiter";

describe("SignInLimiter", () => {
  const options = { windowMs: 60_000, maxPerIp: 3, maxGlobal: 5 };

  it("refuses an address after its failures fill the window, and lets it in again as they expire", () => {
    const limiter = new SignInLimiter(options);
    for (let i = 0; i < 3; i++) {
      expect(limiter.check("10.0.0.2", 1_000 + i)).toEqual({ allowed: true });
      limiter.recordFailure("10.0.0.2", 1_000 + i);
    }
    expect(limiter.check("10.0.0.2", 2_000)).toEqual({ allowed: false, scope: "address", retryAfterSeconds: 59 });
    expect(limiter.check("10.0.0.3", 2_000)).toEqual({ allowed: true });
    // The first failure leaves the window: one more attempt is allowed.
    expect(limiter.check("10.0.0.2", 61_001)).toEqual({ allowed: true });
  });

  it("refuses every address once the server-wide limit is reached", () => {
    const limiter = new SignInLimiter(options);
    for (let i = 0; i < 5; i++) limiter.recordFailure(`10.0.1.${i}`, 1_000);
    expect(limiter.check("10.0.2.1", 1_500)).toMatchObject({ allowed: false, scope: "server" });
    expect(limiter.check("10.0.2.1", 61_001)).toEqual({ allowed: true });
  });

  it("forgets an address's typos after a right token", () => {
    const limiter = new SignInLimiter(options);
    for (let i = 0; i < 3; i++) limiter.recordFailure("10.0.0.2", 1_000);
    limiter.recordSuccess("10.0.0.2");
    expect(limiter.check("10.0.0.2", 1_001)).toEqual({ allowed: true });
  });
});
