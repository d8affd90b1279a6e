import type { MissionSession } from "@/lib/view-models";

/**
 * Missions' filters and ordering, pure. "Running" and "Ended" are about the process; "Needs input"
 * and "Review" are about what the agent (or a person) said about the task.
 */

export const MISSION_FILTERS = ["all", "running", "needs_input", "review", "ended"] as const;
export type MissionFilter = (typeof MISSION_FILTERS)[number];

export const MISSION_FILTER_LABELS: Record<MissionFilter, string> = {
  all: "All",
  running: "Running",
  needs_input: "Needs input",
  review: "Review",
  ended: "Ended",
};

export function matchesFilter(mission: MissionSession, filter: MissionFilter): boolean {
  switch (filter) {
    case "all":
      return true;
    case "running":
      return mission.running;
    case "ended":
      return !mission.running;
    case "needs_input":
    case "review":
      return mission.taskStatus === filter;
  }
}

/** Case-insensitive match on the title and the working directory; every word must match. */
export function matchesText(mission: MissionSession, text: string): boolean {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = `${mission.title}\n${mission.cwd}\n${mission.profileName ?? ""}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export function countByFilter(missions: readonly MissionSession[]): Record<MissionFilter, number> {
  const counts = Object.fromEntries(MISSION_FILTERS.map((f) => [f, 0])) as Record<MissionFilter, number>;
  for (const mission of missions) for (const filter of MISSION_FILTERS) if (matchesFilter(mission, filter)) counts[filter] += 1;
  return counts;
}

/**
 * Live tiles in start order (oldest first) so tiles never jump around while you watch them;
 * ended sessions most recent first.
 */
export function splitMissions(missions: readonly MissionSession[]): { live: MissionSession[]; ended: MissionSession[] } {
  const live = missions.filter((m) => m.running).sort((a, b) => a.startedAt - b.startedAt || a.taskId.localeCompare(b.taskId));
  const ended = missions.filter((m) => !m.running).sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0) || a.taskId.localeCompare(b.taskId));
  return { live, ended };
}
