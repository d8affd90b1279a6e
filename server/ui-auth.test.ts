import fs from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceStore } from "../src/server/devices/device-store";
import { SignInLimiter } from "../src/server/devices/sign-in-limiter";
import { createLogger } from "../src/server/logger";
import { createUiAuth, SESSION_COOKIE } from "./ui-auth";

/**
 * Device sessions decide who a request is (docs/security.md): only the exact secret of a device
 * that was not revoked is a session. Fuzzed with near misses of real secrets and hostile Cookie
 * headers; the path side of the decision is fuzzed in request-path.test.ts and access-fuzz.
 */

const TOKEN = "x".repeat(43);
const request = (cookie: string | undefined) =>
  ({ headers: cookie === undefined ? {} : { cookie }, socket: { remoteAddress: "10.0.0.2" } }) as unknown as http.IncomingMessage;

// Made when the tests run, not when they are collected (a `vitest list` runs no afterAll).
let dir: string;
let auth: ReturnType<typeof createUiAuth>;
let live: string;
let revoked: ReturnType<DeviceStore["create"]>;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-ui-auth-"));
  const devices = new DeviceStore(dir, TOKEN);
  auth = createUiAuth({ mode: "token", accessToken: TOKEN, devices, limiter: new SignInLimiter(), secure: false, logger: createLogger("silent") });
  live = devices.create({ userAgent: "a", ip: "1" }).secret;
  revoked = devices.create({ userAgent: "b", ip: "1" });
  devices.revoke(revoked.device.id);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("device sessions", () => {
  it("accept exactly a live device's secret", () => {
    expect(auth.session(request(`${SESSION_COOKIE}=${live}`))?.device?.userAgent).toBe("a");
    expect(auth.session(request(`theme=dark; ${SESSION_COOKIE}=${live}`))).toBeDefined();
    expect(auth.session(request(`${SESSION_COOKIE}=${revoked.secret}`))).toBeUndefined();
    expect(auth.session(request(undefined))).toBeUndefined();
    // The access token itself is not a cookie.
    expect(auth.session(request(`${SESSION_COOKIE}=${TOKEN}`))).toBeUndefined();
  });

  it("refuse every near miss and hostile Cookie header", () => {
    const nearMiss = fc.oneof(
      fc.nat({ max: 42 }).map((n) => live.slice(0, n)),
      fc.string({ minLength: 1, maxLength: 3 }).map((s) => `${live}${s}`),
      fc.string({ minLength: 1, maxLength: 3 }).map((s) => `${s}${live}`),
      fc.nat({ max: 42 }).map((i) => `${live.slice(0, i)}${live[i] === "A" ? "B" : "A"}${live.slice(i + 1)}`),
      fc.constant(live.toUpperCase()),
      fc.constant(encodeURIComponent(`${live} `).replace("%20", "%00")),
      fc.constant(revoked.secret),
      fc.string({ maxLength: 60 }),
    );
    const header = fc.tuple(nearMiss, fc.constantFrom(SESSION_COOKIE, `${SESSION_COOKIE} `, SESSION_COOKIE.toUpperCase(), `x${SESSION_COOKIE}`, "")).map(
      ([value, name]) => `${name}=${value}`,
    );
    fc.assert(
      fc.property(header, (cookie) => {
        const session = auth.session(request(cookie));
        // A cookie that parses to exactly the live secret under its exact name is the only way in.
        const exact = cookie.split(";").some((part) => {
          const eq = part.indexOf("=");
          return part.slice(0, eq).trim() === SESSION_COOKIE && part.slice(eq + 1).trim() === live;
        });
        expect(session !== undefined).toBe(exact);
      }),
      { numRuns: 2_000, seed: 16 },
    );
  });
});
