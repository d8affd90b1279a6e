/**
 * The shapes of the internal API's `data` the MCP tools read (see docs/internal-api.md): the
 * server's own view types, imported as types only. `import type` is erased when the MCP server
 * runs, so this small, separate process still loads none of the app's server code, and a field
 * the server adds or changes reaches the tools' types at once instead of drifting in a copy.
 */

export type {
  ExecutionView as ExecutionData,
  TaskView as TaskData,
  TerminalBufferView as BufferData,
  TerminalInputView as InputData,
  TerminalInputOutputView as InputOutputData,
  TerminalSnapshotView as SnapshotData,
  TerminalStatusView as StatusData,
} from "../../server/internal-api/views";
export type { RunUsage as UsageData } from "../lib/format/run-usage";
