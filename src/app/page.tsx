import os from "node:os";
import type { Metadata } from "next";
import { BoardView } from "@/components/board/board-view";
import { InboxCallout } from "@/components/inbox/inbox-callout";
import { LiveRefresh } from "@/components/live/live-refresh";
import { shortenPath } from "@/lib/format/paths";
import { isInboxStatus } from "@/lib/inbox";
import type { BoardTask, ProfileOption } from "@/lib/view-models";
import { getServices } from "@/server/registry";

export const dynamic = "force-dynamic";

// The root layout's title template does not apply to a page in its own segment.
export const metadata: Metadata = { title: { absolute: "Board · AI Manager" } };

export default function BoardPage() {
  const services = getServices();
  const profiles = services.profiles.list();
  const profileNames = new Map(profiles.map((profile) => [profile.id, profile.name]));
  const home = os.homedir();
  const tasks: BoardTask[] = services.tasks.list().map((task) => ({
    id: task.id,
    title: task.title,
    description: task.description,
    status: task.status,
    cwd: task.cwd,
    cwdShort: shortenPath(task.cwd, home),
    profileName: task.profileId ? (profileNames.get(task.profileId) ?? null) : null,
    updatedAt: task.updatedAt.getTime(),
  }));
  const profileOptions: ProfileOption[] = profiles.map(({ id, name, isActive }) => ({ id, name, isActive }));
  return (
    <main className="page">
      <InboxCallout waiting={tasks.filter((task) => isInboxStatus(task.status)).length} />
      <BoardView tasks={tasks} profiles={profileOptions} defaultCwd={process.cwd()} now={Date.now()} />
      <LiveRefresh />
    </main>
  );
}
