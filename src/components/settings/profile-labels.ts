import type { ProfileKind, PromptDelivery } from "@/lib/domain";

export const KIND_LABELS: Record<ProfileKind, string> = {
  claude: "Claude Code",
  codex: "Codex CLI",
  gemini: "Gemini CLI",
  opencode: "opencode",
  aider: "Aider",
  shell: "Shell",
  custom: "Custom CLI",
};

export const DELIVERY_LABELS: Record<PromptDelivery, string> = {
  args: "As an argument ({prompt} in the arguments)",
  type: "Typed into the terminal once it starts",
};

/** A shell-like preview of what a profile runs, e.g. `claude {prompt}`. */
export function commandPreview(command: string, args: readonly string[]): string {
  const quote = (part: string) => (/^[A-Za-z0-9_./:=@%+{}-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`);
  return [command, ...args].map(quote).join(" ");
}
