import fs from "node:fs";
import path from "node:path";
import WebSocket from "ws";
import { expect, test } from "./fixtures/test";

test.describe("people need the access token", () => {
  test("without the session cookie every page asks for the token; the login URL signs in", async ({ browser, app }) => {
    expect(app.loginURL, "npm start prints a login URL").toMatch(/\/\?token=[A-Za-z0-9_-]{32,}$/);
    const stranger = await browser.newContext();
    const page = await stranger.newPage();

    const response = await page.goto(`${app.baseURL}/settings`);
    expect(response?.status()).toBe(401);
    await expect(page.getByRole("heading", { name: "AI Manager needs its access token" })).toBeVisible();

    // A wrong token is refused and says so.
    await page.getByLabel("Access token").fill("not-the-token-at-all-0000000000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("That token is not this server's access token.");

    // The right one (pasted from data/access-token) signs in, and the token leaves the URL.
    const token = fs.readFileSync(path.join(app.dataDir, "access-token"), "utf8").trim();
    await page.getByLabel("Access token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Board" })).toBeVisible();
    expect(page.url()).not.toContain("token=");
    const cookie = (await stranger.cookies()).find((c) => c.name === "aim_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    await stranger.close();
  });

  test("server actions, recordings and sockets refuse requests without the cookie", async ({ app }) => {
    const action = await fetch(`${app.baseURL}/`, { method: "POST", headers: { "next-action": "0".repeat(42), "content-type": "text/plain" }, body: "[]" });
    expect(action.status).toBe(401);
    const recording = await fetch(`${app.baseURL}/api/executions/abc/recording`);
    expect(recording.status).toBe(401);
    expect(await recording.json()).toMatchObject({ ok: false, error: { code: "unauthorized:session" } });

    const origin = app.baseURL;
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${origin.replace("http", "ws")}/ws/events`, { origin });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => reject(new Error("a socket without the cookie was accepted")));
      ws.on("error", () => undefined);
    });
    expect(status).toBe(401);
    // The health check stays open for scripts.
    expect((await fetch(`${app.baseURL}/api/health`)).status).toBe(200);
  });
});
