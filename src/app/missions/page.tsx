import os from "node:os";
import type { Metadata } from "next";
import { LiveRefresh } from "@/components/live/live-refresh";
import { MissionsView } from "@/components/missions/missions-view";
import { shortenPath } from "@/lib/format/paths";
import type { MissionSession } from "@/lib/view-models";
import { getServices } from "@/server/registry";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Missions" };

/** Every session the server holds, joined with its task. Re-rendered live by LiveRefresh. */
async function listMissions(): Promise<MissionSession[]> {
  const services = getServices();
  const profileNames = new Map(services.profiles.list().map((profile) => [profile.id, profile.name]));
  const home = os.homedir();
  const missions: MissionSession[] = [];
  const sessions = services.sessions.list();
  // One round trip to the terminal host for all of them; a session gone meanwhile shows no last output.
  const stats = await Promise.all(sessions.map((session) => session.stats().catch(() => undefined)));
  const usage = services.costs.usageOfMany(sessions.map((session) => session.executionId));
  for (const [i, session] of sessions.entries()) {
    const task = services.tasks.find(session.taskId);
    if (!task) continue; // deleted a moment ago; its session is on its way out
    const exit = session.exit;
    missions.push({
      taskId: task.id,
      executionId: session.executionId,
      title: task.title,
      taskStatus: task.status,
      cwd: task.cwd,
      cwdShort: shortenPath(task.cwd, home),
      profileName: task.profileId ? (profileNames.get(task.profileId) ?? null) : null,
      running: session.running,
      exitCode: exit?.exitCode ?? null,
      signal: exit?.signal ?? null,
      startedAt: session.startedAt.getTime(),
      endedAt: exit?.endedAt.getTime() ?? null,
      lastOutputAt: stats[i]?.lastOutputAt ? Date.parse(stats[i]!.lastOutputAt!) : null,
      usage: usage.get(session.executionId) ?? null,
    });
  }
  return missions;
}

export default async function MissionsPage() {
  return (
    <main className="page page-wide">
      <MissionsView
        missions={await listMissions()}
        now={Date.now()}
        maxSessions={getServices().settings.get("system.maxConcurrentExecutions")}
      />
      <LiveRefresh catchUpOnConnect />
    </main>
  );
}
