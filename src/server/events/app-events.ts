import { EventEmitter } from "node:events";
import type { TaskStatus } from "../../lib/domain";
import type { RunUsage } from "../../lib/format/run-usage";
import type { Execution, Task } from "../db/schema";

/**
 * Process-wide change notifications. Services emit after a committed write; the events socket
 * forwards them to every open page so boards, task pages and Missions update without reload.
 */
export type AppEvent =
  /** `previousStatus`: the status before this change (null for a new task), so pages can tell what a task turned from. */
  | { type: "task.changed"; task: Task; previousStatus: TaskStatus | null }
  | { type: "task.deleted"; taskId: string }
  | { type: "execution.changed"; execution: Execution }
  | { type: "session.changed"; taskId: string; live: boolean }
  /** A run's token counts and cost grew (read from its agent's transcript); throttled per run. */
  | { type: "execution.usage"; executionId: string; taskId: string; usage: RunUsage };

export class AppEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open page subscribes once; many tabs are normal, not a leak.
    this.emitter.setMaxListeners(0);
  }

  emit(event: AppEvent): void {
    this.emitter.emit("event", event);
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}
