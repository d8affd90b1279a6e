import { formatDuration } from "./time";

const UNITS = ["bytes", "KB", "MB", "GB", "TB"] as const;

/** "100 MB", "1.5 GB" (binary multiples, as the settings define them). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = value >= 10 || unit === 0 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded.toLocaleString("en-US")} ${UNITS[unit]}`;
}

/** A human reading of a setting's raw number, e.g. 7200000 ms → "2 h"; undefined when it adds nothing. */
export function describeQuantity(value: number, unit: string): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (unit === "ms") return formatDuration(value);
  if (unit === "bytes") return formatBytes(value);
  return undefined;
}
