import { expect, type Locator, type Page } from "@playwright/test";
import { TerminalScreen } from "./terminal-screen";

/** The live terminal on a task page (or a Missions tile): its controls and what it shows. */
export class TerminalPanel {
  readonly region: Locator;
  readonly screen: Locator;
  /** What the xterm shows, on either renderer (read through its probe). */
  readonly text: TerminalScreen;
  readonly connection: Locator;
  readonly startButton: Locator;
  readonly stopButton: Locator;
  readonly resumeButton: Locator;
  readonly promptInput: Locator;
  readonly exitInfo: Locator;

  constructor(
    readonly page: Page,
    scope?: Locator,
  ) {
    this.region = scope ?? page.getByRole("region", { name: "Terminal" });
    this.screen = this.region.getByTestId("terminal-screen");
    this.text = new TerminalScreen(this.screen);
    this.connection = this.region.getByRole("status", { name: "Terminal connection" });
    this.startButton = this.region.getByRole("button", { name: "Start", exact: true });
    this.stopButton = this.region.getByRole("button", { name: "Stop", exact: true });
    this.resumeButton = this.region.getByRole("button", { name: "Resume", exact: true });
    this.promptInput = this.region.getByLabel(/^Prompt for/);
    this.exitInfo = this.region.getByTestId("terminal-exit");
  }

  async start(prompt?: string): Promise<void> {
    if (prompt !== undefined) await this.promptInput.fill(prompt);
    await this.startButton.click();
    await this.waitLive();
  }

  /**
   * Starts a new run on a terminal that shows an ended one: its connection already says "Live"
   * (to the old run), so wait until the new run is the one shown (Stop appears) before typing.
   */
  async startAgain(prompt?: string): Promise<void> {
    if (prompt !== undefined) await this.promptInput.fill(prompt);
    await this.startButton.click();
    await expect(this.stopButton).toBeVisible();
    await this.waitLive();
  }

  async waitLive(): Promise<void> {
    await expect(this.connection).toHaveText("Live");
  }

  /** Focuses the terminal and types like a person, Enter included when the text ends with \n. */
  async type(text: string): Promise<void> {
    await this.screen.click();
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]) await this.page.keyboard.type(lines[i]!);
      if (i < lines.length - 1) await this.page.keyboard.press("Enter");
    }
  }

  async expectText(text: string | RegExp): Promise<void> {
    await this.text.expectText(text);
  }

  async expectNoText(text: string | RegExp): Promise<void> {
    await this.text.expectNoText(text);
  }
}
