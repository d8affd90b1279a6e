"use client";

import { CONTEXT_KEYS, SHORTCUTS } from "@/lib/shortcuts/shortcuts";
import { useAppUi } from "@/stores/app-ui-store";
import { Dialog } from "../ui/dialog";
import styles from "./shortcuts.module.css";

export function ShortcutHelpDialog() {
  const open = useAppUi((state) => state.helpOpen);
  const close = useAppUi((state) => state.closeHelp);
  return (
    <Dialog open={open} onClose={close} title="Keyboard shortcuts" description="Single keys, anywhere except while typing in a field or a terminal." size="small">
      <dl className={styles.list}>
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.key} className={styles.row}>
            <dt>
              <kbd>{shortcut.key}</kbd>
            </dt>
            <dd>{shortcut.description}</dd>
          </div>
        ))}
        {CONTEXT_KEYS.map((entry) => (
          <div key={entry.keys} className={styles.row}>
            <dt>
              <kbd>{entry.keys}</kbd>
            </dt>
            <dd>{entry.description}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
