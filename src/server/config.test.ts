import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, isLoopbackAddress, loadConfig } from "./config";

/** An environment as the process would have it (NODE_ENV is always set under vitest). */
const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ NODE_ENV: "test", ...vars });

describe("loadConfig: remote access", () => {
  it("refuses AI_MANAGER_AUTH=none on any address other machines could reach", () => {
    for (const HOST of ["0.0.0.0", "::", "192.168.1.5", "my-box.local"]) {
      expect(() => loadConfig(env({ HOST, AI_MANAGER_AUTH: "none" })), HOST).toThrow(ConfigError);
      expect(() => loadConfig(env({ HOST, AI_MANAGER_AUTH: "none" }))).toThrow(/sign-in stays on/);
    }
    for (const HOST of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) {
      expect(loadConfig(env({ HOST, AI_MANAGER_AUTH: "none" })).auth, HOST).toBe("none");
    }
  });

  it("takes both TLS files or neither, resolved against the working directory", () => {
    expect(() => loadConfig(env({ AI_MANAGER_TLS_CERT: "c.pem" }))).toThrow(/AI_MANAGER_TLS_KEY is not set/);
    expect(() => loadConfig(env({ AI_MANAGER_TLS_KEY: "k.pem" }))).toThrow(/AI_MANAGER_TLS_CERT is not set/);
    expect(loadConfig(env({}), "/srv").tls).toBeUndefined();
    expect(loadConfig(env({ AI_MANAGER_TLS_CERT: "c.pem", AI_MANAGER_TLS_KEY: "/etc/k.pem" }), "/srv").tls).toEqual({
      certFile: path.join("/srv", "c.pem"),
      keyFile: "/etc/k.pem",
    });
  });

  it("knows the loopback names", () => {
    expect(["localhost", "127.0.0.1", "::1", "::ffff:127.0.0.1"].every(isLoopbackAddress)).toBe(true);
    expect(["0.0.0.0", "::", "10.0.0.1", "localhost.evil.example"].some(isLoopbackAddress)).toBe(false);
  });
});
