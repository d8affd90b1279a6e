import fs from "node:fs";
import { AppError } from "../../lib/errors";
import type { OutputReadQuery, OutputReadResult } from "../../terminal/host/output-log";
import type { ScreenSnapshot, SnapshotOptions, SnapshotViewMode } from "../../terminal/host/screen-mirror";
import type { Execution } from "../db/schema";
import type { ExecutionService } from "../executions/execution-service";
import type { SettingsService } from "../settings/settings-service";
import { recordingPath } from "../../terminal/recording/asciicast-writer";
import { CastFormatError } from "../../terminal/recording/cast-parser";
import { replayLog, replayScreen, type ReplayedLog } from "../../terminal/recording/recording-reader";

/** Replayed logs kept for repeated reads (an agent paging through `since`); each is bounded. */
const LOG_CACHE_ENTRIES = 2;

/**
 * A task's output after its session is gone (reaped, or the server restarted): answered from the
 * recordings on disk with the same semantics as a live session.
 */
export class HistoryService {
  private readonly cache = new Map<string, Promise<ReplayedLog>>();

  constructor(
    private readonly executions: ExecutionService,
    private readonly settings: SettingsService,
    private readonly dataDir: string,
  ) {}

  recordingFile(executionId: string): string | undefined {
    const file = recordingPath(this.dataDir, executionId);
    return fs.existsSync(file) ? file : undefined;
  }

  /** The execution to answer from: the given one (must belong to the task) or the task's latest recorded run. */
  resolve(taskId: string, executionId?: string): { execution: Execution; file: string } {
    if (executionId) {
      const execution = this.executions.find(executionId);
      if (!execution || execution.taskId !== taskId) {
        throw new AppError("not_found:execution", `Task ${taskId} has no execution ${executionId}`);
      }
      const file = this.recordingFile(execution.id);
      if (!file) throw new AppError("not_found:recording", `Execution ${executionId} has no recording on disk`);
      return { execution, file };
    }
    for (const execution of this.executions.listForTask(taskId, 20)) {
      const file = this.recordingFile(execution.id);
      if (file) return { execution, file };
    }
    throw new AppError("not_found:session", "This task has no live terminal session and no recorded run yet; start it first.");
  }

  async readBuffer(taskId: string, query: OutputReadQuery, executionId?: string): Promise<{ execution: Execution; result: OutputReadResult }> {
    const { execution, file } = this.resolve(taskId, executionId);
    const replayed = await this.replayedLog(execution.id, file).catch(unreadable(execution.id));
    return { execution, result: replayed.log.read(query) };
  }

  async snapshot(
    taskId: string,
    mode: SnapshotViewMode,
    options: SnapshotOptions,
    executionId?: string,
  ): Promise<{ execution: Execution; snapshot: ScreenSnapshot }> {
    const { execution, file } = this.resolve(taskId, executionId);
    const mirror = await replayScreen(file, Math.min(1000, this.settings.get("terminal.scrollbackLines"))).catch(unreadable(execution.id));
    try {
      return { execution, snapshot: mirror.snapshot(mode, options) };
    } finally {
      mirror.dispose();
    }
  }

  private replayedLog(executionId: string, file: string): Promise<ReplayedLog> {
    const stat = fs.statSync(file);
    const key = `${executionId}:${stat.size}:${stat.mtimeMs}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const replay = replayLog(file, this.settings.get("terminal.scrollbackLines"));
    replay.catch(() => this.cache.delete(key));
    this.cache.set(key, replay);
    while (this.cache.size > LOG_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return replay;
  }
}

/** A recording without a readable header (empty, or not asciicast v2) answers as a missing one. */
function unreadable(executionId: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof CastFormatError) {
      throw new AppError("not_found:recording", `Execution ${executionId}'s recording is not readable: ${error.message}`);
    }
    throw error;
  };
}
