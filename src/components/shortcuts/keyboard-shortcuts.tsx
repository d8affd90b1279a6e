"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { currentTheme, setTheme } from "@/lib/client/theme-client";
import { isTypingTarget, shortcutFor, SHORTCUTS_READY_ATTRIBUTE, type ShortcutAction } from "@/lib/shortcuts/shortcuts";
import { otherTheme } from "@/lib/theme/theme";
import { useAppUi } from "@/stores/app-ui-store";
import { useBoardUi } from "@/stores/board-ui-store";
import { ShortcutHelpDialog } from "./shortcut-help-dialog";

/** The page's filter box opts in to `/` with this attribute. */
export const FILTER_SHORTCUT_ATTRIBUTE = "data-shortcut-filter";

/**
 * The app-wide single-key shortcuts (listed in the help dialog). Keys typed into fields and
 * terminals are never taken: the listener checks the focused element first.
 */
export function KeyboardShortcuts() {
  const router = useRouter();
  const pathname = usePathname() ?? "/";
  const openHelp = useAppUi((state) => state.openHelp);
  const openNewTask = useBoardUi((state) => state.openNewTask);
  const context = useRef({ router, pathname, openHelp, openNewTask });
  context.current = { router, pathname, openHelp, openNewTask };

  useEffect(() => {
    const perform = (action: ShortcutAction) => {
      const { router, pathname, openHelp, openNewTask } = context.current;
      switch (action) {
        case "new-task":
          // The New task dialog lives on the board; its open flag survives the navigation.
          openNewTask();
          if (pathname !== "/") router.push("/");
          return;
        case "missions":
          router.push("/missions");
          return;
        case "board":
          router.push("/");
          return;
        case "settings":
          router.push("/settings");
          return;
        case "filter":
          document.querySelector<HTMLInputElement>(`[${FILTER_SHORTCUT_ATTRIBUTE}]`)?.focus();
          return;
        case "theme":
          setTheme(otherTheme(currentTheme()));
          return;
        case "help":
          openHelp();
          return;
      }
    };
    const onKeyDown = (event: KeyboardEvent) => {
      const action = shortcutFor({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        defaultPrevented: event.defaultPrevented,
        typing: isTypingTarget(document.activeElement),
        dialogOpen: document.querySelector("dialog[open]") !== null,
      });
      if (!action) return;
      // The key must not also land somewhere (e.g. "/" typed into the filter it just focused).
      event.preventDefault();
      perform(action);
    };
    window.addEventListener("keydown", onKeyDown);
    document.documentElement.setAttribute(SHORTCUTS_READY_ATTRIBUTE, "ready");
    return () => {
      window.removeEventListener("keydown", onKeyDown);
      document.documentElement.removeAttribute(SHORTCUTS_READY_ATTRIBUTE);
    };
  }, []);

  return <ShortcutHelpDialog />;
}
