import fs from "node:fs";
import path from "node:path";
import { assistantLines, jsonl, userLine } from "../test/helpers/claude-transcript";
import { createTaskViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";
import { MissionsPage } from "./pages/missions-page";
import { TaskPage } from "./pages/task-page";

/**
 * What a run cost, as a person sees it: a hook reports the run's transcript to CALLBACK_URL (here
 * the Shell task's own curl, as Claude Code's http hook would), the run list shows its tokens and
 * cost (and the task's properties the total), the figures grow without a reload as the transcript
 * grows, and the Missions tile shows the cost.
 */
test("the run list and the Missions tile show a Claude run's tokens and cost, updated as its transcript grows", async ({ page, app, request }) => {
  const transcript = path.join(app.dataDir, "claude", "projects", "-work", "3c1d9a7e.jsonl");
  fs.mkdirSync(path.dirname(transcript), { recursive: true });
  // Stamped after the run starts (entries older than the run are a resumed session's history).
  const at = (s: number) => new Date(Date.now() + 60_000 + s * 1000);
  const model = "claude-sonnet-4-5-20250929";
  fs.writeFileSync(
    transcript,
    jsonl([userLine("add the endpoint", at(0)), ...assistantLines({ id: "msg_e2e1", model, usage: { input: 1_000, output: 2_000, cacheWrite: 10_000, cacheRead: 50_000 }, at: at(1), blocks: ["thinking", "text"] })]),
  );
  const hook = JSON.stringify({ hook_event_name: "SessionStart", session_id: "3c1d9a7e-0000-4000-8000-000000000001", transcript_path: transcript });
  const prompt = `curl -s -o /dev/null -X POST "$CALLBACK_URL" -H 'content-type: application/json' -d '${hook}'; echo HOOK-SENT`;
  const taskId = await createTaskViaApi(request, app, { title: "Costed run", prompt });
  await startTaskViaApi(request, app, taskId);

  const taskPage = new TaskPage(page, app);
  await taskPage.gotoId(taskId);
  const usage = taskPage.runs.getByTestId("run-row").first().getByTestId("run-usage");
  // $3 in, $15 out, $3.75 cache write, $0.30 cache read per million: $0.0855.
  await expect(usage).toHaveText("63k tokens · $0.09");

  fs.appendFileSync(transcript, jsonl(assistantLines({ id: "msg_e2e2", model, usage: { input: 0, output: 1_000_000 }, at: at(2), blocks: ["text", "tool_use"] })));
  await expect(usage).toHaveText("1.1M tokens · $15.09");
  await expect(usage).toHaveAttribute("title", /Sonnet 4\.5: 1k in, 1M out, 10k cache write, 50k cache read — \$15\.09/);
  await expect(taskPage.properties.getByTestId("task-usage")).toHaveText("1.1M tokens · $15.09");

  const missions = new MissionsPage(page, app);
  await missions.goto();
  await expect(missions.tile("Costed run").getByTestId("run-usage")).toHaveText("$15.09");
});
