import type { WebglAddon } from "@xterm/addon-webgl";
import type { Terminal as Xterm } from "@xterm/xterm";
import { detectWebgl, isSoftwareRenderer, onRendererChoiceChange, readRendererChoice, type RendererChoice } from "./renderer-choice";

/**
 * Which renderer draws each xterm in the page: the WebGL addon where it can, xterm's DOM renderer
 * otherwise. Shared by the task page terminal, the Missions tiles and the recordings' replay
 * (docs/rendering.md). The WebGL addon is loaded after `term.open()` (it needs the terminal's
 * element) and can be disposed at any time: xterm then draws with its DOM renderer again, with the
 * same buffer, so a fallback never loses what the terminal shows.
 */

export type RendererKind = "webgl" | "dom";

/** Why a terminal is on the DOM renderer (the `data-renderer-reason` attribute); "" on WebGL. */
export type DomReason = "" | "pending" | "chosen" | "software" | "unavailable" | "context-lost" | "budget";

/**
 * WebGL terminals per page. Chromium keeps 16 live WebGL contexts per page and silently loses the
 * oldest beyond that; staying at 12 leaves room for the page's other contexts (a canvas probe, an
 * extension) so that no terminal's context is lost to the limit.
 */
export const WEBGL_TERMINAL_BUDGET = 12;

/** Focused beats on screen beats out of sight, when there are more terminals than contexts. */
const PRIORITY_FOCUSED = 2;
const PRIORITY_VISIBLE = 1;
const PRIORITY_HIDDEN = 0;

type WebglModule = typeof import("@xterm/addon-webgl");
let webglModule: Promise<WebglModule> | undefined;
/** Set once a context could not be created: no other terminal of the page tries again. */
let webglUnavailable = false;
let nextOrder = 0;

/** One terminal's renderer: it asks the page's budget for a WebGL slot and falls back to DOM. */
export class TerminalRenderer {
  private addon: WebglAddon | undefined;
  /** The addon's canvas, to release its context when the addon goes (disposing it does not). */
  private canvas: HTMLCanvasElement | undefined;
  private loading = false;
  private reason: DomReason = "pending";
  /** This terminal's WebGL context was lost (or could not be made): DOM for the rest of its life. */
  private failed: "unavailable" | "context-lost" | undefined;
  private wanted = false;
  private visible = true;
  private focused = false;
  private disposed = false;
  /** For a stable order among equals: the older terminal keeps its slot. */
  readonly order = nextOrder++;
  private readonly observer: IntersectionObserver;

  constructor(
    private readonly term: Xterm,
    /** Carries `data-renderer` (and `data-renderer-reason`): what draws the terminal now. */
    private readonly element: HTMLElement,
  ) {
    this.observer = new IntersectionObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (!entry || entry.isIntersecting === this.visible) return;
      this.visible = entry.isIntersecting;
      budget.schedule();
    });
    this.observer.observe(element);
    element.addEventListener("focusin", this.onFocus);
    element.addEventListener("focusout", this.onBlur);
    this.show();
    budget.add(this);
  }

  get kind(): RendererKind {
    return this.addon ? "webgl" : "dom";
  }

  get priority(): number {
    if (this.focused) return PRIORITY_FOCUSED;
    return this.visible ? PRIORITY_VISIBLE : PRIORITY_HIDDEN;
  }

  /** Whether this terminal can take WebGL at all (else it is not counted for a slot). */
  get eligible(): boolean {
    return !this.failed && !webglUnavailable;
  }

  get holdsSlot(): boolean {
    return this.addon !== undefined || this.loading;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    budget.remove(this);
    this.observer.disconnect();
    this.element.removeEventListener("focusin", this.onFocus);
    this.element.removeEventListener("focusout", this.onBlur);
    this.release();
    delete this.element.dataset.renderer;
    delete this.element.dataset.rendererReason;
  }

  /** The budget's decision: WebGL (when it can) or DOM for `reason`. */
  assign(webgl: boolean, reason: DomReason): void {
    this.wanted = webgl;
    if (webgl) {
      if (this.addon || this.loading) return;
      this.reason = "pending";
      this.show();
      void this.load();
      return;
    }
    this.reason = reason;
    if (this.addon) this.drop();
    else this.show();
  }

  private async load(): Promise<void> {
    this.loading = true;
    const addon = await this.createAddon();
    this.loading = false;
    if (!addon) {
      // Not wanted any more (the budget changed its mind while the chunk loaded), or it failed.
      this.show();
      if (!this.disposed) budget.schedule();
      return;
    }
    this.addon = addon;
    addon.onContextLoss(() => {
      // The GPU process restarted, the driver reset, or the page went past the browser's limit:
      // this terminal goes on with the DOM renderer (its buffer is untouched) and frees its slot.
      this.failed = "context-lost";
      this.drop();
      budget.contextLost();
    });
    this.show();
  }

  private async createAddon(): Promise<WebglAddon | undefined> {
    let addon: WebglAddon | undefined;
    try {
      const { WebglAddon } = await (webglModule ??= import("@xterm/addon-webgl"));
      if (this.disposed || !this.wanted) return undefined;
      addon = new WebglAddon();
      const before = new Set(this.element.querySelectorAll("canvas"));
      this.term.loadAddon(addon);
      this.canvas = [...this.element.querySelectorAll("canvas")].find((canvas) => !before.has(canvas));
      return addon;
    } catch {
      // No WebGL2 (a blocked GPU, `--disable-webgl`) or the chunk could not load: DOM, for the page.
      addon?.dispose();
      this.canvas = undefined;
      webglUnavailable = true;
      this.failed = "unavailable";
      return undefined;
    }
  }

  private drop(): void {
    this.release();
    this.show();
  }

  /**
   * Disposes the addon (xterm goes back to its DOM renderer) and loses its context at once: a
   * disposed addon's context would otherwise count against the browser's limit until collected,
   * and a slot handed on could then push out another terminal's.
   */
  private release(): void {
    const { addon, canvas } = this;
    this.addon = undefined;
    this.canvas = undefined;
    addon?.dispose();
    canvas?.getContext("webgl2")?.getExtension("WEBGL_lose_context")?.loseContext();
  }

  private show(): void {
    if (this.disposed) return;
    const kind = this.kind;
    const reason = kind === "webgl" ? "" : this.failed ?? this.reason;
    this.element.dataset.renderer = kind;
    if (reason) this.element.dataset.rendererReason = reason;
    else delete this.element.dataset.rendererReason;
  }

  private readonly onFocus = () => {
    this.focused = true;
    budget.schedule();
  };

  private readonly onBlur = (event: FocusEvent) => {
    if (event.relatedTarget instanceof Node && this.element.contains(event.relatedTarget)) return;
    this.focused = false;
    budget.schedule();
  };
}

/**
 * The page's WebGL slots. Terminals that can use WebGL are ranked focused, then on screen, then
 * out of sight; among equals one that already holds a slot keeps it (no flicker), then the older.
 * The first WEBGL_TERMINAL_BUDGET get WebGL, the rest draw with DOM until a slot frees (a terminal
 * closed, lost its context, or scrolled away while another came into view).
 */
class WebglBudget {
  private readonly members = new Set<TerminalRenderer>();
  /** Lowered when the browser takes a context back (see contextLost); back to the budget on a fresh page. */
  private limit = WEBGL_TERMINAL_BUDGET;
  private choice: RendererChoice | undefined;
  private scheduled = false;
  private offChoice: (() => void) | undefined;

  add(member: TerminalRenderer): void {
    if (this.members.size === 0) {
      this.choice = readRendererChoice();
      this.offChoice = onRendererChoiceChange((choice) => {
        this.choice = choice;
        this.schedule();
      });
    }
    this.members.add(member);
    this.schedule();
  }

  remove(member: TerminalRenderer): void {
    this.members.delete(member);
    if (this.members.size === 0) {
      this.offChoice?.();
      this.offChoice = undefined;
      this.choice = undefined;
      // Every terminal is gone (a client navigation to a page without one): the next start afresh.
      this.limit = WEBGL_TERMINAL_BUDGET;
    }
    this.schedule();
  }

  /**
   * A terminal's context was lost. Whether the browser went past its own limit (other canvases in
   * the page, another tab sharing the process) or the GPU reset, making a new context for another
   * terminal would only push out the next oldest one: the page keeps the contexts it still has and
   * hands out no more than that from now on.
   */
  contextLost(): void {
    const live = [...this.members].filter((member) => member.holdsSlot).length;
    this.limit = Math.min(this.limit, live);
    this.schedule();
  }

  /** Rebalance once after the current task: focus, visibility and closing often come in bursts. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.rebalance();
    });
  }

  private rebalance(): void {
    const members = [...this.members];
    if (this.choice === "dom") {
      for (const member of members) member.assign(false, "chosen");
      return;
    }
    if (this.choice === "auto" && isSoftwareRenderer(detectWebgl().gpu)) {
      for (const member of members) member.assign(false, "software");
      return;
    }
    const ranked = members
      .filter((member) => member.eligible)
      .sort((a, b) => b.priority - a.priority || Number(b.holdsSlot) - Number(a.holdsSlot) || a.order - b.order);
    // Give up slots first, so that the context of the terminal that loses one is gone before the next is made.
    ranked.slice(this.limit).forEach((member) => member.assign(false, "budget"));
    ranked.slice(0, this.limit).forEach((member) => member.assign(true, ""));
    for (const member of members) if (!member.eligible) member.assign(false, "unavailable");
  }
}

const budget = new WebglBudget();
