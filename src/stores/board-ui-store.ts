import { create } from "zustand";

/**
 * Client-only UI state of the board: the filter text (kept when you open a task and come back)
 * and whether the "New task" dialog is open (opened from the header and from the empty state).
 */
interface BoardUiState {
  filter: string;
  newTaskOpen: boolean;
  setFilter: (filter: string) => void;
  openNewTask: () => void;
  closeNewTask: () => void;
}

export const useBoardUi = create<BoardUiState>()((set) => ({
  filter: "",
  newTaskOpen: false,
  setFilter: (filter) => set({ filter }),
  openNewTask: () => set({ newTaskOpen: true }),
  closeNewTask: () => set({ newTaskOpen: false }),
}));
