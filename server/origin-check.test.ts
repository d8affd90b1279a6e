import { describe, expect, it } from "vitest";
import { allowedHosts, originAllowed } from "./origin-check";

describe("allowedHosts", () => {
  it("adds this machine's interface addresses (IP literals only) when listening on a wildcard", () => {
    const hosts = allowedHosts("0.0.0.0", 3000, { interfaceAddresses: () => ["127.0.0.1", "192.168.1.5", "fd00::5"] });
    expect([...hosts].sort()).toEqual(["0.0.0.0:3000", "127.0.0.1:3000", "192.168.1.5:3000", "[::1]:3000", "[fd00::5]:3000", "localhost:3000"]);
    expect(allowedHosts("192.168.1.5", 3000, { interfaceAddresses: () => ["10.0.0.1"] }).has("10.0.0.1:3000")).toBe(false);
  });

  it("accepts only origins of the server's own scheme", () => {
    const tls = allowedHosts("192.168.1.5", 3000, { scheme: "https:" });
    expect(originAllowed({ headers: { origin: "https://192.168.1.5:3000" } }, tls)).toBe(true);
    expect(originAllowed({ headers: { origin: "http://192.168.1.5:3000" } }, tls)).toBe(false);
    const plain = allowedHosts("127.0.0.1", 3000);
    expect(originAllowed({ headers: { origin: "http://127.0.0.1:3000" } }, plain)).toBe(true);
    expect(originAllowed({ headers: { origin: "https://127.0.0.1:3000" } }, plain)).toBe(false);
  });
});
