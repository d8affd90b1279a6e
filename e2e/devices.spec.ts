import { expect, test } from "./fixtures/test";

test.describe("Settings → Other devices", () => {
  test("shows the sign-in QR code and this device; revoking another device signs only that one out", async ({ page, browser, app }) => {
    await page.goto(`${app.baseURL}/settings`);
    const panel = page.getByRole("region", { name: "Other devices" });
    await expect(panel.getByRole("img", { name: "QR code of the sign-in URL" })).toBeVisible();
    await expect(panel.getByTestId("sign-in-qr").locator("svg")).toBeVisible();
    await expect(panel.getByRole("note")).toContainText("contain the access token");
    const devices = panel.getByRole("list", { name: "Signed-in devices" });
    const mine = devices.getByRole("listitem").filter({ hasText: "This device" });
    await expect(mine).toHaveCount(1);

    // A second browser signs in with the URL from Settings (what scanning the code opens).
    const url = await panel.getByTestId("sign-in-url").first().textContent();
    expect(url).toContain("/?token=");
    const phone = await browser.newContext({ userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36" });
    const phonePage = await phone.newPage();
    await phonePage.goto(url!);
    await expect(phonePage.getByRole("heading", { level: 1, name: "Board" })).toBeVisible();

    await page.reload();
    const other = devices.getByRole("listitem").filter({ hasText: "Chrome on Android" });
    await expect(other).toHaveCount(1);
    await other.getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke this device?" });
    await expect(dialog).toContainText("Other devices stay signed in");
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await expect(other).toHaveCount(0);
    await expect(mine).toHaveCount(1);

    // The phone's next request asks for the token again; this browser keeps working.
    const refused = await phonePage.reload();
    expect(refused?.status()).toBe(401);
    await expect(phonePage.getByRole("heading", { name: "AI Manager needs its access token" })).toBeVisible();
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    await phone.close();
  });
});
