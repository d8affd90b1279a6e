import { z } from "zod";
import { ISOLATION_MODES, type IsolationMode } from "../workspace/types";

/**
 * Every setting, its type, range and default. Shared by the settings service (validation on
 * read and write) and the settings page (labels, hints, input bounds). Client-safe.
 */
interface IntegerSetting {
  label: string;
  hint: string;
  unit: string;
  min: number;
  max: number;
  defaultValue: number;
}

/** How a task terminal's programs share the CPU with this app (see docs/terminal-host.md, "CPU priority"). */
export const TERMINAL_CPU_PRIORITIES = ["background", "normal"] as const;
export type TerminalCpuPriority = (typeof TERMINAL_CPU_PRIORITIES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MB = 1024 * 1024;

export const SETTING_DEFINITIONS = {
  "system.maxConcurrentExecutions": {
    label: "Max concurrent executions",
    hint: "How many task terminals may run at once. A start beyond this fails and says so.",
    unit: "sessions",
    min: 1,
    max: 500,
    defaultValue: 20,
  },
  "terminal.keepaliveRunningMs": {
    label: "Keep a running session without viewers for",
    hint: "A running session nobody watches is stopped this long after its last viewer left.",
    unit: "ms",
    min: 1_000,
    max: 7 * 24 * HOUR,
    defaultValue: 2 * HOUR,
  },
  "terminal.keepaliveExitedMs": {
    label: "Keep an exited session for",
    hint: "After its process exits, a session's screen and buffer stay live this long.",
    unit: "ms",
    min: 1_000,
    max: 24 * HOUR,
    defaultValue: 5 * MINUTE,
  },
  "terminal.scrollbackLines": {
    label: "Scrollback lines",
    hint: "Lines of output kept in memory per session for the buffer API and the screen mirror.",
    unit: "lines",
    min: 100,
    max: 100_000,
    defaultValue: 10_000,
  },
  "terminal.recordingMaxBytes": {
    label: "Recording size cap",
    hint: "Each execution's recording on disk stops growing at this size and says it was cut.",
    unit: "bytes",
    min: 1 * MB,
    max: 10 * 1024 * MB,
    defaultValue: 100 * MB,
  },
} as const satisfies Record<string, IntegerSetting>;

/** Settings whose value is one of a few named options (shown as a select). */
interface ChoiceSetting<T extends string> {
  label: string;
  hint: string;
  options: readonly T[];
  optionLabels: Record<T, string>;
  defaultValue: T;
}

export const CHOICE_SETTING_DEFINITIONS = {
  "workspace.isolation": {
    label: "Default isolation",
    hint: "For tasks that do not choose: worktree gives a task whose directory is in a git repository its own branch and worktree at its first start; none runs it in its directory as is.",
    options: ISOLATION_MODES,
    optionLabels: { worktree: "Own git worktree and branch", none: "None: run in the task's directory" },
    defaultValue: "worktree",
  } satisfies ChoiceSetting<IsolationMode>,
  "terminal.cpuPriority": {
    label: "CPU priority of task terminals",
    hint: "Background: a task's programs (agents, their builds, runaway loops) get the CPU after this app, so the page and your keys stay quick when every core is busy; they still use all idle CPU. Applies to terminals started after the change.",
    options: TERMINAL_CPU_PRIORITIES,
    optionLabels: { background: "Background (recommended)", normal: "Normal, like your own shells" },
    defaultValue: "background",
  } satisfies ChoiceSetting<TerminalCpuPriority>,
} as const;

/** The whole-number settings (the ones with a range and a unit). */
export type SettingKey = keyof typeof SETTING_DEFINITIONS;
export type ChoiceSettingKey = keyof typeof CHOICE_SETTING_DEFINITIONS;
export type AnySettingKey = SettingKey | ChoiceSettingKey;
export type Settings = { [K in SettingKey]: number } & { "workspace.isolation": IsolationMode; "terminal.cpuPriority": TerminalCpuPriority };

export const SETTING_KEYS = Object.keys(SETTING_DEFINITIONS) as SettingKey[];
export const CHOICE_SETTING_KEYS = Object.keys(CHOICE_SETTING_DEFINITIONS) as ChoiceSettingKey[];
export const ALL_SETTING_KEYS: AnySettingKey[] = [...SETTING_KEYS, ...CHOICE_SETTING_KEYS];

export function isIntegerSettingKey(key: string): key is SettingKey {
  return Object.prototype.hasOwnProperty.call(SETTING_DEFINITIONS, key);
}

export function isChoiceSettingKey(key: string): key is ChoiceSettingKey {
  return Object.prototype.hasOwnProperty.call(CHOICE_SETTING_DEFINITIONS, key);
}

export function isSettingKey(key: string): key is AnySettingKey {
  return isIntegerSettingKey(key) || isChoiceSettingKey(key);
}

export function settingLabel(key: AnySettingKey): string {
  return isChoiceSettingKey(key) ? CHOICE_SETTING_DEFINITIONS[key].label : SETTING_DEFINITIONS[key].label;
}

export function settingSchema(key: AnySettingKey): z.ZodType<Settings[AnySettingKey]> {
  if (isChoiceSettingKey(key)) {
    const def = CHOICE_SETTING_DEFINITIONS[key];
    return z.enum(def.options, { error: `must be one of ${def.options.join(", ")}` });
  }
  const def: IntegerSetting = SETTING_DEFINITIONS[key];
  return z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(def.min, `must be at least ${def.min.toLocaleString("en-US")}`)
    .max(def.max, `must be at most ${def.max.toLocaleString("en-US")}`);
}

export function defaultSettings(): Settings {
  const out = {} as Record<AnySettingKey, unknown>;
  for (const key of SETTING_KEYS) out[key] = SETTING_DEFINITIONS[key].defaultValue;
  for (const key of CHOICE_SETTING_KEYS) out[key] = CHOICE_SETTING_DEFINITIONS[key].defaultValue;
  return out as Settings;
}
