import { create } from "zustand";
import type { MissionFilter } from "@/lib/missions/mission-filter";

/**
 * Missions' client-only state, kept across navigation: the filters, which tile is expanded, and
 * which ended sessions the person dismissed (by execution id — a new run of the same task shows
 * up again).
 */
interface MissionsUiState {
  filter: MissionFilter;
  text: string;
  expanded: string | null;
  dismissed: ReadonlySet<string>;
  setFilter: (filter: MissionFilter) => void;
  setText: (text: string) => void;
  setExpanded: (taskId: string | null) => void;
  dismiss: (executionIds: readonly string[]) => void;
}

export const useMissionsUi = create<MissionsUiState>()((set) => ({
  filter: "all",
  text: "",
  expanded: null,
  dismissed: new Set(),
  setFilter: (filter) => set({ filter }),
  setText: (text) => set({ text }),
  setExpanded: (expanded) => set({ expanded }),
  dismiss: (executionIds) => set((state) => ({ dismissed: new Set([...state.dismissed, ...executionIds]) })),
}));
