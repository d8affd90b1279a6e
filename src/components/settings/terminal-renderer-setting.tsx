"use client";

import { useEffect, useState } from "react";
import {
  DEFAULT_RENDERER_CHOICE,
  detectWebgl,
  isSoftwareRenderer,
  onRendererChoiceChange,
  readRendererChoice,
  writeRendererChoice,
  type RendererChoice,
  type WebglSupport,
} from "@/terminal/client/renderer-choice";
import { WEBGL_TERMINAL_BUDGET } from "@/terminal/client/terminal-renderer";
import styles from "./settings.module.css";

const OPTIONS: { value: RendererChoice; label: string; hint: string }[] = [
  { value: "auto", label: "Automatic", hint: "WebGL where a GPU draws it; DOM where WebGL is software rendering, which takes the CPU" },
  { value: "webgl", label: "WebGL", hint: "always, even software-rendered; falls back to DOM by itself where WebGL does not work" },
  { value: "dom", label: "DOM", hint: "drawn as page text; for a GPU or driver that draws glyphs badly" },
];

/**
 * The terminal renderer of this browser (stored in the browser: the right one depends on the
 * device's GPU), and what it gives here. Applied at once to every open terminal, in every tab.
 */
export function TerminalRendererSetting() {
  // Read after mount: the server has no localStorage, and the first render must match its HTML.
  const [choice, setChoice] = useState<RendererChoice | null>(null);
  const [support, setSupport] = useState<WebglSupport | null>(null);

  useEffect(() => {
    setChoice(readRendererChoice());
    setSupport(detectWebgl());
    return onRendererChoiceChange(setChoice);
  }, []);

  return (
    <fieldset className="field">
      <legend className="field-label">Terminal renderer</legend>
      {OPTIONS.map((option) => (
        <label key={option.value} className={styles.rendererChoice}>
          <input
            type="radio"
            name="terminal-renderer"
            value={option.value}
            checked={(choice ?? DEFAULT_RENDERER_CHOICE) === option.value}
            disabled={choice === null}
            onChange={() => writeRendererChoice(option.value)}
          />
          <span>
            {option.label} <span className="muted">— {option.hint}</span>
          </span>
        </label>
      ))}
      <p className="muted" role="status" aria-label="Terminal renderer in use" data-testid="renderer-in-use">
        {choice === null || support === null ? "Checking this browser…" : inUse(choice, support)}
      </p>
      <p className="muted">
        Applies at once to the terminals open in this browser. Up to {WEBGL_TERMINAL_BUDGET} terminals per page draw with WebGL
        (the focused and visible ones first); the others draw with DOM until one frees its place.
      </p>
    </fieldset>
  );
}

function inUse(choice: RendererChoice, support: WebglSupport): string {
  if (choice === "dom") return "In use: DOM (chosen for this browser).";
  if (!support.available) return "In use: DOM — WebGL2 is unavailable in this browser.";
  if (choice === "auto" && isSoftwareRenderer(support.gpu)) return `In use: DOM — WebGL here is ${gpuName(support.gpu)}.`;
  return `In use: WebGL (${gpuName(support.gpu)}).`;
}

/** Browsers name the GPU through ANGLE in long strings; the software rasterizer is worth naming plainly. */
function gpuName(gpu: string | null): string {
  if (!gpu) return "GPU not named by the browser";
  if (/swiftshader/i.test(gpu)) return "SwiftShader, software rendering";
  return gpu;
}
