import { create } from "zustand";

/** App-wide UI state: the keyboard-shortcut help dialog (opened by `?` and by the nav button). */
interface AppUiState {
  helpOpen: boolean;
  openHelp: () => void;
  closeHelp: () => void;
}

export const useAppUi = create<AppUiState>()((set) => ({
  helpOpen: false,
  openHelp: () => set({ helpOpen: true }),
  closeHelp: () => set({ helpOpen: false }),
}));
