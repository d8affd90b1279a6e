import { describe, expect, it } from "vitest";
import { allowedHosts } from "../origin-check";
import { guardRequest, isLoopbackAddress, type GuardInput } from "./guard";

const TOKEN = "t0ken-abcdefghijklmnopqrstuvwxyz012345";
const hosts = allowedHosts("127.0.0.1", 3000);

function input(overrides: Partial<GuardInput> & { headers?: GuardInput["headers"] } = {}): GuardInput {
  return {
    remoteAddress: "127.0.0.1",
    expectedHosts: hosts,
    token: TOKEN,
    ...overrides,
    headers: { host: "127.0.0.1:3000", authorization: `Bearer ${TOKEN}`, ...overrides.headers },
  };
}

describe("isLoopbackAddress", () => {
  it.each(["127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "::FFFF:127.9.9.9"])("%s is loopback", (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each([undefined, "", "10.0.0.5", "192.168.1.20", "128.0.0.1", "::ffff:10.0.0.1", "fe80::1", "::2", "127.0.0.256", "0.0.0.0", "::", "1127.0.0.1", "localhost"])(
    "%s is not",
    (address) => {
      expect(isLoopbackAddress(address)).toBe(false);
    },
  );
});

describe("guardRequest", () => {
  it("lets a loopback request with the right Host and token through", () => {
    expect(guardRequest(input())).toEqual({ ok: true });
    expect(guardRequest(input({ remoteAddress: "::1", headers: { host: "localhost:3000" } }))).toEqual({ ok: true });
    expect(guardRequest(input({ remoteAddress: "::ffff:127.0.0.1", headers: { host: "[::1]:3000" } }))).toEqual({ ok: true });
  });

  it("refuses a non-loopback socket address with 403, whatever forwarding headers claim", () => {
    for (const remoteAddress of ["10.0.0.5", "192.168.1.20", "::ffff:10.0.0.1", "2001:db8::1", undefined]) {
      const verdict = guardRequest(
        input({
          remoteAddress,
          headers: { "x-forwarded-for": "127.0.0.1", forwarded: "for=127.0.0.1", "x-real-ip": "127.0.0.1" },
        }),
      );
      expect(verdict).toMatchObject({ ok: false, status: 403, code: "forbidden:address" });
    }
  });

  it("does not let forwarding headers turn a loopback caller away either: they are simply not read", () => {
    expect(guardRequest(input({ headers: { "x-forwarded-for": "203.0.113.9" } }))).toEqual({ ok: true });
  });

  it("refuses a Host that is not this server's loopback name and port (DNS rebinding)", () => {
    for (const host of ["evil.example:3000", "127.0.0.1:3001", "127.0.0.1", "localhost", "192.168.1.20:3000"]) {
      expect(guardRequest(input({ headers: { host } }))).toMatchObject({ ok: false, status: 403, code: "forbidden:host" });
    }
    const noHost = input();
    delete noHost.headers.host;
    expect(guardRequest(noHost)).toMatchObject({ ok: false, status: 403, code: "forbidden:host" });
  });

  it("refuses a browser request from another origin", () => {
    expect(guardRequest(input({ headers: { origin: "http://evil.example" } }))).toMatchObject({ status: 403, code: "forbidden:origin" });
    expect(guardRequest(input({ headers: { origin: "http://127.0.0.1:3000" } }))).toEqual({ ok: true });
  });

  it("asks for the bearer token with 401: missing, malformed or wrong", () => {
    const missing = input();
    delete missing.headers.authorization;
    expect(guardRequest(missing)).toMatchObject({ ok: false, status: 401, code: "unauthorized:token" });
    expect(guardRequest(missing)).toMatchObject({ message: expect.stringContaining("Authorization: Bearer") });
    for (const authorization of ["Bearer", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, "Bearer wrong", `${TOKEN}`]) {
      expect(guardRequest(input({ headers: { authorization } }))).toMatchObject({ ok: false, status: 401 });
    }
    expect(guardRequest(input({ headers: { authorization: `bearer ${TOKEN}` } }))).toEqual({ ok: true });
  });

  it("skips the token check for the callback URL (token null) but keeps the address and Host checks", () => {
    const callback = input({ token: null });
    delete callback.headers.authorization;
    expect(guardRequest(callback)).toEqual({ ok: true });
    expect(guardRequest({ ...callback, remoteAddress: "10.1.1.1" })).toMatchObject({ status: 403 });
    expect(guardRequest({ ...callback, headers: { host: "evil:3000" } })).toMatchObject({ status: 403 });
  });
});
