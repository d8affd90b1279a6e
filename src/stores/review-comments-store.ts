import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";
import type { ReviewComment } from "@/workspace/types";

/**
 * Review comments written on a task's diff and not yet sent to its agent, per task. Kept in
 * sessionStorage: they survive a reload or a trip to the board, not the tab.
 */
export interface PendingComment extends ReviewComment {
  id: string;
}

interface ReviewCommentsState {
  byTask: Record<string, PendingComment[]>;
  add: (taskId: string, comment: ReviewComment) => void;
  remove: (taskId: string, id: string) => void;
  clear: (taskId: string) => void;
}

let counter = 0;
function newId(): string {
  counter += 1;
  return `${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export const useReviewComments = create<ReviewCommentsState>()(
  persist(
    (set) => ({
      byTask: {},
      add: (taskId, comment) =>
        set((state) => ({ byTask: { ...state.byTask, [taskId]: [...(state.byTask[taskId] ?? []), { ...comment, id: newId() }] } })),
      remove: (taskId, id) =>
        set((state) => ({ byTask: { ...state.byTask, [taskId]: (state.byTask[taskId] ?? []).filter((comment) => comment.id !== id) } })),
      clear: (taskId) =>
        set((state) => {
          const { [taskId]: _dropped, ...rest } = state.byTask;
          return { byTask: rest };
        }),
    }),
    {
      name: "ai-manager.review-comments",
      storage: createJSONStorage(() => sessionStorage),
      partialize: (state) => ({ byTask: state.byTask }),
      // Rehydrated from an effect (ReviewCommentsHydrator): the server render has no sessionStorage.
      skipHydration: true,
    },
  ),
);

const NONE: PendingComment[] = [];

/** The pending comments of one task (a stable empty array when there are none). */
export function usePendingComments(taskId: string): PendingComment[] {
  return useReviewComments((state) => state.byTask[taskId] ?? NONE);
}
