import { create } from "zustand";
import type { AttentionNotice } from "@/lib/attention/attention";

/**
 * The in-app toasts: one per task at a time. A new notice about a task replaces its toast — the
 * newest state is what matters (events that belong together were merged before they got here).
 */

export interface Toast {
  id: number;
  notice: AttentionNotice;
  /** Bumped on every update, so the auto-dismiss timer restarts. */
  version: number;
}

/** More than this and the oldest go: a wall of toasts helps nobody (Missions shows the rest). */
export const MAX_TOASTS = 5;

interface AttentionState {
  toasts: Toast[];
  push: (notice: AttentionNotice) => void;
  dismiss: (id: number) => void;
}

let nextId = 1;

export const useAttention = create<AttentionState>()((set) => ({
  toasts: [],
  push: (notice) =>
    set((state) => {
      const existing = state.toasts.find((toast) => toast.notice.taskId === notice.taskId);
      if (existing) {
        return {
          toasts: state.toasts.map((toast) =>
            toast === existing ? { ...toast, notice, version: toast.version + 1 } : toast,
          ),
        };
      }
      return { toasts: [...state.toasts, { id: nextId++, notice, version: 0 }].slice(-MAX_TOASTS) };
    }),
  dismiss: (id) => set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) })),
}));
