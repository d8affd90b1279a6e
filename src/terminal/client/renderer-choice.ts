import { z } from "zod";

/**
 * Which renderer this browser wants for its terminals. A browser setting, not a server one: the
 * right choice depends on the device's GPU. The key and its values are a contract (the browser
 * bench sets them before a page loads to measure both renderers; docs/rendering.md).
 */
export const RENDERER_STORAGE_KEY = "ai-manager.terminal-renderer";

export const rendererChoiceSchema = z.enum(["auto", "webgl", "dom"]);
export type RendererChoice = z.infer<typeof rendererChoiceSchema>;

/**
 * `auto`: WebGL where a GPU draws it, DOM where the browser's WebGL is a software rasterizer
 * (SwiftShader, llvmpipe…), which draws on the same CPU cores the page and the agents need
 * (measured in BENCHMARKS.md: slower than DOM there). `webgl` uses WebGL whatever draws it; both
 * fall back to DOM by themselves where WebGL does not work.
 */
export const DEFAULT_RENDERER_CHOICE: RendererChoice = "auto";

/** How browsers name a WebGL implementation that rasterizes on the CPU. */
const SOFTWARE_RASTERIZER = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

export function isSoftwareRenderer(gpu: string | null): boolean {
  return gpu !== null && SOFTWARE_RASTERIZER.test(gpu);
}

/** Same-page listeners (the `storage` event only reaches the other tabs). */
const listeners = new Set<(choice: RendererChoice) => void>();

export function readRendererChoice(): RendererChoice {
  let stored: string | null = null;
  try {
    stored = window.localStorage.getItem(RENDERER_STORAGE_KEY);
  } catch {
    // Storage blocked (a privacy mode): the default.
  }
  const parsed = rendererChoiceSchema.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_RENDERER_CHOICE;
}

/** Stores the choice and applies it to this tab's terminals at once (other tabs via `storage`). */
export function writeRendererChoice(choice: RendererChoice): void {
  try {
    window.localStorage.setItem(RENDERER_STORAGE_KEY, choice);
  } catch {
    // Not stored: still applied to this page.
  }
  for (const listener of [...listeners]) listener(choice);
}

/** Called with the new choice whenever it changes, in this tab or another; returns the unsubscribe. */
export function onRendererChoiceChange(listener: (choice: RendererChoice) => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === RENDERER_STORAGE_KEY || event.key === null) listener(readRendererChoice());
  };
  listeners.add(listener);
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export interface WebglSupport {
  available: boolean;
  /** The GPU (or software rasterizer) as the browser names it, when it tells. */
  gpu: string | null;
}

/**
 * Whether this browser can make a WebGL2 context, and on what. Makes one throwaway context and
 * releases it at once (each live context counts against the page's limit).
 */
export function detectWebgl(): WebglSupport {
  return (detected ??= probeWebgl());
}

/** One probe per page: what the browser offers does not change while it is open. */
let detected: WebglSupport | undefined;

function probeWebgl(): WebglSupport {
  const canvas = document.createElement("canvas");
  let gl: WebGL2RenderingContext | null = null;
  try {
    gl = canvas.getContext("webgl2");
  } catch {
    gl = null;
  }
  if (!gl) return { available: false, gpu: null };
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  const raw: unknown = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  gl.getExtension("WEBGL_lose_context")?.loseContext();
  return { available: true, gpu: typeof raw === "string" && raw !== "" ? raw : null };
}
